package lodestar.listener.statsd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import lodestar.api.ComponentStatus;
import lodestar.api.Sample;
import lodestar.api.State;
import lodestar.support.cardinality.CardinalityGuard;
import lodestar.support.log.RateLimitedLog;

/**
 * Issue 11, finding 2: a sender inventing names must not grow the listener without bound, and a flush that
 * fails must not go unnoticed. Over real UDP on loopback, bounded in time.
 */
class CardinalityTest {

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    /** {@code count} lines {@code <prefix><i>:1|c}, 50 to a datagram. */
    private static void sendNames(int port, String prefix, int from, int count) throws Exception {
        List<String> packets = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            b.append(prefix).append(i).append(":1|c\n");
            if ((i - from) % 50 == 49) {
                packets.add(b.toString());
                b.setLength(0);
            }
        }
        if (b.length() > 0) {
            packets.add(b.toString());
        }
        EngineTest.udp(port, packets.toArray(new String[0]));
    }

    private static long count(List<Sample> flush, String prefix) {
        return flush.stream().filter(s -> s.name().startsWith(prefix)).count();
    }

    /**
     * 2,000 invented names against maxSeries 100: the good key sent first keeps aggregating, at most 100 keys are
     * held and flushed, every refused value is counted, and the status says the guard trips. On ea8311d every one
     * of the 2,000 names became a key that flushed (2 samples each) until a restart.
     */
    @Test
    void inventedNamesBeyondMaxSeriesAreRefusedCountedAndShown() throws Exception {
        try (Engine e = new Engine("statsd", EngineTest.settings(2, "maxSeries", 100, "maxNewSeries", 0), l -> { }, false)) {
            e.bind();
            EngineTest.udp(e.port(), "good:5|c");
            await(() -> e.status().counters().get("lines") == 1, "the good line parsed");
            sendNames(e.port(), "junk.", 0, 2000);
            EngineTest.udp(e.port(), "good:2|c");
            await(() -> e.status().counters().get("lines") == 2002, "every line parsed: " + e.status().counters());
            List<Sample> f = e.flushNow();
            Map<String, Double> m = EngineTest.byKey(f);
            assertEquals(7.0, m.get("stats_counts.good"), "the good key was there first and keeps aggregating");
            assertEquals(99, count(f, "stats_counts.junk."), "100 keys at most, the good one included");
            ComponentStatus s = e.status();
            assertEquals(100L, s.counters().get("series"));
            assertTrue(s.gauges().contains("series"));
            assertEquals(1901L, s.counters().get("series_refused"));
            assertEquals(100L, s.counters().get("series_created"));
            assertEquals(State.DEGRADED, s.state());
            assertEquals("cardinality-limit", s.detail());
            // the next window flushes the same 100 keys, no more
            EngineTest.udp(e.port(), "good:1|c");
            sendNames(e.port(), "more.", 0, 500);
            await(() -> e.status().counters().get("lines") == 2503, "the second burst parsed");
            List<Sample> f2 = e.flushNow();
            assertEquals(1.0, EngineTest.byKey(f2).get("stats_counts.good"));
            assertEquals(0, count(f2, "stats_counts.more."));
            assertEquals(2401L, e.status().counters().get("series_refused"));
        }
    }

    /** New keys per interval are limited too: a burst of 300 new names against maxNewSeries 50. */
    @Test
    void newKeysPerIntervalAreLimited() throws Exception {
        try (Engine e = new Engine("statsd", EngineTest.settings(1, "maxNewSeries", 50, "newSeriesInterval", "1h"), l -> { }, false)) {
            e.bind();
            sendNames(e.port(), "burst.", 0, 300);
            await(() -> e.status().counters().get("lines") == 300, "parsed");
            List<Sample> f = e.flushNow();
            assertEquals(50, count(f, "stats_counts.burst."));
            assertEquals(250L, e.status().counters().get("series_refused"));
            assertEquals(State.DEGRADED, e.status().state());
        }
    }

    /**
     * With {@code seriesOverflow=fold} the values of refused keys are not lost: they add up in one overflow key per
     * type, named after {@code prefixStats}.
     */
    @Test
    void foldedValuesAddUpInTheOverflowKey() throws Exception {
        try (Engine e = new Engine("statsd", EngineTest.settings(2, "maxSeries", 10, "maxNewSeries", 0, "seriesOverflow", "fold"),
                l -> { }, false)) {
            e.bind();
            sendNames(e.port(), "c.", 0, 100);
            StringBuilder timers = new StringBuilder();
            for (int i = 0; i < 40; i++) {
                timers.append("t.").append(i).append(":").append(i).append("|ms\n");
            }
            EngineTest.udp(e.port(), timers.toString());
            await(() -> e.status().counters().get("lines") == 140, "parsed");
            Map<String, Double> m = EngineTest.byKey(e.flushNow());
            long kept = m.keySet().stream().filter(k -> k.startsWith("stats_counts.c.")).count();
            long keptTimers = m.keySet().stream().filter(k -> k.startsWith("stats.timers.t.") && k.endsWith(".count")).count();
            assertEquals(10, kept + keptTimers, "10 keys held: " + kept + " counters, " + keptTimers + " timers");
            double keptSum = m.entrySet().stream().filter(x -> x.getKey().startsWith("stats_counts.c.")).mapToDouble(Map.Entry::getValue).sum();
            assertEquals(100.0, keptSum + m.getOrDefault("stats_counts.statsd.overflow", 0.0), "no counter value lost");
            assertEquals(40.0 - keptTimers, m.get("stats.timers.statsd.overflow.count"), "every refused timer value pooled");
            ComponentStatus s = e.status();
            assertEquals(130L, s.counters().get("series_refused"));
            assertEquals(State.DEGRADED, s.state());
        }
    }

    /**
     * Idle keys age out after {@code seriesTimeout}, so a table filled by a flood recovers: the junk stops being
     * flushed and a new legitimate key is taken again. On ea8311d the junk flushed zeros forever.
     */
    @Test
    void idleKeysAgeOutSoTheTableRecovers() throws Exception {
        try (Engine e = new Engine("statsd", EngineTest.settings(1, "maxSeries", 50, "maxNewSeries", 0, "seriesTimeout", "2s"),
                l -> { }, false)) {
            e.bind();
            sendNames(e.port(), "junk.", 0, 50);
            EngineTest.udp(e.port(), "late:1|c");
            await(() -> e.status().counters().get("lines") == 51, "parsed");
            List<Sample> f = e.flushNow();
            assertEquals(50, count(f, "stats_counts.junk."));
            assertNull(EngineTest.byKey(f).get("stats_counts.late"), "refused: the table is full");
            // flushInterval is 1s: the junk is idle for the next two windows, then gone
            assertEquals(50, count(e.flushNow(), "stats_counts.junk."));
            e.flushNow();
            assertEquals(0, count(e.flushNow(), "stats_counts.junk."), "idle for seriesTimeout: aged out");
            ComponentStatus s = e.status();
            assertEquals(0L, s.counters().get("series"));
            assertEquals(50L, s.counters().get("series_expired"));
            EngineTest.udp(e.port(), "late:1|c");
            await(() -> e.status().counters().get("lines") == 52, "parsed");
            assertEquals(1.0, EngineTest.byKey(e.flushNow()).get("stats_counts.late"), "taken again");
        }
    }

    /**
     * An Error while a shard parses (here the guard's log line runs out of memory as the first key is refused) costs
     * that batch, is reported, and the shard goes on: on ea8311d the shard thread died, its queue filled, and every
     * later flush timed out waiting for it while the status said {@code ok}.
     */
    @Test
    void aShardHitByAnErrorLosesTheBatchAndGoesOn() throws Exception {
        Settings st = EngineTest.settings(1, "maxSeries", 1, "maxNewSeries", 0);
        CardinalityGuard guard = new CardinalityGuard("t", st.cardinality(), m -> {
            throw new OutOfMemoryError("Java heap space (test)");
        });
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Shard shard = new Shard(0, st, new RateLimitedLog(60_000, x -> { }), guard, failures::add, "t");
        shard.start();
        try {
            Router r = new Router(new Shard[] {shard}, new LongAdder());
            byte[] b = "a:1|c\nb:1|c".getBytes(StandardCharsets.US_ASCII);
            r.packet(b, 0, b.length);
            r.publishAll();
            await(() -> failures.size() == 1, "the failure reported");
            assertTrue(failures.get(0) instanceof OutOfMemoryError, failures.toString());
            b = "a:2|c".getBytes(StandardCharsets.US_ASCII);
            r.packet(b, 0, b.length);
            r.publishAll();
            CompletableFuture<Snapshot> f = new CompletableFuture<>();
            shard.queue.put(f);
            Snapshot sn = f.get(5, TimeUnit.SECONDS);
            assertEquals(1, sn.counterIds.length);
            assertEquals("a", sn.counterIds[0].name);
            assertEquals(3.0, sn.counterValues[0], "the first batch's 'a' was applied before the Error, the next batch's too");
        } finally {
            shard.stop();
        }
    }

    /**
     * Finding 2's second half: a flush that fails (an OutOfMemoryError while handing the samples on) shows as
     * {@code failed} with the reason while it lasts, and the next flush delivers again. On ea8311d the status
     * stayed {@code ok}.
     */
    @Test
    void aFailedFlushShowsInTheStatusAndTheNextOneDelivers() throws Exception {
        AtomicInteger failures = new AtomicInteger(3);
        List<List<Sample>> delivered = new CopyOnWriteArrayList<>();
        try (Engine e = new Engine("statsd", EngineTest.settings(1, "flushInterval", "300ms"), l -> {
            if (failures.getAndDecrement() > 0) {
                throw new OutOfMemoryError("Java heap space (test)");
            }
            delivered.add(l);
        }, true)) {
            e.bind();
            EngineTest.udp(e.port(), "kept:1|c");
            await(() -> e.status().state() == State.FAILED, "failed while flushes fail");
            ComponentStatus s = e.status();
            assertEquals("flush-failed", s.detail());
            assertNotNull(s.lastError());
            assertTrue(s.lastError().contains("OutOfMemoryError"), s.lastError());
            await(() -> !delivered.isEmpty(), "a flush delivered");
            await(() -> e.status().state() == State.OK, "ok again");
            EngineTest.udp(e.port(), "after:4|c");
            await(() -> delivered.stream().anyMatch(l -> EngineTest.byKey(l).containsKey("stats_counts.after")), "data after the failures");
            assertFalse(delivered.isEmpty());
        }
    }
}
