package lodestar.support.lineprotocol;

import java.util.Locale;

import lodestar.api.Sample;
import lodestar.api.Tags;

/**
 * Encodes samples as InfluxDB line protocol (shared by the InfluxDB and Kafka sinks; {@link LineProtocolParser}
 * reads it back), one line per sample:
 * {@code measurement[,tag=value...] field=value timestampMillis}, escaped per the line-protocol spec
 * and written so that InfluxDB 1.x and 2.x read the same thing (they disagree on {@code \\}, see
 * {@link #token}). Values are always float fields; NaN and infinities are refused (InfluxDB cannot
 * store them) and left for the caller to count.
 */
public final class LineProtocol {

    /** How a dotted name becomes a measurement and a field key. */
    public enum MeasurementFrom {
        /** The whole name is the measurement, the field is {@code value}: {@code system.cpu.user value=12.5}. */
        NAME,
        /** Up to the last dot is the measurement, the last component the field: {@code system.cpu user=12.5}. */
        PARENT,
        /** The first component is the measurement, the rest the field: {@code system cpu.user=12.5}. */
        FIRST;

        public static MeasurementFrom parse(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            return switch (t) {
                case "name" -> NAME;
                case "parent" -> PARENT;
                case "first" -> FIRST;
                default -> throw new IllegalArgumentException(
                        "measurementFrom: must be name, parent or first, got '" + text + "'");
            };
        }
    }

    /** The field key in {@link MeasurementFrom#NAME} mode, and for names without a dot in the others. */
    public static final String DEFAULT_FIELD = "value";

    /** Escape class: a measurement ends at an unescaped comma or space. */
    private static final int MEASUREMENT = 0;
    /** Escape class: tag keys, tag values and field keys end at an unescaped comma, equals sign or space. */
    private static final int KEY = 1;

    private final MeasurementFrom from;

    public LineProtocol(MeasurementFrom from) {
        this.from = from;
    }

    /** Whether InfluxDB can store this value (not NaN, not infinite). */
    public static boolean storable(double v) {
        return !Double.isNaN(v) && !Double.isInfinite(v);
    }

    /**
     * Appends one line for {@code s}.
     *
     * @return false (and nothing appended) when the value is NaN or infinite
     */
    public boolean append(Sample s, Bytes out) {
        double v = s.value();
        if (!storable(v)) {
            return false;
        }
        String name = s.name();
        int split = switch (from) {
            case NAME -> -1;
            case PARENT -> name.lastIndexOf('.');
            case FIRST -> name.indexOf('.');
        };
        String measurement;
        String field;
        if (split > 0 && split < name.length() - 1) {
            measurement = name.substring(0, split);
            field = name.substring(split + 1);
        } else {
            measurement = name;
            field = DEFAULT_FIELD;
        }
        if (measurement.charAt(0) == '#') {
            out.put('_'); // a line starting with '#' is a comment to InfluxDB
            token(measurement, 1, MEASUREMENT, out);
        } else {
            token(measurement, 0, MEASUREMENT, out);
        }
        Tags tags = s.tags();
        for (int i = 0; i < tags.size(); i++) {
            String value = tags.value(i);
            if (value.isEmpty()) {
                continue; // InfluxDB rejects empty tag values; an absent tag reads the same
            }
            out.put(',');
            key(tags.key(i), out);
            out.put('=');
            token(value, 0, KEY, out);
        }
        out.put(' ');
        key(field, out);
        out.put('=');
        appendFloat(v, out);
        out.put(' ');
        out.decimal(s.timestamp());
        out.put('\n');
        return true;
    }

    /** A tag or field key: {@code time} is reserved by InfluxDB (points using it are dropped). */
    private static void key(String k, Bytes out) {
        if (k.equals("time")) {
            out.ascii("_time");
        } else {
            token(k, 0, KEY, out);
        }
    }

    /**
     * Appends {@code s} from {@code from} escaped for its place in the line: a backslash before the
     * characters that would end the token (measurement: comma, space; keys and tag values: comma, equals
     * sign, space). A line cannot hold a line break, so control characters become {@code _}, as does a
     * lone UTF-16 surrogate (the body must be valid UTF-8). A backslash in the text is kept only where
     * it cannot be read as an escape (followed by an ordinary character); otherwise it becomes
     * {@code _}: before a special character or at the end it would escape what follows, and InfluxDB
     * 1.x keeps {@code \\} as two backslashes where 2.x reads one, so no spelling is exact on both.
     */
    static void token(String s, int from, int escapeClass, Bytes out) {
        int n = s.length();
        out.ensure(n - from);
        for (int i = from; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c < 0x20 || c == 0x7f) {
                    out.put('_');
                } else if (c == ',' || c == ' ' || (c == '=' && escapeClass == KEY)) {
                    out.put('\\');
                    out.put(c);
                } else if (c == '\\') {
                    out.put(i + 1 < n && ordinary(s.charAt(i + 1)) ? '\\' : '_');
                } else {
                    out.put(c);
                }
            } else if (c < 0x800) {
                out.put(0xc0 | (c >> 6));
                out.put(0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out.put(0xf0 | (cp >> 18));
                out.put(0x80 | ((cp >> 12) & 0x3f));
                out.put(0x80 | ((cp >> 6) & 0x3f));
                out.put(0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                out.put('_');
            } else {
                out.put(0xe0 | (c >> 12));
                out.put(0x80 | ((c >> 6) & 0x3f));
                out.put(0x80 | (c & 0x3f));
            }
        }
    }

    /** Whether a backslash before {@code next} is read literally by both InfluxDB 1.x and 2.x. */
    private static boolean ordinary(char next) {
        return next != '\\' && next != ',' && next != ' ' && next != '=' && next != '"' && next >= 0x20 && next != 0x7f;
    }

    /** A measurement escaped as a string, for messages and tests. */
    public static String measurement(String s) {
        Bytes b = new Bytes(s.length() + 8);
        token(s, 0, MEASUREMENT, b);
        return b.toString();
    }

    /** A tag key, tag value or field key escaped as a string, for messages and tests. */
    public static String key(String s) {
        Bytes b = new Bytes(s.length() + 8);
        token(s, 0, KEY, b);
        return b.toString();
    }

    /**
     * A string field value per the spec: in double quotes, with {@code "} and {@code \} escaped. The
     * sink writes only float fields; this keeps the last of the spec's escaping rules beside the others.
     */
    public static String stringField(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }

    /**
     * A float field value InfluxDB parses back to the same double: whole numbers below 10^15 as digits
     * (no {@code i} suffix, so still a float), others in Java's shortest round-trip form with a lower-case
     * exponent ({@code 1.7976931348623157e308}).
     */
    public static void appendFloat(double v, Bytes out) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            if (v == 0 && Double.doubleToRawLongBits(v) != 0) {
                out.ascii("-0");
            } else {
                out.decimal((long) v);
            }
            return;
        }
        String t = Double.toString(v);
        out.ensure(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            out.put(c == 'E' ? 'e' : c);
        }
    }
}
