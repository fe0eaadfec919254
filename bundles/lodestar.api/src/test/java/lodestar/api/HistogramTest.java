package lodestar.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import lodestar.api.Histogram.Temporality;

class HistogramTest {

    private static Histogram explicit() {
        return Histogram.explicit(Temporality.CUMULATIVE, 1, 10, 42.5, 0.5, 9, new double[] { 1, 5 }, new long[] { 3, 6, 1 });
    }

    @Test
    void explicitBucketsMustFitTheirBounds() {
        assertThrows(IllegalArgumentException.class,
                () -> Histogram.explicit(Temporality.DELTA, 0, 3, 1, 0, 1, new double[] { 1, 2 }, new long[] { 1, 2 }));
        assertThrows(IllegalArgumentException.class,
                () -> Histogram.explicit(Temporality.DELTA, 0, 3, 1, 0, 1, new double[] { 2, 1 }, new long[] { 1, 1, 1 }));
        assertThrows(IllegalArgumentException.class,
                () -> Histogram.explicit(Temporality.DELTA, 0, 3, 1, 0, 1, new double[] { 1, Double.POSITIVE_INFINITY },
                        new long[] { 1, 1, 1 }));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Histogram.explicit(Temporality.DELTA, 0, 4, 1, 0, 1, new double[] { 1 }, new long[] { 1, 2 }));
        assertEquals("bucket counts add up to 3, count is 4", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Histogram.explicit(Temporality.DELTA, 0, 0, 1, 0, 1, new double[] { 1 }, new long[] { 1, -1 }));
    }

    @Test
    void exponentialCountsMustAddUpAndScaleStayInRange() {
        assertThrows(IllegalArgumentException.class, () -> Histogram.exponential(Temporality.DELTA, 0, 1, 1, 1, 1, 21, 0, 0, 0,
                new long[] { 1 }, 0, null));
        assertThrows(IllegalArgumentException.class, () -> Histogram.exponential(Temporality.DELTA, 0, 5, 1, 1, 1, 0, 0, 1, 0,
                new long[] { 1 }, 0, new long[] { 1 }));
        assertThrows(IllegalArgumentException.class, () -> Histogram.exponential(Temporality.DELTA, 0, 1, 1, 1, 1, 0, -1, 1, 0,
                null, 0, null));
        Histogram h = Histogram.exponential(Temporality.DELTA, 0, 5, 1, 1, 1, 0, 0, 1, 0, new long[] { 3 }, 2, new long[] { 1 });
        assertEquals(5, h.count());
        assertArrayEquals(new long[] { 3 }, h.positiveCounts());
        assertEquals(2, h.negativeOffset());
    }

    @Test
    void summaryQuantilesMustBeAscendingWithinZeroAndOne() {
        assertThrows(IllegalArgumentException.class, () -> Histogram.summary(0, 1, 1, new double[] { 0.9, 0.5 }, new double[] { 1, 2 }));
        assertThrows(IllegalArgumentException.class, () -> Histogram.summary(0, 1, 1, new double[] { 1.5 }, new double[] { 1 }));
        assertThrows(IllegalArgumentException.class, () -> Histogram.summary(0, 1, 1, new double[] { 0.5 }, new double[] { 1, 2 }));
    }

    @Test
    void arraysAreCopiedInAndOut() {
        double[] bounds = { 1, 5 };
        long[] counts = { 3, 6, 1 };
        Histogram h = Histogram.explicit(Temporality.CUMULATIVE, 1, 10, 42.5, 0.5, 9, bounds, counts);
        bounds[0] = 99;
        counts[0] = 99;
        h.bucketCounts()[1] = 99;
        assertArrayEquals(new double[] { 1, 5 }, h.bounds());
        assertArrayEquals(new long[] { 3, 6, 1 }, h.bucketCounts());
        assertEquals(explicit(), h);
        assertEquals(explicit().hashCode(), h.hashCode());
    }

    @Test
    void exponentialBoundsArePowersOfTheBase() {
        assertEquals(2.0, Histogram.upperBound(0, 0));
        assertEquals(1.0, Histogram.upperBound(0, -1));
        assertEquals(8.0, Histogram.upperBound(0, 2));
        assertEquals(Math.sqrt(2), Histogram.upperBound(1, 0), 1e-15);
        assertEquals(16.0, Histogram.upperBound(-1, 1));
    }

    @Test
    void aHistogramSampleKeepsItsDistributionThroughRenamesAndRetags() {
        Sample s = Sample.histogram("http.latency", Tags.of("route", "/a"), explicit(), 1000);
        assertEquals(Kind.HISTOGRAM, s.kind());
        assertEquals(10.0, s.value());
        Sample renamed = s.withName("web.latency").withTag("dc", "x");
        assertSame(s.histogram(), renamed.histogram());
        assertEquals(Kind.HISTOGRAM, renamed.kind());
        assertEquals("dc=x,route=/a", renamed.tags().toString());
        Sample number = s.withValue(3);
        assertEquals(Kind.GAUGE, number.kind());
        assertNull(number.histogram());
        assertNotEquals(s, Sample.histogram("http.latency", Tags.of("route", "/a"), Histogram.summary(0, 10, 42.5, new double[0],
                new double[0]), 1000));
        assertThrows(IllegalArgumentException.class, () -> new Sample("x", Tags.EMPTY, 1, 0, Kind.HISTOGRAM));
    }
}
