package lodestar.sink.librato.internal;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.json.Json;
import lodestar.support.log.SkippedSamples;

/**
 * Turns a batch into {@code /v1/metrics} request bodies of at most {@value #MAX_PER_REQUEST}
 * measurements: {@code {"gauges":[{"name","value","source","measure_time"},..],"counters":[..]}}.
 *
 * <p>Names and sources keep {@code A-Za-z0-9.:-_}, anything else becomes {@code _}; a name longer than
 * 255 characters is left out (counted), a source is cut to 255; the reserved source {@code all}
 * becomes {@code _all}. A sample's source is the values of its source tags joined with '.', or the
 * configured source. {@code measure_time} is whole epoch seconds. Values that are NaN, infinite or
 * have a base-10 exponent above 126 are left out (counted): one of them would make Librato refuse the
 * whole request.
 */
final class LibratoEncoder {

    /** One request body and the number of measurements in it. */
    record Request(String json, int measurements) {
    }

    /** Librato's limit of measurements per request. */
    static final int MAX_PER_REQUEST = 300;
    static final int MAX_NAME = 255;

    private static final Logger LOG = LoggerFactory.getLogger(LibratoEncoder.class);

    private final String source;
    private final String[] sourceTags;
    private final SkippedSamples unstorable;
    private final SkippedSamples badName;

    LibratoEncoder(String source, String[] sourceTags, String sink) {
        this.source = source;
        List<String> tags = new ArrayList<>();
        for (String entry : sourceTags == null ? new String[0] : sourceTags) {
            for (String t : entry == null ? new String[0] : entry.split(",")) {
                if (!t.isBlank()) {
                    tags.add(t.trim());
                }
            }
        }
        this.sourceTags = tags.toArray(String[]::new);
        this.unstorable = new SkippedSamples(sink, "samples whose value Librato cannot store (NaN, infinite, or"
                + " beyond 1e127)", LOG::info);
        this.badName = new SkippedSamples(sink, "samples whose name is longer than " + MAX_NAME + " characters",
                LOG::warn);
    }

    static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == ':'
                || c == '-' || c == '_';
    }

    static String sanitize(String s) {
        int i = 0;
        while (i < s.length() && allowed(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder b = new StringBuilder(s);
        for (; i < b.length(); i++) {
            if (!allowed(b.charAt(i))) {
                b.setCharAt(i, '_');
            }
        }
        return b.toString();
    }

    /** Why {@code s} cannot be a source, or null. */
    static String invalidSource(String s) {
        if (s.isEmpty() || s.length() > MAX_NAME) {
            return "must be 1 to " + MAX_NAME + " characters";
        }
        if (!sanitize(s).equals(s)) {
            return "may only contain A-Za-z0-9.:-_";
        }
        if (s.equalsIgnoreCase("all")) {
            return "'all' is reserved by Librato";
        }
        return null;
    }

    /** Whether Librato can store the value: finite, and a base-10 exponent of at most 126. */
    static boolean storableValue(double v) {
        return !Double.isNaN(v) && !Double.isInfinite(v) && (v == 0 || Math.floor(Math.log10(Math.abs(v))) <= 126);
    }

    boolean storable(Sample s) {
        if (storableValue(s.value())) {
            return true;
        }
        unstorable.skip(s);
        return false;
    }

    String sourceOf(Sample s) {
        Tags tags = s.tags();
        StringBuilder b = null;
        for (String t : sourceTags) {
            String v = tags.get(t);
            if (v != null && !v.isEmpty()) {
                b = b == null ? new StringBuilder(v) : b.append('.').append(v);
            }
        }
        if (b == null) {
            return source;
        }
        String src = sanitize(b.length() > MAX_NAME ? b.substring(0, MAX_NAME) : b.toString());
        return src.equalsIgnoreCase("all") ? "_" + src : src;
    }

    /** The request bodies for a batch, each with at most {@value #MAX_PER_REQUEST} measurements. */
    List<Request> encode(List<Sample> batch) {
        List<Request> requests = new ArrayList<>();
        StringBuilder gauges = new StringBuilder();
        StringBuilder counters = new StringBuilder();
        int n = 0;
        for (Sample s : batch) {
            if (!storable(s)) {
                continue;
            }
            String name = sanitize(s.name());
            if (name.length() > MAX_NAME) {
                badName.skip("'" + name.substring(0, 100) + "...'");
                continue;
            }
            StringBuilder b = s.kind() == Kind.COUNTER ? counters : gauges;
            b.append(b.length() == 0 ? "" : ",").append("{\"name\":");
            Json.string(b, name).append(",\"value\":");
            Json.number(b, s.value()).append(",\"source\":");
            Json.string(b, sourceOf(s)).append(",\"measure_time\":").append(Math.floorDiv(s.timestamp(), 1000L)).append('}');
            if (++n == MAX_PER_REQUEST) {
                requests.add(body(gauges, counters, n));
                gauges.setLength(0);
                counters.setLength(0);
                n = 0;
            }
        }
        if (n > 0) {
            requests.add(body(gauges, counters, n));
        }
        return requests;
    }

    private static Request body(StringBuilder gauges, StringBuilder counters, int n) {
        StringBuilder b = new StringBuilder(gauges.length() + counters.length() + 40).append('{');
        if (gauges.length() > 0) {
            b.append("\"gauges\":[").append(gauges).append(']');
        }
        if (counters.length() > 0) {
            b.append(gauges.length() > 0 ? "," : "").append("\"counters\":[").append(counters).append(']');
        }
        return new Request(b.append('}').toString(), n);
    }

    long unstorableCount() {
        return unstorable.count();
    }

    long badNameCount() {
        return badName.count();
    }
}
