package lodestar.beacon.script.internal;

import java.util.ArrayList;
import java.util.List;

import lodestar.api.Tags;

/**
 * InfluxDB line protocol: {@code measurement[,tag=value...] field=value[,field=value...] [timestamp]}.
 * Each numeric field becomes one metric named {@code measurement.field} with the line's tags; string
 * fields are valid protocol but not numbers, so they are skipped. Field values: floats ({@code 1},
 * {@code -1.5e3}), integers ({@code 5i}), unsigned ({@code 5u}), booleans ({@code t}, {@code TRUE},
 * {@code false}, ... as 1 and 0), strings in double quotes. The timestamp is in nanoseconds.
 *
 * <p>Escaping as the line protocol specifies: in the measurement a backslash escapes a comma or a space;
 * in tag keys, tag values and field keys it escapes a comma, an equals sign or a space; in a string field
 * value it escapes a double quote or a backslash. A backslash before any other character is literal.
 */
final class InfluxParser implements LineParser {

    private static final String MEASUREMENT_ESCAPES = ", ";
    private static final String KEY_ESCAPES = ",= ";

    @Override
    public List<Metric> parse(String line) throws BadLineException {
        return new Cursor(line.trim()).line();
    }

    /** A single pass over one line. */
    private static final class Cursor {
        private final String s;
        private int i;

        Cursor(String s) {
            this.s = s;
        }

        List<Metric> line() throws BadLineException {
            String measurement = read(", ", MEASUREMENT_ESCAPES);
            if (measurement.isEmpty()) {
                throw new BadLineException("missing measurement");
            }
            Tags tags = Tags.EMPTY;
            while (peek() == ',') {
                i++;
                String key = read("=, ", KEY_ESCAPES);
                expect('=', "tag '" + key + "' has no '='");
                String value = read(", ", KEY_ESCAPES);
                if (key.isEmpty() || value.isEmpty()) {
                    throw new BadLineException("empty tag key or value");
                }
                tags = tags.with(key, value);
            }
            if (peek() != ' ') {
                throw new BadLineException("missing field set");
            }
            skipBlanks();
            List<Metric> out = new ArrayList<>();
            int fields = 0;
            do {
                if (fields > 0) {
                    i++; // the comma
                }
                String key = read("=, ", KEY_ESCAPES);
                if (key.isEmpty()) {
                    throw new BadLineException("empty field key");
                }
                expect('=', "field '" + key + "' has no '='");
                fields++;
                if (peek() == '"') {
                    string(); // valid, but not a number
                    continue;
                }
                double v = fieldValue(key, read(", ", ""));
                out.add(new Metric(measurement + "." + key, tags, v, Metric.NOW, false));
            } while (peek() == ',');
            skipBlanks();
            long ts = Metric.NOW;
            if (i < s.length()) {
                String t = read(" ", "");
                try {
                    ts = Math.floorDiv(Long.parseLong(t), 1_000_000L);
                } catch (NumberFormatException e) {
                    throw new BadLineException("timestamp '" + t + "' is not an integer of nanoseconds");
                }
                skipBlanks();
                if (i < s.length()) {
                    throw new BadLineException("unexpected text after the timestamp");
                }
            }
            if (ts != Metric.NOW) {
                List<Metric> stamped = new ArrayList<>(out.size());
                for (Metric m : out) {
                    stamped.add(new Metric(m.name(), m.tags(), m.value(), ts, false));
                }
                return stamped;
            }
            return out;
        }

        /** Reads up to an unescaped character of {@code stops} (or the end), unescaping {@code escapes}. */
        private String read(String stops, String escapes) {
            StringBuilder b = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length() && escapes.indexOf(s.charAt(i + 1)) >= 0) {
                    b.append(s.charAt(i + 1));
                    i += 2;
                    continue;
                }
                if (stops.indexOf(c) >= 0) {
                    break;
                }
                b.append(c);
                i++;
            }
            return b.toString();
        }

        /** A double-quoted string field value; only {@code \"} and {@code \\} are escapes. */
        private String string() throws BadLineException {
            i++; // opening quote
            StringBuilder b = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\')) {
                    b.append(s.charAt(i + 1));
                    i += 2;
                } else if (c == '"') {
                    i++;
                    return b.toString();
                } else {
                    b.append(c);
                    i++;
                }
            }
            throw new BadLineException("unterminated string field");
        }

        private static double fieldValue(String key, String v) throws BadLineException {
            switch (v) {
                case "t", "T", "true", "True", "TRUE":
                    return 1;
                case "f", "F", "false", "False", "FALSE":
                    return 0;
                default:
                    break;
            }
            if (v.endsWith("i") || v.endsWith("u")) {
                String digits = v.substring(0, v.length() - 1);
                boolean unsigned = v.endsWith("u");
                if (!digits.matches(unsigned ? "\\d+" : "[+-]?\\d+")) {
                    throw new BadLineException("field '" + key + "': '" + v + "' is not an "
                            + (unsigned ? "unsigned " : "") + "integer");
                }
                return Double.parseDouble(digits);
            }
            return Numbers.value("field '" + key + "'", v);
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private void expect(char c, String otherwise) throws BadLineException {
            if (peek() != c) {
                throw new BadLineException(otherwise);
            }
            i++;
        }

        private void skipBlanks() {
            while (i < s.length() && s.charAt(i) == ' ') {
                i++;
            }
        }
    }
}
