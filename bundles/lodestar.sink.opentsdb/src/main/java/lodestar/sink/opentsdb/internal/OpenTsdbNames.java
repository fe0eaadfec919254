package lodestar.sink.opentsdb.internal;

import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.json.Json;

/**
 * Turns a sample into one {@code /api/put} data point. Names, tag keys and tag values are made to
 * fit OpenTSDB's character set ({@code net.opentsdb.core.Tags.validateString}: {@code a-z A-Z 0-9 - _
 * . /} and Unicode letters, checked per UTF-16 unit): anything else becomes {@code _}. Tags with an
 * empty value are left out (OpenTSDB refuses empty strings); default tags fill in keys a sample lacks.
 */
final class OpenTsdbNames {

    private OpenTsdbNames() {
    }

    static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                || c == '.' || c == '/' || Character.isLetter(c);
    }

    /** {@code s} with every character OpenTSDB refuses replaced by {@code _}. */
    static String sanitize(String s) {
        int n = s.length();
        int i = 0;
        while (i < n && allowed(s.charAt(i))) {
            i++;
        }
        if (i == n) {
            return s; // the common case allocates nothing
        }
        StringBuilder b = new StringBuilder(s);
        for (; i < n; i++) {
            if (!allowed(b.charAt(i))) {
                b.setCharAt(i, '_');
            }
        }
        return b.toString();
    }

    /** Appends {@code {"metric":..,"timestamp":..,"value":..,"tags":{..}}}. */
    static void appendPoint(StringBuilder b, Sample s, Tags defaults) {
        b.append("{\"metric\":");
        Json.string(b, sanitize(s.name()));
        long ts = s.timestamp();
        // whole seconds as seconds, else milliseconds (13 digits): OpenTSDB takes both
        b.append(",\"timestamp\":").append(ts % 1000 == 0 ? ts / 1000 : ts);
        b.append(",\"value\":");
        Json.number(b, s.value());
        b.append(",\"tags\":{");
        Tags tags = s.tags();
        boolean first = true;
        for (int i = 0; i < tags.size(); i++) {
            if (tags.value(i).isEmpty()) {
                continue;
            }
            first = tag(b, first, tags.key(i), tags.value(i));
        }
        for (int i = 0; i < defaults.size(); i++) {
            String k = defaults.key(i);
            String v = tags.get(k);
            if (v == null || v.isEmpty()) {
                first = tag(b, first, k, defaults.value(i));
            }
        }
        b.append("}}");
    }

    private static boolean tag(StringBuilder b, boolean first, String k, String v) {
        if (!first) {
            b.append(',');
        }
        Json.string(b, sanitize(k)).append(':');
        Json.string(b, sanitize(v));
        return false;
    }
}
