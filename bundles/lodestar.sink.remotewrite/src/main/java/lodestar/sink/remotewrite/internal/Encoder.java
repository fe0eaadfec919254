package lodestar.sink.remotewrite.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import lodestar.api.Histogram;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.proto.prompb.Remote;
import lodestar.proto.prompb.Types;
import lodestar.proto.remotewrite.NativeHistograms;
import lodestar.support.prometheus.PrometheusNames;

/**
 * Lodestar samples as a remote-write request. Names and labels follow the Prometheus sink's rule
 * ({@link PrometheusNames}: dots and other characters to {@code _}, a counter's name ending in {@code _total});
 * labels sorted by name as the protocol requires; a series' samples in time order. Histograms:
 * <ul>
 * <li>exponential: a native histogram (down to Prometheus's schema 8; coarser than -4 cannot be written and is
 * skipped);</li>
 * <li>explicit buckets: a classic histogram, {@code <name>_bucket{le="..."}} cumulative counts up to
 * {@code le="+Inf"}, {@code <name>_sum}, {@code <name>_count};</li>
 * <li>summary: {@code <name>{quantile="..."}}, {@code <name>_sum}, {@code <name>_count}.</li>
 * </ul>
 * 1.0 requests carry each family's type as metadata, 2.0 ones as each series' metadata. Not thread-safe (the runner
 * calls the sink from one thread).
 */
final class Encoder {

    /** One series of the request: its sorted labels and points. */
    private static final class Series {
        final List<String[]> labels;
        final int type; // metadata type, numbered alike in 1.0 and 2.0
        final List<double[]> floats = new ArrayList<>(); // {timestamp, value}
        final List<Sample> histograms = new ArrayList<>();

        Series(List<String[]> labels, int type) {
            this.labels = labels;
            this.type = type;
        }
    }

    static final int COUNTER = 1;
    static final int GAUGE = 2;
    static final int HISTOGRAM = 3;
    static final int GAUGE_HISTOGRAM = 4;
    static final int SUMMARY = 5;

    private final Map<String, Series> series = new LinkedHashMap<>();
    private final Map<String, Integer> families = new HashMap<>();
    private int skipped;

    /** Adds one sample (several series for a classic histogram or a summary). */
    void add(Sample s) {
        Histogram h = s.histogram();
        if (h == null) {
            boolean counter = s.kind() == Kind.COUNTER;
            String name = PrometheusNames.sampleName(s.name(), counter);
            point(name, s.tags(), null, null, counter ? COUNTER : GAUGE, name, s.timestamp(), s.value());
            return;
        }
        String base = PrometheusNames.metricName(s.name());
        switch (h.layout()) {
        case EXPONENTIAL -> {
            if (!NativeHistograms.writable(h)) {
                skipped++;
                return;
            }
            int type = h.temporality() == Histogram.Temporality.DELTA ? GAUGE_HISTOGRAM : HISTOGRAM;
            series(base, s.tags(), null, null, type, base).histograms.add(s);
        }
        case EXPLICIT -> {
            int type = h.temporality() == Histogram.Temporality.DELTA ? GAUGE_HISTOGRAM : HISTOGRAM;
            long cumulative = 0;
            for (int i = 0; i < h.boundCount(); i++) {
                cumulative += h.bucketCount(i);
                point(base + "_bucket", s.tags(), "le", le(h.bound(i)), type, base, s.timestamp(), cumulative);
            }
            point(base + "_bucket", s.tags(), "le", "+Inf", type, base, s.timestamp(), h.count());
            if (!Double.isNaN(h.sum())) {
                point(base + "_sum", s.tags(), null, null, type, base, s.timestamp(), h.sum());
            }
            point(base + "_count", s.tags(), null, null, type, base, s.timestamp(), h.count());
        }
        case SUMMARY -> {
            double[] q = h.quantiles();
            double[] v = h.quantileValues();
            for (int i = 0; i < q.length; i++) {
                point(base, s.tags(), "quantile", le(q[i]), SUMMARY, base, s.timestamp(), v[i]);
            }
            if (!Double.isNaN(h.sum())) {
                point(base + "_sum", s.tags(), null, null, SUMMARY, base, s.timestamp(), h.sum());
            }
            point(base + "_count", s.tags(), null, null, SUMMARY, base, s.timestamp(), h.count());
        }
        }
    }

    /** Histograms that could not be written (exponential ones coarser than schema -4), since {@link #clear}. */
    int skipped() {
        return skipped;
    }

    boolean isEmpty() {
        return series.isEmpty();
    }

    void clear() {
        series.clear();
        families.clear();
        skipped = 0;
    }

