package lodestar.sink.otlp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import java.util.List;
import java.util.Map;
import lodestar.api.Histogram;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import org.junit.jupiter.api.Test;

class SamplesToOtlpTest {

    private static final long T = 1_700_000_000_000L;

    private static SamplesToOtlp encoder(SamplesToOtlp.Temporality t, int maxSeries) {
        return new SamplesToOtlp(t, Map.of("service.name", "lodestar"), Map.of("host", "host.name"), maxSeries, "1");
    }

    private static Metric metric(ExportMetricsServiceRequest r, String name) {
        return r.getResourceMetricsList().stream().flatMap(rm -> rm.getScopeMetricsList().stream())
                .flatMap(sm -> sm.getMetricsList().stream()).filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
    }

    private static String attr(List<KeyValue> l, String key) {
        return l.stream().filter(kv -> kv.getKey().equals(key)).map(kv -> kv.getValue().getStringValue()).findFirst().orElse(null);
    }

    @Test
    void everyKindMapsToItsOtlpType() {
        SamplesToOtlp e = encoder(SamplesToOtlp.Temporality.DELTA, 10);
        Tags tags = Tags.of("host", "web1", "route", "/a");
        ExportMetricsServiceRequest r = e.encode(List.of(
                Sample.of("cpu.user", tags, 12.5, T, Kind.GAUGE),
                Sample.of("cpu.user", Tags.of("host", "web2"), 13, T, Kind.GAUGE),
                Sample.of("net.bytes", tags, 1000, T, Kind.COUNTER),
                Sample.of("hits", tags, 3, T, Kind.DELTA),
                Sample.of("rate", tags, 0.5, T, Kind.RATE),
                Sample.of("check", tags, 2, T, Kind.STATUS),
                Sample.histogram("lat", tags, Histogram.explicit(Histogram.Temporality.CUMULATIVE, T - 1000, 3, 6, 1, 3,
                        new double[] {1, 2}, new long[] {1, 1, 1}), T),
                Sample.histogram("size", tags, Histogram.exponential(Histogram.Temporality.DELTA, T - 1000, 4, 10, Double.NaN,
                        Double.NaN, 2, 0.001, 1, -1, new long[] {1, 0, 2}, 3, new long[0]), T),
                Sample.histogram("q", tags, Histogram.summary(T - 5000, 10, 55, new double[] {0.5, 0.99}, new double[] {5, 9.9}), T)));
        // two resources: host web1 and host web2, host moved to host.name
        assertEquals(2, r.getResourceMetricsCount());
        ResourceMetrics web1 = r.getResourceMetrics(0);
        assertEquals("web1", attr(web1.getResource().getAttributesList(), "host.name"));
        assertEquals("lodestar", attr(web1.getResource().getAttributesList(), "service.name"));
        assertEquals("lodestar", web1.getScopeMetrics(0).getScope().getName());

        Metric cpu = metric(r, "cpu.user");
        assertEquals(12.5, cpu.getGauge().getDataPoints(0).getAsDouble());
        assertEquals(T * 1_000_000L, cpu.getGauge().getDataPoints(0).getTimeUnixNano());
        assertEquals("/a", attr(cpu.getGauge().getDataPoints(0).getAttributesList(), "route"));
        assertNull(attr(cpu.getGauge().getDataPoints(0).getAttributesList(), "host"), "moved to the resource");

        Metric bytes = metric(r, "net.bytes");
        assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, bytes.getSum().getAggregationTemporality());
        assertTrue(bytes.getSum().getIsMonotonic());
        assertEquals(1000, bytes.getSum().getDataPoints(0).getAsDouble());
        assertEquals(T * 1_000_000L, bytes.getSum().getDataPoints(0).getStartTimeUnixNano(), "first seen");

