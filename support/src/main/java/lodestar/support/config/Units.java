package lodestar.support.config;

import java.util.Locale;

/**
 * Parses the duration and size strings of Lodestar configuration ({@code 500ms}, {@code 10s},
 * {@code 5m}, {@code 1h}, {@code 2d}; {@code 512B}, {@code 64KB}, {@code 64MB}, {@code 1GB}, binary
 * multiples). A number without a unit is refused (only {@code 0} may go without one): Bucky's
 * {@code flushInterval=10} meant seconds and PuyPuy's {@code check_period_seconds: 5} too, and reading them as
 * milliseconds would silently run a thousand times too often. Errors name the property and the fix so the log
 * line tells the operator what to write instead.
 */
public final class Units {

    private Units() {
    }

    /**
     * @param property the configuration property, for the error message
     * @return milliseconds, at least 0
     * @throws IllegalArgumentException naming the property when the text is not a non-negative duration
     */
    public static long durationMillis(String property, String text) {
        String t = trimmed(property, text, "duration");
        long mult;
        String num;
        if (t.endsWith("ms")) {
            mult = 1;
            num = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            mult = 1000;
            num = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            mult = 60_000;
            num = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            mult = 3_600_000;
            num = t.substring(0, t.length() - 1);
        } else if (t.endsWith("d")) {
            mult = 86_400_000;
            num = t.substring(0, t.length() - 1);
        } else {
            requireUnit(property, t, "s", "ms");
            mult = 1;
            num = t;
        }
        return scaled(property, text, num.trim(), mult, "a duration such as 500ms, 10s, 5m");
    }

    /**
     * Like {@link #durationMillis(String, String)} but also rejects zero.
     */
    public static long positiveDurationMillis(String property, String text) {
        long ms = durationMillis(property, text);
        if (ms <= 0) {
            throw new IllegalArgumentException(property + ": must be a positive duration, got '" + text + "'");
        }
        return ms;
    }

    /**
     * @return bytes, at least 0
     * @throws IllegalArgumentException naming the property when the text is not a non-negative size
     */
    public static long bytes(String property, String text) {
        String t = trimmed(property, text, "size").toUpperCase(Locale.ROOT);
        long mult = 1;
        String num = t;
        boolean unit = false;
        String[][] units = {{"KIB", "1024"}, {"MIB", "1048576"}, {"GIB", "1073741824"},
                {"KB", "1024"}, {"MB", "1048576"}, {"GB", "1073741824"}, {"K", "1024"}, {"M", "1048576"},
                {"G", "1073741824"}, {"B", "1"}};
        for (String[] u : units) {
            if (t.endsWith(u[0])) {
                mult = Long.parseLong(u[1]);
                num = t.substring(0, t.length() - u[0].length());
                unit = true;
                break;
            }
        }
        if (!unit) {
            requireUnit(property, text.trim(), "KB", "B");
        }
        return scaled(property, text, num.trim(), mult, "a size such as 512KB, 64MB, 1GB");
    }

    /**
     * A TCP/UDP port, 0..65535 (0: any free port).
     *
     * @throws IllegalArgumentException naming the property otherwise
     */
    public static int port(String property, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(property + ": must be between 0 and 65535, got " + port);
        }
        return port;
    }

    /** Formats milliseconds back the way an operator writes them ({@code 1500ms}, {@code 10s}, {@code 5m}). */
    public static String formatDuration(long ms) {
        if (ms % 86_400_000 == 0 && ms > 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0 && ms > 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /**
     * A value as people and scripts read it back: whole numbers without {@code .0} ({@code 42}), others in
     * Java's shortest round-trip form ({@code 0.25}, {@code 1.0E-7}), {@code NaN}, {@code Infinity}.
     */
    public static String formatValue(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    /** An age in the largest two units: {@code 0s}, {@code 42s}, {@code 3m5s}, {@code 2h0m}, {@code 4d3h}. */
    public static String formatAge(long millis) {
        if (millis < 0) {
            return "-" + formatAge(-millis);
        }
        long s = millis / 1000;
        if (s < 60) {
            return s + "s";
        }
        long m = s / 60;
        if (m < 60) {
            return m + "m" + (s % 60) + "s";
        }
        long h = m / 60;
        if (h < 24) {
            return h + "h" + (m % 60) + "m";
        }
        return h / 24 + "d" + (h % 24) + "h";
    }

    /**
     * Refuses a plain number other than zero, with the two readings the operator may have meant:
     * {@code flushInterval: '10' has no unit; write 10s or 10ms}. Text that is not a number at all falls through to
     * the general "expected ..." message.
     */
    private static void requireUnit(String property, String t, String likely, String other) {
        double d;
        try {
            d = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            return;
        }
        if (d == 0 || Double.isNaN(d) || Double.isInfinite(d) || d < 0 || !t.matches("[0-9.]+")) {
            return;
        }
        throw new IllegalArgumentException(property + ": '" + t + "' has no unit; write " + t + likely + " or " + t + other);
    }

    private static String trimmed(String property, String text, String what) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(property + ": a " + what + " is required, got nothing");
        }
        return text.trim();
    }

    private static long scaled(String property, String original, String num, long mult, String expected) {
        try {
            double d = Double.parseDouble(num);
            if (Double.isNaN(d) || Double.isInfinite(d) || d < 0) {
                throw new NumberFormatException();
            }
            double r = d * mult;
            if (r > Long.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return Math.round(r);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(property + ": expected " + expected + ", got '" + original + "'");
        }
    }
}