    private static String le(double v) {
        StringBuilder b = new StringBuilder();
        PrometheusNames.appendValue(b, v);
        return b.toString();
    }

    private void point(String name, Tags tags, String extraKey, String extraValue, int type, String family, long ts, double v) {
        series(name, tags, extraKey, extraValue, type, family).floats.add(new double[] {ts, v});
    }

    private Series series(String name, Tags tags, String extraKey, String extraValue, int type, String family) {
        families.putIfAbsent(family, type);
        // keyed by the labels Prometheus will see: tags that differ only by an empty value or by characters that
        // sanitize alike are one series there, and must be one here (one series, samples in time order)
        List<String[]> labels = labels(name, tags, extraKey, extraValue);
        StringBuilder key = new StringBuilder(64);
        for (String[] l : labels) {
            key.append(l[0]).append('\0').append(l[1]).append('\0');
        }
        return series.computeIfAbsent(key.toString(), k -> new Series(labels, type));
    }

    /** __name__ and the tags as Prometheus labels, sorted; empty values and keys that sanitize alike are left out. */
    static List<String[]> labels(String name, Tags tags, String extraKey, String extraValue) {
        Map<String, String> m = new HashMap<>();
        m.put("__name__", name);
        for (int i = 0; i < tags.size(); i++) {
            String v = tags.value(i);
            if (v.isEmpty()) {
                continue;
            }
            m.putIfAbsent(PrometheusNames.labelName(tags.key(i)), v); // the first in key order wins
        }
        if (extraKey != null) {
            m.put(extraKey, extraValue); // le / quantile are the histogram's own: they win over a tag
        }
        List<String[]> out = new ArrayList<>(m.size());
        m.forEach((k, v) -> out.add(new String[] {k, v}));
        out.sort(Comparator.comparing(l -> l[0]));
        return out;
    }

    private static final Comparator<double[]> BY_TIME = Comparator.comparingDouble(p -> p[0]);

    Remote.WriteRequest v1() {
        Remote.WriteRequest.Builder req = Remote.WriteRequest.newBuilder();
        for (Series s : series.values()) {
            Types.TimeSeries.Builder ts = Types.TimeSeries.newBuilder();
            for (String[] l : s.labels) {
                ts.addLabels(Types.Label.newBuilder().setName(l[0]).setValue(l[1]));
            }
            s.floats.sort(BY_TIME);
            for (double[] p : s.floats) {
                ts.addSamples(Types.Sample.newBuilder().setTimestamp((long) p[0]).setValue(p[1]));
            }
            s.histograms.sort(Comparator.comparingLong(Sample::timestamp));
            for (Sample h : s.histograms) {
                ts.addHistograms(NativeHistograms.toV1(h.histogram(), h.timestamp()));
            }
            req.addTimeseries(ts);
        }
        families.forEach((name, type) -> req.addMetadata(Types.MetricMetadata.newBuilder().setMetricFamilyName(name)
                .setTypeValue(type)));
        return req.build();
    }

    lodestar.proto.prompb.v2.Types.Request v2() {
        var req = lodestar.proto.prompb.v2.Types.Request.newBuilder();
        Map<String, Integer> symbols = new HashMap<>();
        req.addSymbols(""); // the protocol wants "" first
        symbols.put("", 0);
        for (Series s : series.values()) {
            var ts = lodestar.proto.prompb.v2.Types.TimeSeries.newBuilder();
            for (String[] l : s.labels) {
                ts.addLabelsRefs(symbol(req, symbols, l[0]));
                ts.addLabelsRefs(symbol(req, symbols, l[1]));
            }
            ts.setMetadata(lodestar.proto.prompb.v2.Types.Metadata.newBuilder().setTypeValue(s.type));
            s.floats.sort(BY_TIME);
            for (double[] p : s.floats) {
                ts.addSamples(lodestar.proto.prompb.v2.Types.Sample.newBuilder().setTimestamp((long) p[0]).setValue(p[1]));
            }
            s.histograms.sort(Comparator.comparingLong(Sample::timestamp));
            for (Sample h : s.histograms) {
                ts.addHistograms(NativeHistograms.toV2(h.histogram(), h.timestamp()));
            }
            req.addTimeseries(ts);
        }
        return req.build();
    }

    private static int symbol(lodestar.proto.prompb.v2.Types.Request.Builder req, Map<String, Integer> symbols, String s) {
        Integer ref = symbols.get(s);
        if (ref == null) {
            ref = symbols.size();
            symbols.put(s, ref);
            req.addSymbols(s);
        }
        return ref;
    }
}