        Metric hits = metric(r, "hits");
        assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, hits.getSum().getAggregationTemporality());
        assertEquals(3, hits.getSum().getDataPoints(0).getAsDouble());
        assertEquals(0.5, metric(r, "rate").getGauge().getDataPoints(0).getAsDouble());
        assertEquals(2, metric(r, "check").getGauge().getDataPoints(0).getAsDouble());

        var lat = metric(r, "lat").getHistogram();
        assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, lat.getAggregationTemporality());
        assertEquals(List.of(1.0, 2.0), lat.getDataPoints(0).getExplicitBoundsList());
        assertEquals(List.of(1L, 1L, 1L), lat.getDataPoints(0).getBucketCountsList());
        assertEquals(6, lat.getDataPoints(0).getSum());
        assertEquals(1, lat.getDataPoints(0).getMin());
        assertEquals(3, lat.getDataPoints(0).getMax());
        assertEquals((T - 1000) * 1_000_000L, lat.getDataPoints(0).getStartTimeUnixNano());

        var size = metric(r, "size").getExponentialHistogram();
        assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, size.getAggregationTemporality());
        var p = size.getDataPoints(0);
        assertEquals(2, p.getScale());
        assertEquals(1, p.getZeroCount());
        assertEquals(0.001, p.getZeroThreshold());
        assertEquals(-1, p.getPositive().getOffset());
        assertEquals(List.of(1L, 0L, 2L), p.getPositive().getBucketCountsList());
        assertTrue(!p.hasMin() && !p.hasMax(), "not reported, not sent");

        var q = metric(r, "q").getSummary().getDataPoints(0);
        assertEquals(10, q.getCount());
        assertEquals(55, q.getSum());
        assertEquals(0.99, q.getQuantileValues(1).getQuantile());
        assertEquals(9.9, q.getQuantileValues(1).getValue());
    }

    @Test
    void deltasBecomeRunningTotalsOnlyOnceARequestWasTaken() {
        SamplesToOtlp e = encoder(SamplesToOtlp.Temporality.CUMULATIVE, 10);
        Tags tags = Tags.of("k", "v");
        List<Sample> first = List.of(Sample.of("hits", tags, 3, T, Kind.DELTA));
        ExportMetricsServiceRequest r1 = e.encode(first);
        assertEquals(3, metric(r1, "hits").getSum().getDataPoints(0).getAsDouble());
        assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, metric(r1, "hits").getSum().getAggregationTemporality());
        // the receiver failed; the runner sends the same batch again: not counted twice
        ExportMetricsServiceRequest again = e.encode(first);
        assertEquals(3, metric(again, "hits").getSum().getDataPoints(0).getAsDouble());
        e.commit();
        ExportMetricsServiceRequest r2 = e.encode(List.of(Sample.of("hits", tags, 4, T + 10_000, Kind.DELTA),
                Sample.of("hits", tags, 1, T + 20_000, Kind.DELTA)));
        var points = metric(r2, "hits").getSum().getDataPointsList();
        assertEquals(7, points.get(0).getAsDouble());
        assertEquals(8, points.get(1).getAsDouble());
        assertEquals(T * 1_000_000L, points.get(1).getStartTimeUnixNano(), "the series' start stays");
        e.commit();

        // delta histograms add up too
        Histogram d1 = Histogram.explicit(Histogram.Temporality.DELTA, T, 2, 3, 1, 2, new double[] {1.5}, new long[] {1, 1});
        Histogram d2 = Histogram.explicit(Histogram.Temporality.DELTA, T + 10_000, 1, 5, 5, 5, new double[] {1.5}, new long[] {0, 1});
        e.encode(List.of(Sample.histogram("lat", tags, d1, T + 10_000)));
        e.commit();
        var h = metric(e.encode(List.of(Sample.histogram("lat", tags, d2, T + 20_000))), "lat").getHistogram();
        assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, h.getAggregationTemporality());
        assertEquals(3, h.getDataPoints(0).getCount());
        assertEquals(8, h.getDataPoints(0).getSum());
        assertEquals(List.of(1L, 2L), h.getDataPoints(0).getBucketCountsList());
        assertEquals(1, h.getDataPoints(0).getMin());
        assertEquals(5, h.getDataPoints(0).getMax());
        assertEquals(T * 1_000_000L, h.getDataPoints(0).getStartTimeUnixNano());
    }

    @Test
    void exponentialDeltasMergeAcrossOffsetsAndRestartOnAnotherScale() {
        Histogram a = Histogram.exponential(Histogram.Temporality.DELTA, T, 3, 6, 1, 4, 1, 0, 0, 2, new long[] {1, 2}, 0, new long[0]);
        Histogram b = Histogram.exponential(Histogram.Temporality.DELTA, T, 2, 6, 1, 4, 1, 0, 1, 0, new long[] {1}, 0, new long[0]);
        Histogram sum = Histograms.add(Histograms.cumulative(a), b);
        assertEquals(5, sum.count());
        assertEquals(0, sum.positiveOffset());
        assertEquals(List.of(1L, 0L, 1L, 2L), java.util.Arrays.stream(sum.positiveCounts()).boxed().toList());
        assertEquals(1, sum.zeroCount());
        Histogram other = Histogram.exponential(Histogram.Temporality.DELTA, T, 1, 1, 1, 1, 2, 0, 0, 0, new long[] {1}, 0, new long[0]);
        assertNull(Histograms.add(sum, other), "another scale cannot be added");
    }

    @Test
    void runningTotalsAreBoundedByMaxSeries() {
        SamplesToOtlp e = encoder(SamplesToOtlp.Temporality.CUMULATIVE, 3);
        for (int i = 0; i < 10; i++) {
            e.encode(List.of(Sample.of("hits", Tags.of("i", Integer.toString(i)), 1, T, Kind.DELTA)));
            e.commit();
        }
        assertEquals(3, e.series());
        // series 0 was forgotten: it starts again
        var p = metric(e.encode(List.of(Sample.of("hits", Tags.of("i", "0"), 1, T + 5000, Kind.DELTA))), "hits").getSum().getDataPoints(0);
        assertEquals(1, p.getAsDouble());
        assertEquals((T + 5000) * 1_000_000L, p.getStartTimeUnixNano());
    }

    @Test
    void badSettingsNameTheProperty() {
        var ex = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> SamplesToOtlp.Temporality.parse("sometimes"));
        assertTrue(ex.getMessage().startsWith("temporality"));
        ex = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> OtlpSink.pairs("resourceAttributes", new String[] {"=x"}, false));
        assertTrue(ex.getMessage().startsWith("resourceAttributes"));
        assertEquals(Map.of("host", "host.name", "dc", "dc"), OtlpSink.pairs("resourceFromTags", new String[] {"host=host.name, dc"}, true));
    }
}
