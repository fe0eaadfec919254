package lodestar.sink.kairosdb.internal;

import java.util.Collection;
import java.util.List;

import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.json.Json;

/**
 * The body of {@code POST /api/v1/datapoints}: {@code [{"name":..,"tags":{..},"datapoints":[[ms,v],..]},..]}.
 * Metric names go as they are (KairosDB accepts any non-empty name); tag names and values must not
 * contain {@code :} or {@code =} (KairosDB's {@code Validator.isValidateCharacterSet}), which become
 * {@code _}; tags with an empty value are left out; default tags fill in keys a sample lacks, so every
 * series has at least one tag as KairosDB requires. A value written without a fraction ({@code 42}) is
 * stored by KairosDB as a long, any other as a double.
 */
final class KairosJson {

    private KairosJson() {
    }

    static String sanitizeTag(String s) {
        return s.indexOf(':') < 0 && s.indexOf('=') < 0 ? s : s.replace(':', '_').replace('=', '_');
    }

    /** Each list holds the samples of one series (same name and tags). */
    static String encode(Collection<List<Sample>> series, Tags defaults) {
        StringBuilder b = new StringBuilder(series.size() * 120).append('[');
        boolean firstSeries = true;
        for (List<Sample> points : series) {
            if (!firstSeries) {
                b.append(',');
            }
            firstSeries = false;
            Sample head = points.get(0);
            b.append("{\"name\":");
            Json.string(b, head.name()).append(",\"tags\":{");
            Tags tags = head.tags();
            boolean first = true;
            for (int i = 0; i < tags.size(); i++) {
                if (!tags.value(i).isEmpty()) {
                    first = tag(b, first, tags.key(i), tags.value(i));
                }
            }
            for (int i = 0; i < defaults.size(); i++) {
                String v = tags.get(defaults.key(i));
                if (v == null || v.isEmpty()) {
                    first = tag(b, first, defaults.key(i), defaults.value(i));
                }
            }
            b.append("},\"datapoints\":[");
            for (int i = 0; i < points.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                b.append('[').append(points.get(i).timestamp()).append(',');
                Json.number(b, points.get(i).value()).append(']');
            }
            b.append("]}");
        }
        return b.append(']').toString();
    }

    private static boolean tag(StringBuilder b, boolean first, String k, String v) {
        if (!first) {
            b.append(',');
        }
        Json.string(b, sanitizeTag(k)).append(':');
        Json.string(b, sanitizeTag(v));
        return false;
    }
}
