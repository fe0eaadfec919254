package lodestar.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.State;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.filter.NameFilter;

class SinkRunnerTest {

    static List<Sample> samples(String name, int from, int n) {
        List<Sample> l = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            l.add(new Sample(name, Tags.EMPTY, i, 1_000L * i, Kind.GAUGE));
        }
        return l;
    }

    static void await(java.util.function.BooleanSupplier cond, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!cond.getAsBoolean() && System.currentTimeMillis() < end) {
            Thread.sleep(5);
        }
    }

    static RunnerSettings fast(int batch, long bufferSamples) {
        return new RunnerSettings(batch, 20, bufferSamples * RunnerSettings.BYTES_PER_SAMPLE, 0, 10, 40, 2.0, NameFilter.ALL, lodestar.support.filter.LevelFilter.ALL,
                lodestar.support.filter.TagFilter.NONE, lodestar.support.filter.TagFilter.NONE);
    }

    @Test
    void deliversInOrderInBatchesOfAtMostBatchSize() throws Exception {
        List<Integer> batchSizes = new ArrayList<>();
        RecordingSink sink = new RecordingSink() {
            @Override
            public synchronized void write(List<Sample> batch) throws java.io.IOException {
                batchSizes.add(batch.size());
                super.write(batch);
            }
        };
        SinkRunner r = new SinkRunner("t", sink, fast(100, 10_000));
        r.start();
        r.offer(samples("a", 0, 250));
        await(() -> sink.taken().size() == 250, 5000);
        r.stop(1000);
        assertEquals(samples("a", 0, 250), sink.taken());
        assertTrue(batchSizes.stream().allMatch(s -> s <= 100), batchSizes.toString());
        assertEquals(250, r.written());
    }

    @Test
    void retriesTheSameBatchWhileTheBackendIsDownAndLosesNothing() throws Exception {
        RecordingSink sink = new RecordingSink();
        sink.down = true;
        SinkRunner r = new SinkRunner("t", sink, fast(10, 10_000));
        r.start();
        r.offer(samples("a", 0, 35));
        await(() -> sink.attempts >= 4, 5000);
        assertTrue(r.errors() >= 4);
        assertEquals(State.FAILED, r.status().state());
        assertEquals("backoff", r.status().detail());
        r.offer(samples("a", 35, 15));
        sink.down = false;
        await(() -> sink.taken().size() == 50, 5000);
        r.stop(1000);
        assertEquals(samples("a", 0, 50), sink.taken(), "every sample exactly once, in order");
        assertEquals(0, r.dropped());
        assertEquals(State.STOPPED, r.status().state());
        assertEquals("stopped", r.status().detail());
    }

    @Test
    void aFullBufferDropsTheOldestAndCountsThem() throws Exception {
        RecordingSink sink = new RecordingSink();
        sink.down = true;
        SinkRunner r = new SinkRunner("t", sink, new RunnerSettings(5, 10, 20L * RunnerSettings.BYTES_PER_SAMPLE, 0, 5, 10, 2, NameFilter.ALL, lodestar.support.filter.LevelFilter.ALL,
                lodestar.support.filter.TagFilter.NONE, lodestar.support.filter.TagFilter.NONE));
        r.start();
        r.offer(samples("a", 0, 5));
        await(() -> sink.attempts >= 1, 2000); // the first batch of 5 is now held by the writer
        r.offer(samples("a", 5, 30)); // 30 more into a buffer of 20: the 10 oldest go
        assertEquals(10, r.dropped());
        sink.down = false;
        await(() -> sink.taken().size() == 25, 5000);
        r.stop(1000);
        List<Sample> expected = new ArrayList<>(samples("a", 0, 5));
        expected.addAll(samples("a", 15, 20));
        assertEquals(expected, sink.taken());
    }

    @Test
    void stopWritesWhatIsBufferedBeforeReturning() {
        RecordingSink sink = new RecordingSink();
        SinkRunner r = new SinkRunner("t", sink, new RunnerSettings(1000, 60_000, 1_000_000L, 0, 10, 20, 2, NameFilter.ALL, lodestar.support.filter.LevelFilter.ALL,
                lodestar.support.filter.TagFilter.NONE, lodestar.support.filter.TagFilter.NONE));
        r.start();
        r.offer(samples("a", 0, 123)); // less than a batch, flush interval a minute away
        r.stop(2000);
        assertEquals(123, sink.taken().size());
    }

    @Test
    void stopGivesUpAfterTheTimeoutAndCountsTheLoss() {
        RecordingSink sink = new RecordingSink();
        sink.down = true;
        SinkRunner r = new SinkRunner("t", sink, fast(10, 1000));
        r.start();
        r.offer(samples("a", 0, 30));
        long t0 = System.currentTimeMillis();
        r.stop(300);
        assertTrue(System.currentTimeMillis() - t0 < 3000);
        assertEquals(30, r.dropped());
    }

    @Test
    void includeAndExcludeGlobsFilterBeforeBuffering() throws Exception {
        RecordingSink sink = new RecordingSink();
        RunnerSettings s = RunnerSettings.defaults().overriddenBy(Map.of("include", new String[] {"sys.**"},
                "exclude", "sys.*.idle", "flushInterval", "10ms"));
        SinkRunner r = new SinkRunner("t", sink, s);
        r.start();
        List<Sample> in = new ArrayList<>();
        in.addAll(samples("sys.cpu.user", 0, 1));
        in.addAll(samples("sys.cpu.idle", 1, 1));
        in.addAll(samples("app.requests", 2, 1));
        in.addAll(samples("sys.disk.root.free", 3, 1));
        r.offer(in);
        r.stop(1000);
        assertEquals(List.of("sys.cpu.user", "sys.disk.root.free"), sink.taken().stream().map(Sample::name).toList());
    }

    @Test
    void levelsPassOnlyListedLevelsAndSamplesWithoutALevel() throws Exception {
        RecordingSink sink = new RecordingSink();
        SinkRunner r = new SinkRunner("t", sink, RunnerSettings.defaults().overriddenBy(Map.of("levels", "critical,error",
                "flushInterval", "10ms")));
        r.start();
        r.offer(List.of(new Sample("app.a", Tags.of("level", "debug"), 1, 1, Kind.GAUGE),
                new Sample("app.b", Tags.of("level", "CRITICAL"), 2, 1, Kind.GAUGE),
                new Sample("sys.c", Tags.EMPTY, 3, 1, Kind.GAUGE)));
        r.stop(1000);
        assertEquals(List.of("app.b", "sys.c"), sink.taken().stream().map(Sample::name).toList());
    }

    @Test
    void tagpassAndTagdropFilterPerSink() throws Exception {
        RecordingSink sink = new RecordingSink();
        SinkRunner r = new SinkRunner("t", sink, RunnerSettings.defaults().overriddenBy(Map.of("tagpass", "dc=par*",
                "tagdrop", "env=test", "flushInterval", "10ms")));
        r.start();
        r.offer(List.of(new Sample("a", Tags.of("dc", "par1"), 1, 1, Kind.GAUGE),
                new Sample("b", Tags.of("dc", "par1", "env", "test"), 2, 1, Kind.GAUGE),
                new Sample("c", Tags.of("dc", "fra1"), 3, 1, Kind.GAUGE),
                new Sample("d", Tags.EMPTY, 4, 1, Kind.GAUGE)));
        r.stop(1000);
        assertEquals(List.of("a"), sink.taken().stream().map(Sample::name).toList());
    }

    @Test
    void invalidRunnerSettingsNameTheProperty() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RunnerSettings.defaults().overriddenBy(Map.of("flushInterval", "-5s")));
        assertTrue(e.getMessage().startsWith("flushInterval"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RunnerSettings.defaults().overriddenBy(Map.of("retryFactor", "0.5")));
        assertTrue(e.getMessage().startsWith("retryFactor"), e.getMessage());
    }

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path spoolDir;

    static RunnerSettings spooling(int batch) {
        return new RunnerSettings(batch, 20, 1000L * RunnerSettings.BYTES_PER_SAMPLE, 64L << 20, 10, 40, 2.0, NameFilter.ALL, lodestar.support.filter.LevelFilter.ALL,
                lodestar.support.filter.TagFilter.NONE, lodestar.support.filter.TagFilter.NONE);
    }

    @Test
    void whileTheBackendIsDownSamplesGoToDiskAndArriveInOrderExactlyOnce() throws Exception {
        RecordingSink sink = new RecordingSink();
        sink.down = true;
        SinkRunner r = new SinkRunner("t", sink, spooling(50), spoolDir);
        r.start();
        for (int i = 0; i < 20; i++) {
            r.offer(samples("a", i * 100, 100));
            Thread.sleep(5);
        }
        await(() -> r.spooled() == 2000, 5000);
        assertEquals(2000, r.spooled(), "everything offered while down is on disk");
        sink.down = false;
        await(() -> sink.taken().size() == 2000, 10_000);
        r.offer(samples("a", 2000, 100));
        await(() -> sink.taken().size() == 2100, 5000);
        r.stop(1000);
        assertEquals(samples("a", 0, 2100), sink.taken());
        assertEquals(0, r.dropped());
        assertEquals(0, r.spooled());
    }

    @Test
    void whatCouldNotBeDeliveredBeforeStopIsDeliveredByTheNextRunner() throws Exception {
        RecordingSink sink = new RecordingSink();
        SinkRunner first = spoolingWhileDown(sink, 500);
        first.stop(200);
        assertEquals(0, first.dropped(), "kept on disk, not dropped");
        assertTrue(sink.taken().isEmpty());

        sink.down = false;
        SinkRunner second = new SinkRunner("t", sink, spooling(50), spoolDir);
        assertEquals(500, second.spooled(), "found on disk at start");
        second.start();
        second.offer(samples("a", 500, 10));
        await(() -> sink.taken().size() == 510, 5000);
        second.stop(1000);
        assertEquals(samples("a", 0, 510), sink.taken(), "the backlog first, then the new samples, each once");
    }

    @Test
    void aStopWithTheBackendDownLeavesTheBacklogOnDiskInsteadOfRetryingUntilTheTimeout() throws Exception {
        RecordingSink sink = new RecordingSink();
        SinkRunner r = spoolingWhileDown(sink, 500);
        int before = sink.attempts;
        // a backoff of 10-40 ms would retry dozens of times within the 3 s allowed
        r.stop(3000);
        assertTrue(sink.attempts - before <= 1, (sink.attempts - before) + " writes tried while stopping");
        assertEquals(0, r.dropped());
        assertEquals(500, r.spooled(), "all of it on disk for the next start");
    }

    /** A disk-buffered runner offered {@code n} samples while {@code sink} is down, once it has tried to write them. */
    private SinkRunner spoolingWhileDown(RecordingSink sink, int n) throws InterruptedException {
        sink.down = true;
        SinkRunner r = new SinkRunner("t", sink, spooling(50), spoolDir);
        r.start();
        r.offer(samples("a", 0, n));
        await(() -> sink.attempts >= 1, 2000);
        return r;
    }
}
