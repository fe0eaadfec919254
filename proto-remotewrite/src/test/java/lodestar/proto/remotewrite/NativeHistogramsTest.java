package lodestar.proto.remotewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;

import org.junit.jupiter.api.Test;

import lodestar.api.Histogram;
import lodestar.api.Histogram.Temporality;
import lodestar.proto.prompb.Types;

class NativeHistogramsTest {

    @Test
    void prometheusBucketIndexesAreOneAboveLodestars() {
        // one observation of 1.5 at schema 0 (base 2): Prometheus bucket 1 = (1, 2], Lodestar bucket 0 = (2^0, 2^1]
        Types.Histogram p = Types.Histogram.newBuilder().setSchema(0).setCountInt(1).setSum(1.5)
                .addPositiveSpans(Types.BucketSpan.newBuilder().setOffset(1).setLength(1)).addPositiveDeltas(1).build();
        Histogram h = NativeHistograms.fromV1(p, 1000);
        assertEquals(Histogram.Layout.EXPONENTIAL, h.layout());
        assertEquals(0, h.positiveOffset());
        assertArrayEquals(new long[] {1}, h.positiveCounts());
        assertEquals(2.0, Histogram.upperBound(0, h.positiveOffset()));
        assertEquals(1, h.count());
        assertEquals(1.5, h.sum());
    }

    @Test
    void spansWithGapsAndDeltasBecomeDenseCounts() {
        // spans [{-2,2},{3,1}] deltas [2,1,-1] -> Prometheus buckets -2:2, -1:3, (gap 3) 3:2
        Types.Histogram p = Types.Histogram.newBuilder().setSchema(3).setCountInt(10).setSum(4).setZeroThreshold(1e-9)
                .setZeroCountInt(3).addPositiveSpans(Types.BucketSpan.newBuilder().setOffset(-2).setLength(2))
                .addPositiveSpans(Types.BucketSpan.newBuilder().setOffset(3).setLength(1))
                .addPositiveDeltas(2).addPositiveDeltas(1).addPositiveDeltas(-1).setResetHint(Types.Histogram.ResetHint.YES).build();
        Histogram h = NativeHistograms.fromV1(p, 5000);
        assertEquals(-3, h.positiveOffset());
        assertArrayEquals(new long[] {2, 3, 0, 0, 0, 2}, h.positiveCounts());
        assertEquals(3, h.zeroCount());
        assertEquals(1e-9, h.zeroThreshold());
        assertEquals(10, h.count());
        assertEquals(5000, h.startTime(), "reset hint YES: counting started at this sample");
    }

    @Test
    void floatCountsAndGaugeHistograms() {
        Types.Histogram p = Types.Histogram.newBuilder().setSchema(-1).setCountFloat(3).setSum(2).setZeroCountFloat(1)
                .addNegativeSpans(Types.BucketSpan.newBuilder().setOffset(0).setLength(2)).addNegativeCounts(1.0)
                .addNegativeCounts(1.0).setResetHint(Types.Histogram.ResetHint.GAUGE).build();
        Histogram h = NativeHistograms.fromV1(p, 1);
        assertEquals(Temporality.DELTA, h.temporality());
        assertArrayEquals(new long[] {1, 1}, h.negativeCounts());
        assertEquals(-1, h.negativeOffset());
        assertEquals(3, h.count());
    }

    @Test
    void customBucketsBecomeExplicit() {
        var p = lodestar.proto.prompb.v2.Types.Histogram.newBuilder().setSchema(-53).setCountInt(6).setSum(9)
                .addCustomValues(0.5).addCustomValues(1).addCustomValues(5)
                .addPositiveSpans(lodestar.proto.prompb.v2.Types.BucketSpan.newBuilder().setOffset(0).setLength(4))
                .addPositiveDeltas(1).addPositiveDeltas(1).addPositiveDeltas(-2).addPositiveDeltas(3).build();
        Histogram h = NativeHistograms.fromV2(p, 1);
        assertEquals(Histogram.Layout.EXPLICIT, h.layout());
        assertArrayEquals(new double[] {0.5, 1, 5}, h.bounds());
        assertArrayEquals(new long[] {1, 2, 0, 3}, h.bucketCounts());
    }

