package lodestar.store.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.SeriesStore.SeriesInfo;
import lodestar.api.Tags;
import lodestar.api.TimeSeries;

class StoreTest {

    static final long MIN = 60_000;
    static final long HOUR = 3_600_000;
    static final long T0 = 1_700_000_000_000L - 1_700_000_000_000L % HOUR; // an hour boundary

    final AtomicLong now = new AtomicLong(T0);

    Store store(long rawRetention, long rollupStep, long rollupRetention, long maxMemory) {
        return new Store(new StoreLimits(rawRetention, rollupStep, rollupRetention, maxMemory), now::get);
    }

    static Sample s(String name, long ts, double v) {
        return new Sample(name, Tags.EMPTY, v, ts, Kind.GAUGE);
    }

    @Test
    void appendedPointsComeBackRawWithInclusiveRange() {
        Store st = store(6 * HOUR, MIN, 7 * 24 * HOUR, 64 << 20);
        st.write(List.of(s("a", T0, 1), s("a", T0 + 1000, 2.5), s("a", T0 + 2000, -3), s("b", T0, 9)));
        st.write(List.of(s("a", T0 + 3000, 4), s("a", T0 + 4000, 5)));
        TimeSeries all = st.query("a", T0, T0 + 4000, 0);
        assertEquals("a", all.key());
        assertArrayEquals(new long[] {T0, T0 + 1000, T0 + 2000, T0 + 3000, T0 + 4000}, all.timestamps());
        assertArrayEquals(new double[] {1, 2.5, -3, 4, 5}, all.values());
        TimeSeries part = st.query("a", T0 + 1000, T0 + 3000, 0);
        assertArrayEquals(new double[] {2.5, -3, 4}, part.values());
        assertEquals(0, st.query("a", T0 + 5000, T0 + 9000, 0).size());
        assertEquals(6, st.rawPointCount());
        assertEquals(2, st.seriesCount());
    }

    @Test
    void unknownSeriesIsEmpty() {
        Store st = store(HOUR, MIN, HOUR, 1 << 20);
        TimeSeries ts = st.query("nope", 0, Long.MAX_VALUE, 0);
        assertEquals("nope", ts.key());
        assertEquals(0, ts.size());
        assertEquals(0, st.query(null, 0, 1, 0).size());
    }

    @Test
    void bucketsAverageAndAlignToMultiplesOfStep() {
        Store st = store(6 * HOUR, MIN, 7 * 24 * HOUR, 64 << 20);
        List<Sample> batch = new ArrayList<>();
        for (int i = 0; i < 12; i++) { // every 10 s from T0+5s: 5,15,...,115 s
            batch.add(s("g", T0 + 5_000 + i * 10_000L, i));
        }
        st.write(batch);
        TimeSeries ts = st.query("g", T0, T0 + 2 * MIN, 30_000);
        assertArrayEquals(new long[] {T0, T0 + 30_000, T0 + 60_000, T0 + 90_000}, ts.timestamps());
        assertArrayEquals(new double[] {1, 4, 7, 10}, ts.values()); // (0+1+2)/3, (3+4+5)/3, ...
        // a range starting mid-bucket only averages the points inside it
        TimeSeries mid = st.query("g", T0 + 20_000, T0 + 2 * MIN, 30_000);
        assertEquals(T0, mid.timestamps()[0]);
        assertEquals(2.0, mid.values()[0]); // only the point at 25 s
    }

    @Test
    void olderPointsAreDroppedAndCounted() {
        Store st = store(6 * HOUR, MIN, 7 * 24 * HOUR, 64 << 20);
        st.write(List.of(s("a", T0 + 2000, 2), s("a", T0 + 1000, 1), s("a", T0 + 2000, 3), s("a", T0 + 3000, 4)));
        assertEquals(2, st.droppedOutOfOrder());
        assertArrayEquals(new double[] {2, 4}, st.query("a", T0, T0 + 9999, 0).values());
        assertEquals(2, st.written());
    }

