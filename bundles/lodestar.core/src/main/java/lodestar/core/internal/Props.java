package lodestar.core.internal;

import java.util.Collection;
import java.util.Map;

/** Reads loosely typed service properties (strings from .cfg files, typed values from .config files). */
final class Props {

    private Props() {
    }

    /** The value as one trimmed string ({@code String[]}: its first element); {@code dflt} when absent or blank. */
    static String string(Map<String, ?> props, String key, String dflt) {
        Object v = props.get(key);
        if (v instanceof String[] a) {
            v = a.length == 0 ? null : a[0];
        }
        if (v == null) {
            return dflt;
        }
        String s = String.valueOf(v).trim();
        return s.isEmpty() ? dflt : s;
    }

    /**
     * The entries of a list property as they are: a {@code String[]} or collection (a {@code .config} file,
     * the web console), or one string (a {@code .cfg} file). Not split at commas: the parsers of these entries
     * do that, where a comma means something (tagpass's {@code dc=par*,fra*} is one entry).
     */
    static String[] entries(Map<String, ?> props, String key) {
        Object v = props.get(key);
        if (v == null) {
            return new String[0];
        }
        if (v instanceof String[] a) {
            return a;
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toArray(String[]::new);
        }
        return new String[] {String.valueOf(v)};
    }

    static int integer(Map<String, ?> props, String key, int dflt) {
        String s = string(props, key, null);
        if (s == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": expected a whole number, got '" + s + "'");
        }
    }

    static boolean bool(Map<String, ?> props, String key, boolean dflt) {
        String s = string(props, key, null);
        return s == null ? dflt : Boolean.parseBoolean(s);
    }
}
