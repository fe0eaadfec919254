package lodestar.sink.otlp.internal;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lodestar.api.Histogram;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

/**
 * Encodes a batch of samples as one OTLP {@code ExportMetricsServiceRequest} (the table in the README): samples
 * are grouped by resource (configured attributes plus the tags chosen to move there), then by metric name and
 * kind, so each name is written once per request. Gauges, rates and statuses become OTLP gauges; counters
 * cumulative monotonic sums; histograms whole (explicit, exponential, summary).
 *
 * <p>With {@link Temporality#CUMULATIVE} (the default), {@link Kind#DELTA} samples and delta histograms are turned
 * into running totals per series, starting when the series was first seen, as most OTLP receivers (Prometheus,
 * Mimir) want; the totals of at most {@code maxSeries} series are kept, the least recently written forgotten
 * first (its next total starts again, with a new start time, which receivers read as a reset). With
 * {@link Temporality#DELTA} they are sent as delta sums and delta histograms. Cumulative series are sent
 * cumulative either way.
 *
 * <p>Running totals change only when {@link #commit()} is called after the receiver took the request, so a batch
 * the runner sends again after a failure is not counted twice. One writer thread (the sink's runner).
 */
final class SamplesToOtlp {

    enum Temporality {
        CUMULATIVE, DELTA;

        static Temporality parse(String s) {
            return switch (s == null ? "" : s.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "cumulative" -> CUMULATIVE;
                case "delta" -> DELTA;
                default -> throw new IllegalArgumentException("temporality: must be cumulative or delta, got '" + s + "'");
            };
        }
    }

    /** A series' running total: a sum's value, or a delta histogram added up. */
    private record Total(long startNanos, double sum, Histogram histogram) {
    }

    private final Temporality temporality;
    private final List<KeyValue> resource;
    /** tag -> resource attribute it becomes */
    private final Map<String, String> resourceFromTags;
    private final int maxSeries;
    private final InstrumentationScope scope;
    private final LinkedHashMap<String, Total> totals;
    private final Map<String, Total> pending = new HashMap<>();

    SamplesToOtlp(Temporality temporality, Map<String, String> resourceAttributes, Map<String, String> resourceFromTags,
            int maxSeries, String scopeVersion) {
        this.temporality = temporality;
        List<KeyValue> r = new ArrayList<>();
        new TreeMap<>(resourceAttributes).forEach((k, v) -> r.add(kv(k, v)));
        this.resource = List.copyOf(r);
        this.resourceFromTags = Map.copyOf(resourceFromTags);
        this.maxSeries = maxSeries;
        this.scope = InstrumentationScope.newBuilder().setName("lodestar").setVersion(scopeVersion).build();
        this.totals = new LinkedHashMap<>(1024, 0.75f, true);
    }

    /** Series whose running totals are kept now. */
    int series() {
        return totals.size();
    }

    ExportMetricsServiceRequest encode(List<Sample> batch) {
        pending.clear();
        // resource attributes (sorted) -> metric key -> metric being built
        Map<List<KeyValue>, Map<String, Metric.Builder>> byResource = new LinkedHashMap<>();
        for (Sample s : batch) {
            List<KeyValue> res = resource;
            List<KeyValue> attributes = new ArrayList<>(s.tags().size());
            if (!resourceFromTags.isEmpty()) {
                TreeMap<String, String> moved = null;
                Tags tags = s.tags();
                for (int i = 0; i < tags.size(); i++) {
                    String attr = resourceFromTags.get(tags.key(i));
                    if (attr != null) {
                        if (moved == null) {
                            moved = new TreeMap<>();
                        }
                        moved.put(attr, tags.value(i));
                    } else {
                        attributes.add(kv(tags.key(i), tags.value(i)));
                    }
                }
                if (moved != null) {
                    TreeMap<String, String> all = new TreeMap<>();
                    for (KeyValue kv : resource) {
                        all.put(kv.getKey(), kv.getValue().getStringValue());
                    }
                    all.putAll(moved);
                    List<KeyValue> r = new ArrayList<>(all.size());
                    all.forEach((k, v) -> r.add(kv(k, v)));
                    res = r;
                }
            } else {
                s.tags().forEach((k, v) -> attributes.add(kv(k, v)));
            }
            Map<String, Metric.Builder> metrics = byResource.computeIfAbsent(res, k -> new LinkedHashMap<>());
            add(metrics, s, attributes);
        }
        ExportMetricsServiceRequest.Builder request = ExportMetricsServiceRequest.newBuilder();
        byResource.forEach((res, metrics) -> {
            ScopeMetrics.Builder sm = ScopeMetrics.newBuilder().setScope(scope);
            metrics.values().forEach(sm::addMetrics);
            request.addResourceMetrics(ResourceMetrics.newBuilder().setResource(Resource.newBuilder().addAllAttributes(res)).addScopeMetrics(sm));
        });
        return request.build();
    }

