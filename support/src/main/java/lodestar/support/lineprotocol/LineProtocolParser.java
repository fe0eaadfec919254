package lodestar.support.lineprotocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

/**
 * Reads InfluxDB line protocol back into samples: what {@link LineProtocol} writes (the Kafka listener reads
 * what the Kafka sink wrote) and what Telegraf and InfluxDB clients write. One sample per numeric field: the
 * field {@code value} keeps the measurement as the name ({@code cpu value=1} -> {@code cpu}), any other field is
 * appended to it ({@code system.cpu user=1} -> {@code system.cpu.user}), which undoes {@link
 * LineProtocol.MeasurementFrom#NAME} and {@link LineProtocol.MeasurementFrom#PARENT}. String and boolean fields
 * are skipped. Stateless and thread-safe.
 */
public final class LineProtocolParser {

    private final TimeUnit precision;

    /** @param precision the unit of the timestamps ({@link LineProtocol} writes milliseconds) */
    public LineProtocolParser(TimeUnit precision) {
        this.precision = precision;
    }

    /**
     * The samples of one line (no line break in it). A line without a timestamp is taken now.
     *
     * @throws IllegalArgumentException saying why the line is not line protocol or has no numeric field
     */
    public List<Sample> parse(String line) {
        int n = line.length();
        int[] pos = {0};
        String measurement = token(line, pos, true);
        if (measurement.isEmpty()) {
            throw new IllegalArgumentException("no measurement");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        while (pos[0] < n && line.charAt(pos[0]) == ',') {
            pos[0]++;
            String key = token(line, pos, false);
            if (pos[0] >= n || line.charAt(pos[0]) != '=') {
                throw new IllegalArgumentException("tag '" + key + "' has no '='");
            }
            pos[0]++;
            String value = token(line, pos, false);
            if (key.isEmpty() || value.isEmpty()) {
                throw new IllegalArgumentException("empty tag key or value");
            }
            tags.put(key, value);
        }
        if (pos[0] >= n || line.charAt(pos[0]) != ' ') {
            throw new IllegalArgumentException("no fields");
        }
        pos[0]++;
        List<String[]> fields = new ArrayList<>(2);
        while (true) {
            String key = token(line, pos, false);
            if (pos[0] >= n || line.charAt(pos[0]) != '=') {
                throw new IllegalArgumentException("field '" + key + "' has no '='");
            }
            pos[0]++;
            String value = fieldValue(line, pos);
            fields.add(new String[] {key, value});
            if (pos[0] < n && line.charAt(pos[0]) == ',') {
                pos[0]++;
                continue;
            }
            break;
        }
        long timestamp;
        if (pos[0] < n && line.charAt(pos[0]) == ' ') {
            String t = line.substring(pos[0] + 1).trim();
            try {
                timestamp = t.isEmpty() ? System.currentTimeMillis() : precision.toMillis(Long.parseLong(t));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad timestamp '" + t + "'");
            }
        } else if (pos[0] < n) {
            throw new IllegalArgumentException("unexpected '" + line.charAt(pos[0]) + "' after the fields");
        } else {
            timestamp = System.currentTimeMillis();
        }
        Tags t = tags.isEmpty() ? Tags.EMPTY : Tags.of(tags);
        List<Sample> out = new ArrayList<>(fields.size());
        for (String[] f : fields) {
            Double v = number(f[1]);
            if (v == null) {
                continue; // a string or boolean field: nothing a sample can carry
            }
            String name = f[0].equals(LineProtocol.DEFAULT_FIELD) ? measurement : measurement + "." + f[0];
            out.add(new Sample(name, t, v, timestamp, Kind.GAUGE));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no numeric field");
        }
        return out;
    }

    /** A field value: a number, {@code 12i}, {@code 12u}, a boolean or a quoted string (returned quoted). */
    private static String fieldValue(String line, int[] pos) {
        int n = line.length();
        int i = pos[0];
        if (i < n && line.charAt(i) == '"') {
            int j = i + 1;
            while (j < n && line.charAt(j) != '"') {
                j += line.charAt(j) == '\\' ? 2 : 1;
            }
            if (j >= n) {
                throw new IllegalArgumentException("unterminated string field");
            }
            pos[0] = j + 1;
            return line.substring(i, j + 1);
        }
        int j = i;
        while (j < n && line.charAt(j) != ',' && line.charAt(j) != ' ') {
            j++;
        }
        pos[0] = j;
        if (j == i) {
            throw new IllegalArgumentException("empty field value");
        }
        return line.substring(i, j);
    }

    /** The number a field value holds, or null for a string or boolean. */
    private static Double number(String v) {
        char first = v.charAt(0);
        if (first == '"' || first == 't' || first == 'T' || first == 'f' || first == 'F') {
            return null;
        }
        char last = v.charAt(v.length() - 1);
        String digits = last == 'i' || last == 'u' ? v.substring(0, v.length() - 1) : v;
        try {
            return Double.parseDouble(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad field value '" + v + "'");
        }
    }

    /**
     * A measurement (ends at an unescaped comma or space) or a key or tag value (also ends at an unescaped
     * equals sign), unescaped. A backslash before anything else is kept, as InfluxDB reads it.
     */
    private static String token(String line, int[] pos, boolean measurement) {
        int n = line.length();
        StringBuilder b = null;
        int i = pos[0];
        int start = i;
        while (i < n) {
            char c = line.charAt(i);
            if (c == ',' || c == ' ' || (c == '=' && !measurement)) {
                break;
            }
            if (c == '\\' && i + 1 < n) {
                char next = line.charAt(i + 1);
                if (next == ',' || next == ' ' || next == '=') {
                    if (b == null) {
                        b = new StringBuilder(line.length()).append(line, start, i);
                    }
                    b.append(next);
                    i += 2;
                    continue;
                }
            }
            if (b != null) {
                b.append(c);
            }
            i++;
        }
        pos[0] = i;
        return b == null ? line.substring(start, i) : b.toString();
    }
}
