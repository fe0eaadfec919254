package lodestar.core.internal;

import lodestar.api.Sample;
import lodestar.api.Tags;

/**
 * Tags added to every sample that does not carry them already ({@code cluster_name}, {@code host_group} and
 * any configured {@code key=value}; the first two as PuyPuy names them): a sample's own tag wins.
 */
final class GlobalTags {

    private final Tags tags;

    private GlobalTags(Tags tags) {
        this.tags = tags;
    }

    static GlobalTags of(String[] pairs, String clusterName, String hostGroup) {
        Tags t = Tags.EMPTY;
        if (pairs != null) {
            for (String p : pairs) {
                if (p == null || p.isBlank()) {
                    continue;
                }
                int eq = p.indexOf('=');
                if (eq <= 0 || eq == p.length() - 1) {
                    throw new IllegalArgumentException("globalTags: expected key=value, got '" + p + "'");
                }
                t = t.with(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
            }
        }
        if (clusterName != null && !clusterName.isBlank()) {
            t = t.with("cluster_name", clusterName.trim());
        }
        if (hostGroup != null && !hostGroup.isBlank()) {
            t = t.with("host_group", hostGroup.trim());
        }
        return new GlobalTags(t);
    }

    boolean isEmpty() {
        return tags.isEmpty();
    }

    Sample applyTo(Sample s) {
        if (tags.isEmpty()) {
            return s;
        }
        // the sample's own tags win over the global ones
        return s.withTags(tags.withAll(s.tags()));
    }
}
