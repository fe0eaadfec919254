package lodestar.support.filter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import lodestar.api.Tags;

/**
 * A table of tag conditions: for each tag key a list of value globs (the platform's {@link NameFilter}
 * globs). It matches a sample's tags when any listed key is present with a value matching any of its globs.
 * Used by a sink's {@code tagpass}/{@code tagdrop} and by the filter processor, written as Telegraf writes
 * its tagpass/tagdrop. Immutable and thread-safe.
 */
public final class TagFilter {

    /** Matches nothing; {@link #isEmpty()}. */
    public static final TagFilter NONE = new TagFilter(Map.of());

    private final Map<String, List<NameFilter>> globs;

    private TagFilter(Map<String, List<NameFilter>> globs) {
        this.globs = globs;
    }

    /**
     * Entries {@code key=glob1,glob2}; several entries in one string are separated by ';' (a plain .cfg
     * file gives one string, and ';' cannot occur in a Graphite tag value).
     *
     * @throws IllegalArgumentException starting with {@code property} on a malformed entry
     */
    public static TagFilter parse(String property, String[] entries) {
        Map<String, List<NameFilter>> m = new LinkedHashMap<>();
        if (entries != null) {
            for (String entry : entries) {
                for (String e : entry == null ? new String[0] : entry.split(";")) {
                    if (e.isBlank()) {
                        continue;
                    }
                    int eq = e.indexOf('=');
                    String key = eq < 0 ? "" : e.substring(0, eq).trim();
                    List<NameFilter> values = new ArrayList<>();
                    if (eq >= 0) {
                        for (String g : e.substring(eq + 1).split(",")) {
                            if (!g.isBlank()) {
                                values.add(NameFilter.glob(g.trim()));
                            }
                        }
                    }
                    if (key.isEmpty() || values.isEmpty()) {
                        throw new IllegalArgumentException(property + ": expected key=glob[,glob...], got '" + e.trim() + "'");
                    }
                    m.computeIfAbsent(key, k -> new ArrayList<>()).addAll(values);
                }
            }
        }
        return m.isEmpty() ? NONE : new TagFilter(Map.copyOf(m));
    }

    /** True when no key is listed. */
    public boolean isEmpty() {
        return globs.isEmpty();
    }

    /** Whether some listed key is present with a value matching one of its globs. */
    public boolean matches(Tags tags) {
        for (Map.Entry<String, List<NameFilter>> e : globs.entrySet()) {
            String v = tags.get(e.getKey());
            if (v != null) {
                for (NameFilter f : e.getValue()) {
                    if (f.accepts(v)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
