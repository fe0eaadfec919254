package lodestar.support.prometheus;

/**
 * Prometheus's naming rules, shared by the Prometheus scrape endpoint and the remote-write sink: metric names match {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, label names
 * {@code [a-zA-Z_][a-zA-Z0-9_]*} (names starting with {@code __} are reserved), label values are any
 * UTF-8 with {@code \}, {@code "} and line feeds escaped.
 */
public final class PrometheusNames {

    private PrometheusNames() {
    }

    /**
     * A metric name: every character outside {@code [a-zA-Z0-9_:]} (the dots of a Lodestar name,
     * spaces, non-ASCII letters) becomes {@code _}, one per code point; a leading digit gets a
     * {@code _} in front.
     */
    public static String metricName(String name) {
        return sanitize(name, true);
    }

    /**
     * The name Prometheus sees for a Lodestar series: {@link #metricName}, and a counter's ending in {@code _total}
     * (Prometheus's convention; the scrape endpoint and the remote-write sink name alike) unless it ends so
     * already, or in {@code _bucket}, {@code _count} or {@code _sum}: the series of a classic histogram or summary,
     * counters that Prometheus names without {@code _total} (they arrive so from the remote-write listener).
     */
    public static String sampleName(String name, boolean counter) {
        String n = metricName(name);
        return counter && !n.endsWith("_total") && !n.endsWith("_bucket") && !n.endsWith("_count") && !n.endsWith("_sum")
                ? n + "_total" : n;
    }

    /**
     * A label name: like {@link #metricName} without colons, and a leading {@code __} (reserved for
     * Prometheus's own labels) shortened to one {@code _}.
     */
    public static String labelName(String key) {
        String s = sanitize(key, false);
        int i = 0;
        while (i + 1 < s.length() && s.charAt(i) == '_' && s.charAt(i + 1) == '_') {
            i++;
        }
        return i == 0 ? s : s.substring(i);
    }

    private static String sanitize(String s, boolean colons) {
        StringBuilder b = null;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || (colons && c == ':')
                    || (c >= '0' && c <= '9' && i > 0);
            if (ok && b == null) {
                continue;
            }
            if (b == null) {
                b = new StringBuilder(n + 1).append(s, 0, i);
            }
            if (ok) {
                b.append(c);
            } else if (c >= '0' && c <= '9') {
                b.append('_').append(c); // a leading digit
            } else {
                b.append('_');
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++; // one _ per code point
                }
            }
        }
        return b == null ? s : b.toString();
    }

    /** Appends a label value escaped for both formats: {@code \\}, {@code \"}, {@code \n}. */
    public static void appendLabelValue(StringBuilder b, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                default -> {
                    if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < v.length()
                            && Character.isLowSurrogate(v.charAt(i + 1))) && !(Character.isLowSurrogate(c) && i > 0
                            && Character.isHighSurrogate(v.charAt(i - 1)))) {
                        b.append('\ufffd'); // a lone surrogate is not UTF-8
                    } else {
                        b.append(c);
                    }
                }
            }
        }
    }

    /** A value as Prometheus writes it: {@code NaN}, {@code +Inf}, {@code -Inf}, else a Go-parsable float. */
    public static void appendValue(StringBuilder b, double v) {
        if (Double.isNaN(v)) {
            b.append("NaN");
        } else if (v == Double.POSITIVE_INFINITY) {
            b.append("+Inf");
        } else if (v == Double.NEGATIVE_INFINITY) {
            b.append("-Inf");
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            if (v == 0 && Double.doubleToRawLongBits(v) != 0) {
                b.append("-0");
            } else {
                b.append((long) v);
            }
        } else {
            String t = Double.toString(v);
            int e = t.indexOf('E');
            if (e < 0) {
                b.append(t);
            } else {
                b.append(t, 0, e).append('e').append(t, e + 1, t.length());
            }
        }
    }
}
