package lodestar.listener.graphite.internal;

import java.util.regex.Pattern;

/** Graphite's numbers: values and timestamps as decimal text, timestamps in (fractional) seconds. */
final class Numbers {

    /**
     * Plain decimal numbers only: Java's parser would also take hex, {@code 1f}, {@code Infinity} and
     * {@code NaN}, none of which a Graphite sender means (Carbon drops NaN).
     */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?");

    /** The name of a sample's value in messages; the common case, kept as a constant. */
    static final String VALUE = "value";

    private Numbers() {
    }

    static double parse(String what, String text) throws BadInput {
        if (text.length() > 64 || !DECIMAL.matcher(text).matches()) {
            throw new BadInput(what == VALUE ? "bad value" : "bad " + what, text);
        }
        double d = Double.parseDouble(text);
        if (Double.isInfinite(d)) {
            throw new BadInput(what + " out of range", text);
        }
        return d;
    }

    /**
     * Seconds since the epoch to milliseconds; {@code -1} means now, as in Carbon.
     *
     * @throws BadInput on another negative or a value past the year 10000
     */
    static long timestampMillis(double seconds, long nowMillis) throws BadInput {
        if (seconds == -1) {
            return nowMillis;
        }
        if (!(seconds >= 0 && seconds < 253_402_300_800d)) {
            throw new BadInput("timestamp out of range: " + seconds);
        }
        return Math.round(seconds * 1000);
    }
}
