package lodestar.listener.otlp.internal;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import lodestar.api.Histogram;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.json.Json;
import lodestar.support.log.LogText;

/**
 * Turns one OTLP {@code ExportMetricsServiceRequest} into Lodestar samples (the table in the README):
 * gauges stay gauges; sums become {@link Kind#DELTA} (delta temporality), {@link Kind#COUNTER} (cumulative and
 * monotonic) or {@link Kind#GAUGE} (cumulative, not monotonic: an up-down counter is a level); histograms,
 * exponential histograms and summaries become one {@link Kind#HISTOGRAM} sample each, kept whole. Data point
 * attributes are always tags; resource and scope attributes only those the configuration names.
 *
 * <p>A data point that cannot be a sample (no value, counts that do not add up, unspecified temporality) is
 * rejected and counted, with the first reason kept for the OTLP partial-success answer; the others go on.
 * Stateless apart from its settings; thread-safe.
 */
final class OtlpToSamples {

    /** OTLP's DataPointFlags.FLAG_NO_RECORDED_VALUE: a point that only says "no value here" (a stale marker). */
    private static final int NO_RECORDED_VALUE = 1;
    /** Longest metric name taken; a longer one is refused (a name is stored with every sample of the series). */
    static final int MAX_NAME = 1024;
    /** Longest tag value taken; longer values are cut (an attribute can be a whole stack trace). */
    static final int MAX_TAG_VALUE = 1024;

    /**
     * What one request became.
     *
     * @param samples  the samples to hand on
     * @param rejected data points refused
     * @param error    why the first refused point was refused (for the partial-success answer), or "" when none was
     * @param skipped  points flagged "no recorded value": neither samples nor rejected
     */
    record Result(List<Sample> samples, long rejected, String error, long skipped) {
    }

    private final Set<String> resourceTags;
    private final Set<String> scopeTags;

    /**
     * @param resourceTags resource attributes that become tags of every sample of the resource
     * @param scopeTags    scope attributes that become tags; {@code otel.scope.name} and {@code otel.scope.version}
     *                     stand for the scope's name and version
     */
    OtlpToSamples(Set<String> resourceTags, Set<String> scopeTags) {
        this.resourceTags = Set.copyOf(resourceTags);
        this.scopeTags = Set.copyOf(scopeTags);
    }

