package lodestar.listener.otlp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.Set;
import lodestar.api.Histogram;
import lodestar.api.Kind;
import lodestar.api.Sample;
import org.junit.jupiter.api.Test;

/** Mapping edge cases, without HTTP. */
class OtlpToSamplesTest {

    private static final long NOW = 1_800_000_000_000L;

    private static KeyValue kv(String k, AnyValue v) {
        return KeyValue.newBuilder().setKey(k).setValue(v).build();
    }

    private static ExportMetricsServiceRequest one(Metric m) {
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", AnyValue.newBuilder().setStringValue("svc").build()))
                        .addAttributes(kv("region", AnyValue.newBuilder().setStringValue("eu").build())))
                .addScopeMetrics(ScopeMetrics.newBuilder().setScope(InstrumentationScope.newBuilder().setName("io.app").setVersion("2.0")
                        .addAttributes(kv("lib", AnyValue.newBuilder().setStringValue("x").build())))
                        .addMetrics(m))).build();
    }

    @Test
    void attributeValuesOfEveryTypeBecomeTagTexts() {
        AnyValue array = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                .addValues(AnyValue.newBuilder().setIntValue(1)).addValues(AnyValue.newBuilder().setStringValue("a\"b"))).build();
        NumberDataPoint p = NumberDataPoint.newBuilder().setAsInt(-5)
                .addAttributes(kv("i", AnyValue.newBuilder().setIntValue(42).build()))
                .addAttributes(kv("b", AnyValue.newBuilder().setBoolValue(true).build()))
                .addAttributes(kv("d", AnyValue.newBuilder().setDoubleValue(2.5).build()))
                .addAttributes(kv("whole", AnyValue.newBuilder().setDoubleValue(3.0).build()))
                .addAttributes(kv("arr", array))
                .addAttributes(kv("empty", AnyValue.newBuilder().setStringValue("").build()))
                .addAttributes(kv("long", AnyValue.newBuilder().setStringValue("x".repeat(5000)).build())).build();
        var r = new OtlpToSamples(Set.of("service.name", "region"), Set.of("lib", "otel.scope.name", "otel.scope.version"))
                .map(one(Metric.newBuilder().setName("m").setGauge(Gauge.newBuilder().addDataPoints(p)).build()), NOW);
        Sample s = r.samples().get(0);
        assertEquals(-5, s.value());
        assertEquals(NOW, s.timestamp(), "no time: now");
        assertEquals("42", s.tags().get("i"));
        assertEquals("true", s.tags().get("b"));
        assertEquals("2.5", s.tags().get("d"));
        assertEquals("3", s.tags().get("whole"));
        assertEquals("[1,\"a\\\"b\"]", s.tags().get("arr"));
        assertEquals(null, s.tags().get("empty"), "an empty value is no tag");
        assertEquals(OtlpToSamples.MAX_TAG_VALUE, s.tags().get("long").length());
        assertEquals("eu", s.tags().get("region"));
        assertEquals("x", s.tags().get("lib"));
        assertEquals("io.app", s.tags().get("otel.scope.name"));
        assertEquals("2.0", s.tags().get("otel.scope.version"));
    }

    @Test
    void sumsByTemporalityAndMonotonicity() {
        OtlpToSamples m = new OtlpToSamples(Set.of(), Set.of());
        NumberDataPoint p = NumberDataPoint.newBuilder().setAsDouble(3).setTimeUnixNano(1_000_000_000L).build();
        Sum.Builder base = Sum.newBuilder().addDataPoints(p);
        assertEquals(Kind.DELTA, m.map(one(Metric.newBuilder().setName("s").setSum(base.clone()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA).setIsMonotonic(true)).build()), NOW)
                .samples().get(0).kind());
        assertEquals(Kind.DELTA, m.map(one(Metric.newBuilder().setName("s").setSum(base.clone()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)).build()), NOW).samples().get(0).kind(),
                "a non-monotonic delta is still the change over the interval");
        assertEquals(Kind.COUNTER, m.map(one(Metric.newBuilder().setName("s").setSum(base.clone()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE).setIsMonotonic(true)).build()), NOW)
                .samples().get(0).kind());
        assertEquals(Kind.GAUGE, m.map(one(Metric.newBuilder().setName("s").setSum(base.clone()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)).build()), NOW).samples().get(0).kind());
        var unspecified = m.map(one(Metric.newBuilder().setName("s").setSum(base.clone()).build()), NOW);
        assertEquals(0, unspecified.samples().size());
        assertEquals(1, unspecified.rejected());
        assertTrue(unspecified.error().contains("temporality"), unspecified.error());
        assertEquals(1000, m.map(one(Metric.newBuilder().setName("s").setGauge(Gauge.newBuilder().addDataPoints(p)).build()), NOW)
                .samples().get(0).timestamp());
    }

    @Test
    void noRecordedValueIsSkippedNotRejected() {
        var r = new OtlpToSamples(Set.of(), Set.of()).map(one(Metric.newBuilder().setName("g").setGauge(Gauge.newBuilder()
                .addDataPoints(NumberDataPoint.newBuilder().setFlags(1)).addDataPoints(NumberDataPoint.newBuilder().setAsDouble(1))).build()), NOW);
        assertEquals(1, r.samples().size());
        assertEquals(1, r.skipped());
        assertEquals(0, r.rejected());
    }

    @Test
    void exponentialWithNegativeBucketsAndSummariesInAnyOrder() {
        ExponentialHistogramDataPoint e = ExponentialHistogramDataPoint.newBuilder().setCount(6).setSum(-3).setScale(-2).setZeroCount(1)
                .setZeroThreshold(1e-9).setStartTimeUnixNano(5_000_000L).setTimeUnixNano(9_000_000L)
                .setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(2).addBucketCounts(1).addBucketCounts(2))
                .setNegative(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(-1).addBucketCounts(2)).build();
        var r = new OtlpToSamples(Set.of(), Set.of()).map(one(Metric.newBuilder().setName("e").setExponentialHistogram(ExponentialHistogram
                .newBuilder().setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA).addDataPoints(e)).build()), NOW);
        Histogram h = r.samples().get(0).histogram();
        assertEquals(Histogram.Temporality.DELTA, h.temporality());
        assertEquals(-2, h.scale());
        assertEquals(5, h.startTime());
        assertEquals(9, r.samples().get(0).timestamp());
        assertEquals(-1, h.negativeOffset());
        assertArrayEquals(new long[] {2}, h.negativeCounts());
        assertArrayEquals(new long[] {1, 2}, h.positiveCounts());
        assertTrue(Double.isNaN(h.min()), "min not sent: NaN");

        SummaryDataPoint s = SummaryDataPoint.newBuilder().setCount(10).setSum(100)
                .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.99).setValue(30))
                .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.5).setValue(9)).build();
        Histogram q = new OtlpToSamples(Set.of(), Set.of()).map(one(Metric.newBuilder().setName("q").setSummary(Summary.newBuilder()
                .addDataPoints(s)).build()), NOW).samples().get(0).histogram();
        assertArrayEquals(new double[] {0.5, 0.99}, q.quantiles());
        assertArrayEquals(new double[] {9, 30}, q.quantileValues());

        ExponentialHistogramDataPoint bad = e.toBuilder().setCount(7).build();
        var refused = new OtlpToSamples(Set.of(), Set.of()).map(one(Metric.newBuilder().setName("e").setExponentialHistogram(ExponentialHistogram
                .newBuilder().setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA).addDataPoints(bad)).build()), NOW);
        assertEquals(1, refused.rejected());
        assertTrue(refused.error().contains("count is 7"), refused.error());
    }
}