    @Test
    void nanAndInfinitiesAreStoredAsIs() {
        Store st = store(6 * HOUR, MIN, 7 * 24 * HOUR, 64 << 20);
        st.write(List.of(s("x", T0, Double.NaN), s("x", T0 + 1, Double.POSITIVE_INFINITY),
                s("x", T0 + 2, Double.NEGATIVE_INFINITY), s("x", T0 + 3, -0.0), s("x", T0 + 4, 1.5)));
        double[] v = st.query("x", T0, T0 + 10, 0).values();
        assertTrue(Double.isNaN(v[0]));
        assertEquals(Double.POSITIVE_INFINITY, v[1]);
        assertEquals(Double.NEGATIVE_INFINITY, v[2]);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(v[3]));
        assertEquals(1.5, v[4]);
        SeriesInfo info = st.find("x").get(0);
        assertEquals(1.5, info.lastValue());
    }

    @Test
    void findMatchesNamesSortsByKeyAndReportsTheLatestPoint() {
        Store st = store(6 * HOUR, MIN, 7 * 24 * HOUR, 64 << 20);
        st.write(List.of(
                new Sample("cpu.user", Tags.of("host", "b"), 1, T0, Kind.GAUGE),
                new Sample("cpu.user", Tags.of("host", "a"), 2, T0, Kind.GAUGE),
                new Sample("cpu.user", Tags.of("host", "a"), 3, T0 + 10, Kind.RATE),
                s("cpu.core0.user", T0, 4), s("mem.used", T0, 5), s("disk.sda.read", T0, 6)));
        assertEquals(List.of("cpu.user;host=a", "cpu.user;host=b"), keys(st.find("cpu.*")));
        assertEquals(List.of("cpu.core0.user", "cpu.user;host=a", "cpu.user;host=b"), keys(st.find("cpu.**")));
        assertEquals(List.of("disk.sda.read"), keys(st.find("disk.sd?.read")));
        assertEquals(6 - 1, st.find(null).size());
        assertEquals(5, st.find("").size());
        SeriesInfo a = st.find("cpu.user;host=a").get(0);
        assertEquals("cpu.user", a.name());
        assertEquals(Tags.of("host", "a"), a.tags());
        assertEquals(Kind.RATE, a.kind());
        assertEquals(T0 + 10, a.lastTimestamp());
        assertEquals(3, a.lastValue());
    }

    static List<String> keys(List<SeriesInfo> infos) {
        return infos.stream().map(SeriesInfo::key).toList();
    }

    /** Three hours of one point every 10 s, value = minute index (so per-minute sums are exact). */
    static List<Sample> threeHours(String name) {
        List<Sample> out = new ArrayList<>();
        for (long t = T0 - 3 * HOUR; t < T0; t += 10_000) {
            out.add(s(name, t, (t - (T0 - 3 * HOUR)) / MIN + (t % MIN) / 10_000));
        }
        return out;
    }

    @Test
    void beyondTheRawWindowQueriesAnswerFromRollupsSeamlessly() {
        Store st = store(HOUR, MIN, 7 * 24 * HOUR, 64 << 20);
        st.write(threeHours("r"));
        long from = T0 - 3 * HOUR;
        TimeSeries before = st.query("r", from, T0, 5 * MIN);
        TimeSeries perMinuteBefore = st.query("r", from, T0, MIN);
        st.maintain();

        assertTrue(st.rollupBucketCount() >= 100, "buckets " + st.rollupBucketCount());
        assertTrue(st.rawPointCount() < 3 * 360, "raw " + st.rawPointCount());
        assertEquals(st.rolledUpPoints(), 3 * 360 - st.rawPointCount());
        assertEquals(st.rolledUpPoints() / 6, st.rollupBucketCount()); // six points a minute
        TimeSeries after = st.query("r", from, T0, 5 * MIN);
        assertArrayEquals(before.timestamps(), after.timestamps());
        assertArrayEquals(before.values(), after.values(), 1e-9);
        assertArrayEquals(perMinuteBefore.values(), st.query("r", from, T0, MIN).values(), 1e-9);

        // stored resolution: one averaged point per minute in the rolled-up part, every point after it
        TimeSeries stored = st.query("r", from, T0, 0);
        assertEquals(from, stored.timestamps()[0]);
        assertEquals(from + MIN, stored.timestamps()[1]);
        assertEquals(2.5, stored.values()[0]); // minute 0: values 0..5
        assertEquals(3.5, stored.values()[1]); // minute 1: values 1..6
        long lastRollup = from + (st.rollupBucketCount() - 1) * MIN;
        assertEquals(lastRollup, stored.timestamps()[(int) st.rollupBucketCount() - 1]);
        assertEquals(lastRollup + MIN, stored.timestamps()[(int) st.rollupBucketCount()]); // first raw point
        assertEquals(10_000, stored.timestamps()[(int) st.rollupBucketCount() + 1] - lastRollup - MIN);
        assertEquals(st.rollupBucketCount() + st.rawPointCount(), stored.size());
        // the raw window still holds the last hour at full resolution
        assertEquals(360, st.query("r", T0 - HOUR, T0, 0).size());
    }

    @Test
    void rollupsOutlivingTheirRetentionExpire() {
        Store st = store(HOUR, MIN, 2 * HOUR, 64 << 20);
        st.write(threeHours("r"));
        st.maintain();
        long oldest = st.query("r", 0, T0, 0).timestamps()[0];
        // retention works in whole chunks of an eighth of it (15 min here)
        assertTrue(oldest >= T0 - 2 * HOUR - 16 * MIN, "oldest " + (T0 - oldest) / MIN + " min ago");
        assertTrue(oldest > T0 - 3 * HOUR);
        assertTrue(st.expiredPoints() > 0);
        now.set(T0 + 3 * HOUR);
        st.maintain();
        assertEquals(0, st.seriesCount());
        assertEquals(0, st.rawPointCount());
        assertEquals(0, st.rollupBucketCount());
        assertEquals(0, st.bytesUsed());
    }

    @Test
    void overTheCapTheOldestRawChunksGoFirstAndAreCounted() {
        Store st = store(30 * 24 * HOUR, MIN, 0, 64 << 20);
        List<Sample> batch = new ArrayList<>();
        for (int i = 0; i < 2400; i++) {
            batch.add(s("old", T0 - 10 * HOUR + i * 1000L, i * 1.37));
        }
        for (int i = 0; i < 2400; i++) {
            batch.add(s("new", T0 - HOUR + i * 1000L, i * 1.37));
        }
        st.write(batch);
        long full = st.bytesUsed();
        st.setLimits(new StoreLimits(30 * 24 * HOUR, MIN, 0, full - 1000));

        assertTrue(st.bytesUsed() <= full - 1000, "bytes " + st.bytesUsed());
        assertTrue(st.evictedPoints() > 0);
        TimeSeries old = st.query("old", 0, T0, 0);
        TimeSeries young = st.query("new", 0, T0, 0);
        assertEquals(2400, young.size(), "the newer series is untouched");
        assertEquals(2400 - st.evictedPoints(), old.size());
        // what is left of the old series is its newest part, without a gap
        assertEquals(T0 - 10 * HOUR + 2399_000L, old.timestamps()[old.size() - 1]);
        assertEquals(T0 - 10 * HOUR + (2400 - old.size()) * 1000L, old.timestamps()[0]);
        assertEquals(4800 - st.evictedPoints(), st.rawPointCount());
    }

    @Test
    void overTheCapTheOldestRollupsGoBeforeNewerRollupsAndBeforeRaw() {
        Store st = store(HOUR, MIN, 7 * 24 * HOUR, 64 << 20);
        st.write(threeHours("active"));
        List<Sample> idle = new ArrayList<>();
        for (long t = T0 - 3 * 24 * HOUR; t < T0 - 24 * HOUR; t += MIN) {
            idle.add(s("idle", t, (t / MIN % 17) * 0.5));
        }
        st.write(idle);
        st.maintain();
        long raw = st.rawPointCount();
        long buckets = st.rollupBucketCount();
        assertEquals(2 * 24 * 60 + 120, buckets);
        TimeSeries activeBefore = st.query("active", 0, T0, 0);

        st.setLimits(new StoreLimits(HOUR, MIN, 7 * 24 * HOUR, st.bytesUsed() - 100));

        assertEquals(raw, st.rawPointCount(), "raw points stay while rollups can go");
        TimeSeries activeAfter = st.query("active", 0, T0, 0);
        assertArrayEquals(activeBefore.timestamps(), activeAfter.timestamps(), "newer rollups stay");
        long evicted = st.evictedPoints();
        assertTrue(evicted > 0 && evicted % Rollup.BUCKETS_PER_CHUNK == 0, "evicted " + evicted);
        assertEquals(buckets - evicted, st.rollupBucketCount());
        // the idle series lost its oldest buckets, in one contiguous run from the start
        TimeSeries idleAfter = st.query("idle", 0, T0, 0);
        assertEquals(T0 - 3 * 24 * HOUR + evicted * MIN, idleAfter.timestamps()[0]);
        assertEquals(T0 - 24 * HOUR - MIN, idleAfter.timestamps()[idleAfter.size() - 1]);
    }

    @Test
    void overTheCapIdleSeriesGoOldestFirstBeforeAnyRawPoint() {
        Store st = store(HOUR, MIN, 7 * 24 * HOUR, 64 << 20);
        for (int i = 0; i < 50; i++) { // idle-i last wrote 2h + i minutes ago
            List<Sample> b = new ArrayList<>();
            for (int k = 0; k < 30; k++) {
                b.add(s("idle." + i, T0 - 2 * HOUR - i * MIN - (29 - k) * 10_000L, k));
            }
            st.write(b);
        }
        st.write(threeHours("active"));
        st.maintain();
        long activeRaw = st.rawPointCount();
        assertEquals(360, activeRaw);
        st.setLimits(new StoreLimits(HOUR, MIN, 7 * 24 * HOUR, st.bytesUsed() / 2));

        assertEquals(activeRaw, st.rawPointCount(), "no raw point goes while idle series can");
        long gone = st.evictedSeries();
        assertTrue(gone > 0 && gone < 50, "evicted series " + gone);
        List<String> expected = new ArrayList<>();
        expected.add("active");
        for (int i = 0; i < 50 - gone; i++) {
            expected.add("idle." + i);
        }
        expected.sort(null);
        assertEquals(expected, keys(st.find(null)), "the longest idle went first");
        // only the pending (newest, not yet chunked) rollup bucket is left: every rollup chunk went first
        assertEquals(1, st.query("active", 0, T0 - HOUR - 1, 0).size());
    }

    @Test
    void memoryStaysUnderTheCapWhileWriting() {
        long cap = 200_000;
        Store st = store(HOUR, MIN, 7 * 24 * HOUR, cap);
        long t = T0;
        for (int batch = 0; batch < 200; batch++) {
            List<Sample> b = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                b.add(s("m." + (i % 100), t + batch * 10_000L + i / 100, Math.sin(batch + i)));
            }
            st.write(b);
            assertTrue(st.bytesUsed() <= cap, "bytes " + st.bytesUsed() + " after batch " + batch);
        }
        assertEquals(200_000, st.written());
        assertEquals(0, st.droppedOutOfOrder());
        assertTrue(st.evictedPoints() > 0);
        assertEquals(st.written() - st.evictedPoints(), st.rawPointCount());
    }

    @Test
    void aWriterAndReadersRunConcurrentlyWithConsistentCounts() throws Exception {
        Store st = store(6 * HOUR, MIN, 7 * 24 * HOUR, 64 << 20);
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicLong sent = new AtomicLong();
        Thread writer = new Thread(() -> {
            try {
                long t = T0;
                while (!stop.get()) {
                    List<Sample> b = new ArrayList<>(1000);
                    for (int i = 0; i < 1000; i++) {
                        b.add(s("c." + (i % 50) + ".v", t, i));
                    }
                    t += 10;
                    st.write(b);
                    sent.addAndGet(1000);
                }
            } catch (Throwable e) {
                errors.add(e);
            }
        });
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            readers.add(new Thread(() -> {
                try {
                    while (!stop.get()) {
                        for (SeriesInfo info : st.find("c.*.v")) {
                            TimeSeries ts = st.query(info.key(), T0, Long.MAX_VALUE, 0);
                            for (int i = 1; i < ts.size(); i++) {
                                if (ts.timestamps()[i] <= ts.timestamps()[i - 1]) {
                                    throw new AssertionError("not ascending");
                                }
                            }
                            st.query(info.key(), T0, Long.MAX_VALUE, 1000);
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        writer.start();
        readers.forEach(Thread::start);
        Thread.sleep(1000);
        stop.set(true);
        writer.join();
        for (Thread r : readers) {
            r.join();
        }
        assertTrue(errors.isEmpty(), () -> errors.peek().toString());
        // each batch gives every series 20 points of one timestamp: 1 accepted, 19 dropped as not newer
        long batches = sent.get() / 1000;
        assertEquals(batches * 50, st.written());
        assertEquals(sent.get(), st.written() + st.droppedOutOfOrder());
        assertEquals(st.written(), st.rawPointCount());
        long queried = 0;
        for (SeriesInfo info : st.find(null)) {
            queried += st.query(info.key(), 0, Long.MAX_VALUE, 0).size();
        }
        assertEquals(st.rawPointCount(), queried);
    }
}
