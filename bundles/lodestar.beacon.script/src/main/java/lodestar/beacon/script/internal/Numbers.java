package lodestar.beacon.script.internal;

import java.util.regex.Pattern;

/** Strict number and name checks shared by the parsers. */
final class Numbers {

    /** A plain decimal number: Java's parser also takes "NaN", "Infinity", "0x1p3" and "1d", a script never means those. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private Numbers() {
    }

    /** A finite decimal value, or a {@link BadLineException} naming {@code what}. */
    static double value(String what, String text) throws BadLineException {
        if (!DECIMAL.matcher(text).matches()) {
            throw new BadLineException(what + " '" + text + "' is not a number");
        }
        double d = Double.parseDouble(text);
        if (!Double.isFinite(d)) {
            throw new BadLineException(what + " '" + text + "' is out of range");
        }
        return d;
    }

    /**
     * A dotted metric path as Graphite and PuyPuy write it: not empty, no empty component ({@code a..b},
     * a leading or trailing dot), no control characters.
     */
    static String path(String name) throws BadLineException {
        if (name.isEmpty() || name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
            throw new BadLineException("bad metric name '" + name + "'");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new BadLineException("control character in metric name");
            }
        }
        return name;
    }
}
