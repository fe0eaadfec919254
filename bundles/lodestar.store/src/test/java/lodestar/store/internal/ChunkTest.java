package lodestar.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class ChunkTest {

    private static final double[] SPECIAL = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0,
            Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, Double.longBitsToDouble(0x7ff8_0000_0000_1234L),
            1e300, 123456789.123, 0.1 + 0.2, 1.0 / 3, -42.5, 9.007199254740993E15};

    @Test
    void everyValueAndTimestampRoundTripsBitForBit() {
        Random r = new Random(42);
        int n = 5000;
        long[] ts = new long[n];
        double[] vs = new double[n];
        long t = 1_700_000_000_000L;
        for (int i = 0; i < n; i++) {
            t += switch (i % 5) {
                case 0 -> 10_000;
                case 1 -> 10_000 + r.nextInt(40) - 20;
                case 2 -> r.nextInt(5_000_000);
                case 3 -> 0;
                default -> (long) r.nextInt(Integer.MAX_VALUE) * 1000;
            };
            ts[i] = t;
            vs[i] = switch (i % 7) {
                case 0 -> r.nextDouble();
                case 1 -> Math.round(r.nextDouble() * 10000) / 100.0;
                case 2 -> r.nextInt(1000);
                case 3 -> i > 0 ? vs[i - 1] : 1;
                case 4 -> SPECIAL[r.nextInt(SPECIAL.length)];
                case 5 -> r.nextLong();
                default -> -r.nextInt(100) / 10.0;
            };
        }
        Chunk c = new Chunk(1);
        for (int i = 0; i < n; i++) {
            c.append(ts[i], vs[i]);
        }
        assertEquals(n, c.count());
        assertEquals(ts[0], c.firstTimestamp());
        assertEquals(ts[n - 1], c.lastTimestamp());
        for (Chunk chunk : new Chunk[] {c, sealedCopy(c)}) {
            Chunk.Cursor cur = chunk.cursor();
            for (int i = 0; i < n; i++) {
                assertTrue(cur.next());
                assertEquals(ts[i], cur.timestamp(), "timestamp " + i);
                assertEquals(Double.doubleToRawLongBits(vs[i]), Double.doubleToRawLongBits(cur.value(0)),
                        "value " + i + " " + vs[i]);
            }
            assertTrue(!cur.next());
        }
    }

    @Test
    void aSteadySeriesCostsAboutOneBitPerField() {
        Chunk c = new Chunk(1);
        for (int i = 0; i < 240; i++) {
            c.append(1_000_000L + i * 10_000L, 5.0);
        }
        // 64 bits first timestamp + value 5 as decimal, then the first delta; then 2 bits a point
        assertTrue(c.bitLength() < 64 + 20 + 40 + 2 * 239, "bits " + c.bitLength());
    }

    @Test
    void decimalGaugesCompressWell() {
        Chunk c = new Chunk(1);
        Random r = new Random(1);
        double v = 50;
        for (int i = 0; i < 240; i++) {
            v = Math.round((v + r.nextInt(21) - 10) * 10) / 10.0; // one decimal, small steps
            c.append(1_000_000L + i * 10_000L + r.nextInt(10), v);
        }
        double bitsPerPoint = c.bitLength() / 240.0;
        assertTrue(bitsPerPoint < 20, "bits per point " + bitsPerPoint);
    }

    @Test
    void rollupBucketsRoundTrip() {
        Chunk c = new Chunk(4);
        for (int i = 0; i < 100; i++) {
            c.append(60_000L * i, i - 0.5, i + 0.25, i * 6.0, 6);
        }
        Chunk.Cursor cur = c.cursor();
        for (int i = 0; i < 100; i++) {
            assertTrue(cur.next());
            assertEquals(60_000L * i, cur.timestamp());
            assertEquals(i - 0.5, cur.value(0));
            assertEquals(i + 0.25, cur.value(1));
            assertEquals(i * 6.0, cur.value(2));
            assertEquals(6.0, cur.value(3));
        }
    }

    private static Chunk sealedCopy(Chunk c) {
        Chunk copy = new Chunk(c.columns(), c.count(), c.firstTimestamp(), c.lastTimestamp(), c.words().clone(),
                c.bitLength());
        copy.seal();
        return copy;
    }
}
