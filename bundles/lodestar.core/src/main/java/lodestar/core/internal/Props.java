package lodestar.core.internal;

import java.util.Collection;
import java.util.Map;

/** Reads loosely typed service properties (strings from .cfg files, typed values from .config files). */
final class Props {

    private Props() {
    }

    static String string(Map<String, ?> props, String key, String dflt) {
        Object v = props.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof String[] a) {
            return a.length == 0 ? dflt : a[0];
        }
        String s = String.valueOf(v).trim();
        return s.isEmpty() ? dflt : s;
    }

    static String[] strings(Map<String, ?> props, String key) {
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
        String s = String.valueOf(v).trim();
        return s.isEmpty() ? new String[0] : s.split("\\s*,\\s*");
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

    static double decimal(Map<String, ?> props, String key, double dflt) {
        String s = string(props, key, null);
        if (s == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": expected a number, got '" + s + "'");
        }
    }

    static boolean bool(Map<String, ?> props, String key, boolean dflt) {
        String s = string(props, key, null);
        return s == null ? dflt : Boolean.parseBoolean(s);
    }
}
