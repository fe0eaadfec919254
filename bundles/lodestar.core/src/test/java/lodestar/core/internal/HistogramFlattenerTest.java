package lodestar.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import lodestar.api.Histogram;
import lodestar.api.Histogram.Temporality;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

class HistogramFlattenerTest {

    private static Map<String, Sample> flat(Sample s) {
        List<Sample> out = new ArrayList<>();
        HistogramFlattener.flatten(s, out);
        Map<String, Sample> m = new LinkedHashMap<>();
        for (Sample x : out) {
            m.put(x.seriesKey(), x);
        }
        assertEquals(out.size(), m.size(), "no series twice: " + out);
        assertTrue(out.size() <= HistogramFlattener.flattenedSize(s), "admission estimate covers " + out);
        return m;
    }

    @Test
    void explicitBucketsBecomeCumulativeLeSeriesLikePrometheusWritesThem() {
        Histogram h = Histogram.explicit(Temporality.CUMULATIVE, 0, 10, 42.5, 0.25, 9, new double[] { 0.005, 1, 2.5 },
                new long[] { 3, 4, 2, 1 });
        Map<String, Sample> m = flat(Sample.histogram("http.latency", Tags.of("route", "/a"), h, 5000));
        assertEquals(List.of("http.latency.count;route=/a", "http.latency.sum;route=/a", "http.latency.min;route=/a",
                "http.latency.max;route=/a", "http.latency.bucket;le=0.005;route=/a", "http.latency.bucket;le=1;route=/a",
                "http.latency.bucket;le=2.5;route=/a", "http.latency.bucket;le=+Inf;route=/a"), List.copyOf(m.keySet()));
        assertEquals(10, m.get("http.latency.count;route=/a").value());
        assertEquals(Kind.COUNTER, m.get("http.latency.count;route=/a").kind());
        assertEquals(42.5, m.get("http.latency.sum;route=/a").value());
        assertEquals(3, m.get("http.latency.bucket;le=0.005;route=/a").value());
        assertEquals(7, m.get("http.latency.bucket;le=1;route=/a").value());
        assertEquals(9, m.get("http.latency.bucket;le=2.5;route=/a").value());
        assertEquals(10, m.get("http.latency.bucket;le=+Inf;route=/a").value());
        assertEquals(Kind.GAUGE, m.get("http.latency.max;route=/a").kind());
        m.values().forEach(s -> assertEquals(5000, s.timestamp()));
    }

    @Test
    void deltaHistogramsGiveDeltasAndAbsentSumMinMaxGiveNoSeries() {
        Histogram h = Histogram.explicit(Temporality.DELTA, 0, 2, Double.NaN, Double.NaN, Double.NaN, new double[0], new long[] { 2 });
        Map<String, Sample> m = flat(Sample.histogram("q", Tags.EMPTY, h, 1));
        assertEquals(List.of("q.count", "q.bucket;le=+Inf"), List.copyOf(m.keySet()));
        assertEquals(Kind.DELTA, m.get("q.count").kind());
        assertEquals(Kind.DELTA, m.get("q.bucket;le=+Inf").kind());
    }

    @Test
    void summariesKeepTheSendersQuantilesAsGraphiteSafeNodes() {
        Histogram h = Histogram.summary(0, 100, 250, new double[] { 0.5, 0.99, 0.999, 1 }, new double[] { 2, 7, 9.5, 12 });
        Map<String, Sample> m = flat(Sample.histogram("rpc", Tags.EMPTY, h, 1));
        assertEquals(List.of("rpc.count", "rpc.sum", "rpc.p50", "rpc.p99", "rpc.p99_9", "rpc.p100"), List.copyOf(m.keySet()));
        assertEquals(9.5, m.get("rpc.p99_9").value());
    }

    @Test
    void exponentialQuantilesAreInterpolatedInsideTheRightBucket() {
        // scale 0: bucket i covers (2^i, 2^(i+1)]; 10 observations in (1,2], 10 in (4,8]
        Histogram h = Histogram.exponential(Temporality.DELTA, 0, 20, 80, Double.NaN, Double.NaN, 0, 0, 0, 0,
                new long[] { 10, 0, 10 }, 0, null);
        Map<String, Sample> m = flat(Sample.histogram("e", Tags.EMPTY, h, 1));
        assertEquals(List.of("e.count", "e.sum", "e.p50", "e.p90", "e.p99"), List.copyOf(m.keySet()));
        // rank 10 is the last of the first bucket: its upper bound
        assertEquals(2.0, m.get("e.p50").value(), 1e-12);
        // rank 18 of 20: 8/10 of the way through (4,8] geometrically
        assertEquals(4 * Math.pow(2, 0.8), m.get("e.p90").value(), 1e-12);
        assertTrue(m.get("e.p99").value() <= 8.0 && m.get("e.p99").value() > 7.5);
    }

    @Test
    void exponentialQuantilesCoverNegativesZeroAndTheReportedRange() {
        // 4 negatives in [-2,-1), 2 zeros, 4 positives in (1,2]; max reported 1.5
        Histogram h = Histogram.exponential(Temporality.CUMULATIVE, 0, 10, 0, -2, 1.5, 0, 1e-9, 2, 0, new long[] { 4 }, 0,
                new long[] { 4 });
        // rank 1 of the 4 negatives: a quarter of the way from -2 towards -1, geometrically
        assertEquals(-Math.pow(2, 0.75), ExponentialQuantile.estimate(h, 0.0), 1e-12);
        assertEquals(0.0, ExponentialQuantile.estimate(h, 0.5), 1e-12);
        assertEquals(1.5, ExponentialQuantile.estimate(h, 1.0), 1e-12, "clamped to the reported max");
        assertTrue(Double.isNaN(ExponentialQuantile.estimate(Histogram.exponential(Temporality.DELTA, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                null, 0, null), 0.5)));
    }

    @Test
    void batchesWithoutHistogramsAreNotCopied() {
        List<Sample> plain = List.of(Sample.gauge("a", 1), Sample.gauge("b", 2));
        assertEquals(false, HistogramFlattener.hasHistograms(plain));
        assertSame(plain.get(1), HistogramFlattener.flatten(plain).get(1));
    }

    @Test
    void boundsAndQuantilesAreNamedAsPrometheusClientsWriteThem() {
        assertEquals("0.00001", HistogramFlattener.formatBound(1e-5));
        assertEquals("1", HistogramFlattener.formatBound(1.0));
        assertEquals("2.5", HistogramFlattener.formatBound(2.5));
        assertEquals("1000000", HistogramFlattener.formatBound(1e6));
        assertEquals("p75", HistogramFlattener.quantileName(0.75));
        assertEquals("p0", HistogramFlattener.quantileName(0));
    }
}
