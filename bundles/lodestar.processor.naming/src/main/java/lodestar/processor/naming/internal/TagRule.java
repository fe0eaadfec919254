package lodestar.processor.naming.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import lodestar.api.Tags;
import lodestar.api.util.NameFilter;

/**
 * Telegraf's tagpass/tagdrop table: for each tag key a list of value globs. It matches a sample when any
 * listed key is present with a value matching any of its globs. Immutable.
 */
final class TagRule {

    private final Map<String, List<NameFilter>> globs;

    private TagRule(Map<String, List<NameFilter>> globs) {
        this.globs = globs;
    }

    /**
     * Entries {@code key=glob1,glob2}; several entries in one string are separated by ';' (a plain .cfg
     * file gives one string, and ';' cannot occur in a Graphite tag value).
     *
     * @throws IllegalArgumentException starting with {@code property} on a malformed entry
     */
    static TagRule parse(String property, String[] entries) {
        Map<String, List<NameFilter>> m = new LinkedHashMap<>();
        for (String e : Instance.entries(entries, ";")) {
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
                throw new IllegalArgumentException(property + ": expected key=glob[,glob...], got '" + e + "'");
            }
            m.computeIfAbsent(key, k -> new ArrayList<>()).addAll(values);
        }
        return new TagRule(Map.copyOf(m));
    }

    boolean isEmpty() {
        return globs.isEmpty();
    }

    boolean matches(Tags tags) {
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
