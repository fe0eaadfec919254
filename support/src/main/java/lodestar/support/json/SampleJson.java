package lodestar.support.json;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

/**
 * One sample as a JSON object, the Kafka sink's {@code json} format and what the Kafka listener reads back:
 * {@code {"name":"system.cpu.user","tags":{"host":"a"},"value":12.5,"timestamp":1700000000000,"kind":"gauge"}}.
 * Unlike line protocol it keeps the kind, so a relay passes counters on as counters. JSON has no NaN or
 * infinity: those values are written as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 * Histograms are flattened by the core before a sink that does not take them whole sees them, so this never
 * meets one. Stateless and thread-safe.
 */
public final class SampleJson {

    private SampleJson() {
    }

    /** Appends {@code s} as one JSON object. @return {@code b} */
    public static StringBuilder append(StringBuilder b, Sample s) {
        b.append("{\"name\":");
        Json.string(b, s.name());
        Tags tags = s.tags();
        if (!tags.isEmpty()) {
            b.append(",\"tags\":{");
            for (int i = 0; i < tags.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                Json.string(b, tags.key(i)).append(':');
                Json.string(b, tags.value(i));
            }
            b.append('}');
        }
        b.append(",\"value\":");
        double v = s.value();
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            b.append('"').append(Double.toString(v)).append('"');
        } else {
            Json.number(b, v);
        }
        b.append(",\"timestamp\":").append(s.timestamp());
        Kind kind = s.kind() == Kind.HISTOGRAM ? Kind.GAUGE : s.kind();
        return b.append(",\"kind\":\"").append(kind.name().toLowerCase(Locale.ROOT)).append("\"}");
    }

    /**
     * The sample in {@code text}. {@code tags} and {@code kind} (default gauge) may be absent; {@code timestamp}
     * too (then now).
     *
     * @throws IllegalArgumentException saying why the text is not such a sample
     */
    public static Sample parse(CharSequence text) {
        Map<String, Object> o = Json.object(Json.parse(text));
        Object name = o.get("name");
        if (!(name instanceof String n) || n.isEmpty()) {
            throw new IllegalArgumentException("\"name\" must be a non-empty string");
        }
        Tags tags = Tags.EMPTY;
        Object t = o.get("tags");
        if (t != null) {
            Map<String, String> m = new TreeMap<>();
            for (Map.Entry<String, Object> e : Json.object(t).entrySet()) {
                if (!(e.getValue() instanceof String s)) {
                    throw new IllegalArgumentException("tag \"" + e.getKey() + "\" must be a string");
                }
                m.put(e.getKey(), s);
            }
            tags = Tags.of(m);
        }
        double value;
        Object v = o.get("value");
        if (v instanceof Number num) {
            value = num.doubleValue();
        } else if ("NaN".equals(v) || "Infinity".equals(v) || "-Infinity".equals(v)) {
            value = Double.parseDouble((String) v);
        } else {
            throw new IllegalArgumentException("\"value\" must be a number");
        }
        long timestamp;
        Object ts = o.get("timestamp");
        if (ts == null) {
            timestamp = System.currentTimeMillis();
        } else if (ts instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
            timestamp = num.longValue();
        } else {
            throw new IllegalArgumentException("\"timestamp\" must be whole milliseconds");
        }
        Kind kind = Kind.GAUGE;
        Object k = o.get("kind");
        if (k != null) {
            try {
                kind = Kind.valueOf(String.valueOf(k).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown \"kind\" '" + k + "'");
            }
            if (kind == Kind.HISTOGRAM) {
                throw new IllegalArgumentException("\"kind\" histogram needs a distribution");
            }
        }
        return new Sample(n, tags, value, timestamp, kind);
    }
}