    @Test
    void malformedOnesAreRefused() {
        var b = Types.Histogram.newBuilder().setSchema(0).setCountInt(1);
        assertThrows(IllegalArgumentException.class, () -> NativeHistograms.fromV1(b.clone()
                .addPositiveSpans(Types.BucketSpan.newBuilder().setOffset(0).setLength(2)).addPositiveDeltas(1).build(), 1),
                "span length and count number differ");
        assertThrows(IllegalArgumentException.class, () -> NativeHistograms.fromV1(b.clone()
                .addPositiveSpans(Types.BucketSpan.newBuilder().setOffset(0).setLength(1)).addPositiveDeltas(-1).build(), 1),
                "negative count");
        assertThrows(IllegalArgumentException.class, () -> NativeHistograms.fromV1(b.clone().setSchema(9).build(), 1));
        assertThrows(IllegalArgumentException.class, () -> NativeHistograms.fromV1(b.clone()
                .addPositiveSpans(Types.BucketSpan.newBuilder().setOffset(0).setLength(1))
                .addPositiveSpans(Types.BucketSpan.newBuilder().setOffset(1_000_000).setLength(1))
                .addPositiveDeltas(1).addPositiveDeltas(0).build(), 1), "a bomb of empty buckets");
        assertThrows(IllegalArgumentException.class, () -> NativeHistograms.fromV1(b.clone()
                .addPositiveSpans(Types.BucketSpan.newBuilder().setOffset(0).setLength(-1)).build(), 1), "2^32-1 buckets");
    }

    @Test
    void roundTripsThroughBothVersions() {
        Random r = new Random(3);
        for (int n = 0; n < 500; n++) {
            int scale = -4 + r.nextInt(13);
            long[] pos = randomCounts(r);
            long[] neg = randomCounts(r);
            long zero = r.nextInt(3);
            long count = zero;
            for (long c : pos) {
                count += c;
            }
            for (long c : neg) {
                count += c;
            }
            Histogram h = Histogram.exponential(Temporality.CUMULATIVE, 0, count, r.nextDouble() * 100, Double.NaN, Double.NaN,
                    scale, r.nextBoolean() ? 0 : 1e-6, zero, r.nextInt(40) - 20, pos, r.nextInt(40) - 20, neg);
            Histogram h1 = NativeHistograms.fromV1(NativeHistograms.toV1(h, 7), 7);
            Histogram h2 = NativeHistograms.fromV2(NativeHistograms.toV2(h, 7), 7);
            assertEquals(h.count(), h1.count());
            assertEquals(dense(h.positiveOffset(), h.positiveCounts()), dense(h1.positiveOffset(), h1.positiveCounts()), h.toString());
            assertEquals(dense(h.negativeOffset(), h.negativeCounts()), dense(h1.negativeOffset(), h1.negativeCounts()), h.toString());
            assertEquals(h1, h2);
        }
    }

    @Test
    void finerScalesAreMergedDownToSchema8() {
        // scale 10: Lodestar buckets 0..7 at scale 10 lie in bucket 0..1 at scale 8 (index >> 2)
        Histogram h = Histogram.exponential(Temporality.CUMULATIVE, 0, 8, 8, Double.NaN, Double.NaN, 10, 0, 0, 0,
                new long[] {1, 1, 1, 1, 1, 1, 1, 1}, 0, new long[0]);
        Histogram back = NativeHistograms.fromV1(NativeHistograms.toV1(h, 1), 1);
        assertEquals(8, back.scale());
        assertEquals(0, back.positiveOffset());
        assertArrayEquals(new long[] {4, 4}, back.positiveCounts());
    }

    private static long[] randomCounts(Random r) {
        long[] c = new long[r.nextInt(12)];
        for (int i = 0; i < c.length; i++) {
            c[i] = r.nextInt(4) == 0 ? 0 : r.nextInt(1000);
        }
        if (c.length > 0) { // no leading or trailing empty buckets: those do not survive the trip, by design
            c[0] = 1 + c[0];
            c[c.length - 1] = 1 + c[c.length - 1];
        }
        return c;
    }

    private static java.util.Map<Integer, Long> dense(int offset, long[] counts) {
        java.util.Map<Integer, Long> m = new java.util.TreeMap<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                m.put(offset + i, counts[i]);
            }
        }
        return m;
    }
}