    /** The receiver took the last encoded request: its running totals are the series' totals from now on. */
    void commit() {
        for (Map.Entry<String, Total> e : pending.entrySet()) {
            totals.put(e.getKey(), e.getValue());
        }
        pending.clear();
        while (totals.size() > maxSeries) {
            var it = totals.entrySet().iterator();
            it.next();
            it.remove();
        }
    }

    private void add(Map<String, Metric.Builder> metrics, Sample s, List<KeyValue> attributes) {
        long time = s.timestamp() * 1_000_000L;
        switch (s.kind()) {
            case GAUGE, RATE, STATUS -> metric(metrics, s.name(), "g").getGaugeBuilder()
                    .addDataPoints(NumberDataPoint.newBuilder().setAsDouble(s.value()).setTimeUnixNano(time).addAllAttributes(attributes));
            case COUNTER -> {
                Metric.Builder m = metric(metrics, s.name(), "c");
                m.getSumBuilder().setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE).setIsMonotonic(true);
                m.getSumBuilder().addDataPoints(NumberDataPoint.newBuilder().setAsDouble(s.value()).setTimeUnixNano(time)
                        .setStartTimeUnixNano(start(s, time)).addAllAttributes(attributes));
            }
            case DELTA -> {
                if (temporality == Temporality.DELTA) {
                    Metric.Builder m = metric(metrics, s.name(), "d");
                    m.getSumBuilder().setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA).setIsMonotonic(true);
                    m.getSumBuilder().addDataPoints(NumberDataPoint.newBuilder().setAsDouble(s.value()).setTimeUnixNano(time)
                            .addAllAttributes(attributes));
                } else {
                    String key = s.seriesKey() + "\u0000d";
                    Total t = total(key);
                    Total next = t == null ? new Total(time, s.value(), null) : new Total(t.startNanos(), t.sum() + s.value(), null);
                    pending.put(key, next);
                    Metric.Builder m = metric(metrics, s.name(), "c");
                    m.getSumBuilder().setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE).setIsMonotonic(true);
                    m.getSumBuilder().addDataPoints(NumberDataPoint.newBuilder().setAsDouble(next.sum()).setTimeUnixNano(time)
                            .setStartTimeUnixNano(next.startNanos()).addAllAttributes(attributes));
                }
            }
            case HISTOGRAM -> histogram(metrics, s, attributes, time);
        }
    }

    private Total total(String key) {
        Total t = pending.get(key);
        return t != null ? t : totals.get(key);
    }

    /** The start of a cumulative series that does not say: when this sink first saw it. */
    private long start(Sample s, long time) {
        String key = s.seriesKey() + "\u0000c";
        Total t = total(key);
        if (t == null) {
            t = new Total(time, 0, null);
        }
        pending.put(key, t);
        return t.startNanos();
    }

    private void histogram(Map<String, Metric.Builder> metrics, Sample s, List<KeyValue> attributes, long time) {
        Histogram h = s.histogram();
        long start = h.startTime() * 1_000_000L;
        boolean delta = h.temporality() == Histogram.Temporality.DELTA;
        if (delta && temporality == Temporality.CUMULATIVE && h.layout() != Histogram.Layout.SUMMARY) {
            String key = s.seriesKey() + "\u0000h";
            Total t = total(key);
            Histogram sum = t == null ? null : Histograms.add(t.histogram(), h);
            Total next = sum == null ? new Total(start != 0 ? start : time, 0, Histograms.cumulative(h)) : new Total(t.startNanos(), 0, sum);
            pending.put(key, next);
            h = next.histogram();
            start = next.startNanos();
            delta = false;
        }
        AggregationTemporality at = delta ? AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
                : AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
        switch (h.layout()) {
            case EXPLICIT -> {
                HistogramDataPoint.Builder p = HistogramDataPoint.newBuilder().setTimeUnixNano(time).setStartTimeUnixNano(start)
                        .setCount(h.count()).addAllAttributes(attributes);
                for (int i = 0; i < h.boundCount(); i++) {
                    p.addExplicitBounds(h.bound(i));
                }
                for (int i = 0; i <= h.boundCount(); i++) {
                    p.addBucketCounts(h.bucketCount(i));
                }
                minMaxSum(h, p::setSum, p::setMin, p::setMax);
                Metric.Builder m = metric(metrics, s.name(), delta ? "hd" : "h");
                m.getHistogramBuilder().setAggregationTemporality(at).addDataPoints(p);
            }
            case EXPONENTIAL -> {
                ExponentialHistogramDataPoint.Builder p = ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(time)
                        .setStartTimeUnixNano(start).setCount(h.count()).setScale(h.scale()).setZeroCount(h.zeroCount())
                        .setZeroThreshold(h.zeroThreshold()).addAllAttributes(attributes);
                p.getPositiveBuilder().setOffset(h.positiveOffset());
                for (long c : h.positiveCounts()) {
                    p.getPositiveBuilder().addBucketCounts(c);
                }
                p.getNegativeBuilder().setOffset(h.negativeOffset());
                for (long c : h.negativeCounts()) {
                    p.getNegativeBuilder().addBucketCounts(c);
                }
                minMaxSum(h, p::setSum, p::setMin, p::setMax);
                Metric.Builder m = metric(metrics, s.name(), delta ? "ed" : "e");
                m.getExponentialHistogramBuilder().setAggregationTemporality(at).addDataPoints(p);
            }
            case SUMMARY -> {
                SummaryDataPoint.Builder p = SummaryDataPoint.newBuilder().setTimeUnixNano(time).setStartTimeUnixNano(start)
                        .setCount(h.count()).setSum(Double.isNaN(h.sum()) ? 0 : h.sum()).addAllAttributes(attributes);
                double[] q = h.quantiles();
                double[] v = h.quantileValues();
                for (int i = 0; i < q.length; i++) {
                    p.addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(q[i]).setValue(v[i]));
                }
                metric(metrics, s.name(), "s").getSummaryBuilder().addDataPoints(p);
            }
        }
    }

    private static void minMaxSum(Histogram h, java.util.function.DoubleConsumer sum, java.util.function.DoubleConsumer min,
            java.util.function.DoubleConsumer max) {
        // optional fields: left out when the source did not report them, rather than sent as NaN
        if (!Double.isNaN(h.sum())) {
            sum.accept(h.sum());
        }
        if (!Double.isNaN(h.min())) {
            min.accept(h.min());
        }
        if (!Double.isNaN(h.max())) {
            max.accept(h.max());
        }
    }

    /** The metric of this name and type in this resource, made on first use. */
    private static Metric.Builder metric(Map<String, Metric.Builder> metrics, String name, String type) {
        Metric.Builder m = metrics.get(name + '\u0000' + type);
        if (m == null) {
            m = Metric.newBuilder().setName(name);
            switch (type) {
                case "g" -> m.setGauge(Gauge.newBuilder());
                case "c", "d" -> m.setSum(Sum.newBuilder());
                case "h", "hd" -> m.setHistogram(io.opentelemetry.proto.metrics.v1.Histogram.newBuilder());
                case "e", "ed" -> m.setExponentialHistogram(ExponentialHistogram.newBuilder());
                default -> m.setSummary(Summary.newBuilder());
            }
            metrics.put(name + '\u0000' + type, m);
        }
        return m;
    }

    static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }
}