    /** How many data points a request holds, counted before anything is built from them. */
    static long dataPoints(ExportMetricsServiceRequest request) {
        long n = 0;
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric m : sm.getMetricsList()) {
                    n += switch (m.getDataCase()) {
                        case GAUGE -> m.getGauge().getDataPointsCount();
                        case SUM -> m.getSum().getDataPointsCount();
                        case HISTOGRAM -> m.getHistogram().getDataPointsCount();
                        case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
                        case SUMMARY -> m.getSummary().getDataPointsCount();
                        case DATA_NOT_SET -> 0;
                    };
                }
            }
        }
        return n;
    }

    Result map(ExportMetricsServiceRequest request, long nowMillis) {
        Batch b = new Batch(nowMillis);
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            Tags resource = attributes(Tags.EMPTY, rm.getResource().getAttributesList(), resourceTags);
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                Tags scope = attributes(resource, sm.getScope().getAttributesList(), scopeTags);
                if (scopeTags.contains("otel.scope.name") && !sm.getScope().getName().isEmpty()) {
                    scope = scope.with("otel.scope.name", cut(sm.getScope().getName()));
                }
                if (scopeTags.contains("otel.scope.version") && !sm.getScope().getVersion().isEmpty()) {
                    scope = scope.with("otel.scope.version", cut(sm.getScope().getVersion()));
                }
                for (Metric m : sm.getMetricsList()) {
                    metric(b, scope, m);
                }
            }
        }
        return new Result(b.samples, b.rejected, b.error == null ? "" : b.error, b.skipped);
    }

    private static final class Batch {
        final long now;
        final List<Sample> samples = new ArrayList<>();
        long rejected;
        long skipped;
        String error;

        Batch(long now) {
            this.now = now;
        }

        void reject(long points, String why) {
            rejected += points;
            if (error == null && points > 0) {
                error = LogText.line(why);
            }
        }
    }

    private void metric(Batch b, Tags base, Metric m) {
        String name = m.getName();
        long points = switch (m.getDataCase()) {
            case GAUGE -> m.getGauge().getDataPointsCount();
            case SUM -> m.getSum().getDataPointsCount();
            case HISTOGRAM -> m.getHistogram().getDataPointsCount();
            case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
            case SUMMARY -> m.getSummary().getDataPointsCount();
            case DATA_NOT_SET -> 0;
        };
        if (name.isEmpty()) {
            b.reject(points, "metric without a name");
            return;
        }
        if (name.length() > MAX_NAME) {
            b.reject(points, "metric name longer than " + MAX_NAME + " characters: '" + LogText.of(name) + "'");
            return;
        }
        switch (m.getDataCase()) {
            case GAUGE -> {
                for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
                    number(b, name, base, p, Kind.GAUGE);
                }
            }
            case SUM -> {
                AggregationTemporality t = m.getSum().getAggregationTemporality();
                if (t != AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
                        && t != AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE) {
                    b.reject(points, "sum '" + LogText.of(name) + "' without aggregation temporality");
                    return;
                }
                Kind kind = t == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA ? Kind.DELTA
                        : m.getSum().getIsMonotonic() ? Kind.COUNTER : Kind.GAUGE;
                for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                    number(b, name, base, p, kind);
                }
            }
            case HISTOGRAM -> {
                Histogram.Temporality t = temporality(m.getHistogram().getAggregationTemporality());
                if (t == null) {
                    b.reject(points, "histogram '" + LogText.of(name) + "' without aggregation temporality");
                    return;
                }
                for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
                    histogram(b, name, base, p, t);
                }
            }
            case EXPONENTIAL_HISTOGRAM -> {
                Histogram.Temporality t = temporality(m.getExponentialHistogram().getAggregationTemporality());
                if (t == null) {
                    b.reject(points, "exponential histogram '" + LogText.of(name) + "' without aggregation temporality");
                    return;
                }
                for (ExponentialHistogramDataPoint p : m.getExponentialHistogram().getDataPointsList()) {
                    exponential(b, name, base, p, t);
                }
            }
            case SUMMARY -> {
                for (SummaryDataPoint p : m.getSummary().getDataPointsList()) {
                    summary(b, name, base, p);
                }
            }
            case DATA_NOT_SET -> {
                // a metric with no data: nothing to take, nothing to reject
            }
        }
    }

    private static Histogram.Temporality temporality(AggregationTemporality t) {
        return switch (t) {
            case AGGREGATION_TEMPORALITY_DELTA -> Histogram.Temporality.DELTA;
            case AGGREGATION_TEMPORALITY_CUMULATIVE -> Histogram.Temporality.CUMULATIVE;
            default -> null;
        };
    }

    private void number(Batch b, String name, Tags base, NumberDataPoint p, Kind kind) {
        if ((p.getFlags() & NO_RECORDED_VALUE) != 0) {
            b.skipped++;
            return;
        }
        double v;
        switch (p.getValueCase()) {
            case AS_DOUBLE -> v = p.getAsDouble();
            case AS_INT -> v = p.getAsInt();
            default -> {
                b.reject(1, "data point of '" + LogText.of(name) + "' without a value");
                return;
            }
        }
        b.samples.add(Sample.of(name, attributes(base, p.getAttributesList(), null), v, time(p.getTimeUnixNano(), b.now), kind));
    }

    private void histogram(Batch b, String name, Tags base, HistogramDataPoint p, Histogram.Temporality t) {
        if ((p.getFlags() & NO_RECORDED_VALUE) != 0) {
            b.skipped++;
            return;
        }
        double[] bounds;
        long[] counts;
        if (p.getBucketCountsCount() == 0) {
            // no buckets reported: one bucket holds everything (the bounds, if any, say nothing)
            bounds = new double[0];
            counts = new long[] {p.getCount()};
        } else {
            bounds = new double[p.getExplicitBoundsCount()];
            for (int i = 0; i < bounds.length; i++) {
                bounds[i] = p.getExplicitBounds(i);
            }
            counts = new long[p.getBucketCountsCount()];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = p.getBucketCounts(i); // fixed64: a value above 2^63 reads negative and is refused below
            }
        }
        try {
            Histogram h = Histogram.explicit(t, millis(p.getStartTimeUnixNano()), p.getCount(), p.hasSum() ? p.getSum() : Double.NaN,
                    p.hasMin() ? p.getMin() : Double.NaN, p.hasMax() ? p.getMax() : Double.NaN, bounds, counts);
            b.samples.add(Sample.histogram(name, attributes(base, p.getAttributesList(), null), h, time(p.getTimeUnixNano(), b.now)));
        } catch (IllegalArgumentException | ArithmeticException e) {
            b.reject(1, "histogram '" + LogText.of(name) + "': " + e.getMessage());
        }
    }

    private void exponential(Batch b, String name, Tags base, ExponentialHistogramDataPoint p, Histogram.Temporality t) {
        if ((p.getFlags() & NO_RECORDED_VALUE) != 0) {
            b.skipped++;
            return;
        }
        try {
            Histogram h = Histogram.exponential(t, millis(p.getStartTimeUnixNano()), p.getCount(),
                    p.hasSum() ? p.getSum() : Double.NaN, p.hasMin() ? p.getMin() : Double.NaN,
                    p.hasMax() ? p.getMax() : Double.NaN, p.getScale(), p.getZeroThreshold(), p.getZeroCount(),
                    p.getPositive().getOffset(), longs(p.getPositive().getBucketCountsList()), p.getNegative().getOffset(),
                    longs(p.getNegative().getBucketCountsList()));
            b.samples.add(Sample.histogram(name, attributes(base, p.getAttributesList(), null), h, time(p.getTimeUnixNano(), b.now)));
        } catch (IllegalArgumentException | ArithmeticException e) {
            b.reject(1, "exponential histogram '" + LogText.of(name) + "': " + e.getMessage());
        }
    }

    private void summary(Batch b, String name, Tags base, SummaryDataPoint p) {
        if ((p.getFlags() & NO_RECORDED_VALUE) != 0) {
            b.skipped++;
            return;
        }
        int n = p.getQuantileValuesCount();
        double[][] qv = new double[n][];
        for (int i = 0; i < n; i++) {
            qv[i] = new double[] {p.getQuantileValues(i).getQuantile(), p.getQuantileValues(i).getValue()};
        }
        // senders list quantiles in any order; the histogram wants them ascending
        Arrays.sort(qv, (x, y) -> Double.compare(x[0], y[0]));
        double[] q = new double[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            q[i] = qv[i][0];
            v[i] = qv[i][1];
        }
        try {
            Histogram h = Histogram.summary(millis(p.getStartTimeUnixNano()), p.getCount(), p.getSum(), q, v);
            b.samples.add(Sample.histogram(name, attributes(base, p.getAttributesList(), null), h, time(p.getTimeUnixNano(), b.now)));
        } catch (IllegalArgumentException e) {
            b.reject(1, "summary '" + LogText.of(name) + "': " + e.getMessage());
        }
    }

    private static long[] longs(List<Long> l) {
        long[] a = new long[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    private static long millis(long unixNano) {
        return unixNano / 1_000_000L;
    }

    /** A point's time in ms; a point without one (0) is taken as received now. */
    private static long time(long unixNano, long now) {
        return unixNano == 0 ? now : unixNano / 1_000_000L;
    }

    /** {@code base} plus the attributes in {@code keep} (all of them when {@code keep} is null). */
    private static Tags attributes(Tags base, List<KeyValue> attributes, Set<String> keep) {
        Tags t = base;
        for (KeyValue kv : attributes) {
            String key = kv.getKey();
            if (key.isEmpty() || (keep != null && !keep.contains(key))) {
                continue;
            }
            String value = text(kv.getValue());
            if (!value.isEmpty()) {
                t = t.with(key, value);
            }
        }
        return t;
    }

    /** An attribute's value as a tag value: strings as they are, numbers and booleans printed, arrays as JSON. */
    static String text(AnyValue v) {
        return cut(switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> number(v.getDoubleValue());
            case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
            case ARRAY_VALUE, KVLIST_VALUE -> json(new StringBuilder(), v, 0).toString();
            default -> "";
        });
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static StringBuilder json(StringBuilder b, AnyValue v, int depth) {
        if (depth > 8 || b.length() > MAX_TAG_VALUE) {
            return b.append("null");
        }
        switch (v.getValueCase()) {
            case STRING_VALUE -> Json.string(b, v.getStringValue());
            case BOOL_VALUE -> b.append(v.getBoolValue());
            case INT_VALUE -> b.append(v.getIntValue());
            case DOUBLE_VALUE -> {
                if (Double.isFinite(v.getDoubleValue())) {
                    Json.number(b, v.getDoubleValue());
                } else {
                    Json.string(b, Double.toString(v.getDoubleValue()));
                }
            }
            case BYTES_VALUE -> Json.string(b, Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> {
                b.append('[');
                for (int i = 0; i < v.getArrayValue().getValuesCount(); i++) {
                    json(i > 0 ? b.append(',') : b, v.getArrayValue().getValues(i), depth + 1);
                }
                b.append(']');
            }
            case KVLIST_VALUE -> {
                b.append('{');
                for (int i = 0; i < v.getKvlistValue().getValuesCount(); i++) {
                    KeyValue kv = v.getKvlistValue().getValues(i);
                    Json.string(i > 0 ? b.append(',') : b, kv.getKey()).append(':');
                    json(b, kv.getValue(), depth + 1);
                }
                b.append('}');
            }
            default -> b.append("null");
        }
        return b;
    }

    private static String cut(String s) {
        return s.length() <= MAX_TAG_VALUE ? s : s.substring(0, MAX_TAG_VALUE);
    }
}
