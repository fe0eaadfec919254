package lodestar.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import lodestar.testkit.Configs;
import org.junit.jupiter.api.Test;

import lodestar.api.Beacon;
import lodestar.api.ComponentStatus;
import lodestar.api.State;
import lodestar.api.Processor;
import lodestar.api.Sample;

class PipelineComponentTest {

    private PipelineComponent pipeline;

    private PipelineComponent pipeline(Map<String, Object> config) {
        Map<String, Object> c = new HashMap<>(Map.of("flushInterval", "10ms", "selfInterval", "0", "bufferDisk", "0"));
        c.putAll(config);
        pipeline = new PipelineComponent(Configs.of(PipelineComponent.Config.class, c), null);
        return pipeline;
    }

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.deactivate();
        }
    }

    private static Map<String, Object> props(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void processorsRunHighestRankingFirstAndMayDrop() throws Exception {
        PipelineComponent p = pipeline(Map.of());
        RecordingSink sink = new RecordingSink();
        p.addSink(sink, props("component.name", "lodestar.sink.test"));
        Processor append = s -> s.withName(s.name() + ".low");
        Processor upper = s -> s.withName(s.name().toUpperCase());
        Processor dropSecret = s -> s.name().startsWith("secret") ? null : s;
        p.addProcessor(append, props("service.ranking", 1, "service.id", 10L));
        p.addProcessor(upper, props("service.ranking", 5, "service.id", 11L));
        p.addProcessor(dropSecret, props("service.ranking", 10, "service.id", 12L));
        p.emit(Sample.gauge("cpu", 1));
        p.emit(Sample.gauge("secret.key", 2));
        SinkRunnerTest.await(() -> sink.taken().size() == 1, 3000);
        Thread.sleep(50);
        assertEquals(List.of("CPU.low"), sink.taken().stream().map(Sample::name).toList());
        assertEquals(1L, p.status().get(0).counters().get("dropped_by_processors"));
    }

    @Test
    void aThrowingProcessorPassesTheSampleOnUnchanged() throws Exception {
        PipelineComponent p = pipeline(Map.of());
        RecordingSink sink = new RecordingSink();
        p.addSink(sink, props("component.name", "lodestar.sink.test"));
        p.addProcessor(s -> {
            throw new IllegalStateException("boom");
        }, props("service.id", 1L));
        p.emit(Sample.gauge("x", 1));
        SinkRunnerTest.await(() -> sink.taken().size() == 1, 3000);
        assertEquals("x", sink.taken().get(0).name());
        assertEquals(1L, p.status().get(0).counters().get("processor_errors"));
    }

    @Test
    void withDropOnErrorAThrowingProcessorDropsTheSample() throws Exception {
        PipelineComponent p = pipeline(Map.of("processorDropOnError", true));
        RecordingSink sink = new RecordingSink();
        p.addSink(sink, props("component.name", "lodestar.sink.test"));
        p.addProcessor(s -> {
            if (s.name().startsWith("bad")) {
                throw new IllegalStateException("boom");
            }
            return s;
        }, props("service.id", 1L));
        p.emit(Sample.gauge("bad.one", 1));
        p.emit(Sample.gauge("good", 2));
        SinkRunnerTest.await(() -> sink.taken().size() == 1, 3000);
        Thread.sleep(50);
        assertEquals(List.of("good"), sink.taken().stream().map(Sample::name).toList());
        assertEquals(1L, p.status().get(0).counters().get("processor_errors"));
        assertEquals(1L, p.status().get(0).counters().get("dropped_by_processors"));
    }

    @Test
    void tagBasedSinksGetTheHostTagOthersDoNot() throws Exception {
        PipelineComponent p = pipeline(Map.of("host", "web01"));
        RecordingSink plain = new RecordingSink();
        RecordingSink tagged = new RecordingSink();
        p.addSink(plain, props("component.name", "lodestar.sink.graphite"));
        p.addSink(tagged, props("component.name", "lodestar.sink.opentsdb", "lodestar.sink.tags", Boolean.TRUE));
        p.emit(Sample.gauge("x", 1));
        p.emit(Sample.gauge("y", 2).withTag("host", "collectd-host"));
        SinkRunnerTest.await(() -> plain.taken().size() == 2 && tagged.taken().size() == 2, 3000);
        assertEquals(List.of("", "host=collectd-host"), plain.taken().stream().map(s -> s.tags().toString()).toList());
        assertEquals(List.of("host=web01", "host=collectd-host"),
                tagged.taken().stream().map(s -> s.tags().toString()).toList());
    }

    @Test
    void hostTagFalseLeavesTagBasedSinksAlone() throws Exception {
        PipelineComponent p = pipeline(Map.of("hostTag", false));
        RecordingSink tagged = new RecordingSink();
        p.addSink(tagged, props("component.name", "lodestar.sink.opentsdb", "lodestar.sink.tags", Boolean.TRUE));
        p.emit(Sample.gauge("x", 1));
        SinkRunnerTest.await(() -> tagged.taken().size() == 1, 3000);
        assertEquals("", tagged.taken().get(0).tags().toString());
    }

    @Test
    void theDefaultHostIsThisMachinesName() {
        String h = CoreSettings.hostTag(true, "").get("host");
        assertTrue(h != null && !h.isBlank() && !h.contains(" "), h);
        assertThrows(IllegalArgumentException.class, () -> CoreSettings.hostTag(true, "a b"));
        assertEquals(null, CoreSettings.hostTag(false, "x"));
    }

    @Test
    void globalTagsAreAddedButASamplesOwnTagWins() throws Exception {
        PipelineComponent p = pipeline(Map.of("globalTags", new String[] {"dc=par1", "env=prod"}, "cluster__name", "c1"));
        RecordingSink sink = new RecordingSink();
        p.addSink(sink, props("component.name", "lodestar.sink.test"));
        p.emit(Sample.gauge("x", 1).withTag("env", "dev"));
        SinkRunnerTest.await(() -> sink.taken().size() == 1, 3000);
        assertEquals("cluster_name=c1,dc=par1,env=dev", sink.taken().get(0).tags().toString());
    }

    @Test
    void badGlobalTagNamesTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pipeline(Map.of("globalTags", new String[] {"novalue"})));
        assertTrue(e.getMessage().startsWith("globalTags"), e.getMessage());
    }

    @Test
    void negativeDefaultIntervalIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pipeline(Map.of("interval", "-1s")));
        assertTrue(e.getMessage().startsWith("interval"), e.getMessage());
    }

    @Test
    void beaconsRunAtTheirIntervalAndAFailingOrHangingOneDoesNotStopOthers() throws Exception {
        PipelineComponent p = pipeline(Map.of());
        RecordingSink sink = new RecordingSink();
        p.addSink(sink, props("component.name", "lodestar.sink.test"));
        AtomicInteger good = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Beacon ok = e -> e.gauge("ok", good.incrementAndGet());
        Beacon failing = e -> {
            e.gauge("partial", 1);
            throw new IllegalStateException("broken beacon");
        };
        Beacon hanging = e -> release.await();
        p.addBeacon(ok, props("component.name", "lodestar.beacon.ok", "interval", "100ms"));
        p.addBeacon(failing, props("component.name", "lodestar.beacon.failing", "interval", "100ms"));
        p.addBeacon(hanging, props("component.name", "lodestar.beacon.hanging", "interval", "100ms"));
        Thread.sleep(1600);
        release.countDown();
        Map<String, ComponentStatus> byName = new HashMap<>();
        p.status().forEach(s -> byName.put(s.name(), s));
        long okRuns = byName.get("ok").counters().get("runs");
        assertTrue(okRuns >= 11 && okRuns <= 17, "about 15 runs in 1.6 s at 100 ms after a first delay of 100 ms: " + okRuns);
        assertTrue(byName.get("failing").counters().get("errors") >= 5);
        assertTrue(byName.get("failing").lastError().contains("broken beacon"));
        assertTrue(byName.get("hanging").counters().get("overruns") >= 5);
        assertTrue(sink.taken().stream().anyMatch(s -> s.name().equals("partial")), "samples before a failure are kept");
    }

    @Test
    void anIntervalChangeReschedules() throws Exception {
        PipelineComponent p = pipeline(Map.of());
        AtomicInteger runs = new AtomicInteger();
        Beacon b = e -> runs.incrementAndGet();
        p.addBeacon(b, props("component.name", "lodestar.beacon.b", "interval", "10s"));
        Thread.sleep(1300); // first run after min(interval, 1s)
        assertEquals(1, runs.get());
        p.updatedBeacon(b, props("component.name", "lodestar.beacon.b", "interval", "50ms"));
        Thread.sleep(600);
        assertTrue(runs.get() >= 8, "runs after switching to 50ms: " + runs.get());
        p.removeBeacon(b);
        int after = runs.get();
        Thread.sleep(200);
        assertTrue(runs.get() <= after + 1);
    }

    @Test
    void invalidBeaconIntervalIsNotScheduledAndOthersRun() throws Exception {
        PipelineComponent p = pipeline(Map.of());
        AtomicInteger runs = new AtomicInteger();
        p.addBeacon(e -> runs.incrementAndGet(), props("component.name", "lodestar.beacon.bad", "interval", "-3s"));
        p.addBeacon(e -> runs.incrementAndGet(), props("component.name", "lodestar.beacon.good", "interval", "50ms"));
        Thread.sleep(300);
        assertTrue(p.status().stream().noneMatch(s -> s.name().equals("bad")));
        assertTrue(runs.get() >= 2);
    }

    @Test
    void collectNowRunsTheNamedBeaconAndReturnsItsSamples() throws Exception {
        PipelineComponent p = pipeline(Map.of());
        RecordingSink sink = new RecordingSink();
        p.addSink(sink, props("component.name", "lodestar.sink.test"));
        p.addBeacon(e -> e.gauge("hello", 42), props("component.name", "lodestar.beacon.hello", "interval", "1h"));
        List<Sample> got = p.collectNow("hello").orElseThrow();
        assertEquals(1, got.size());
        assertEquals(42.0, got.get(0).value());
        assertTrue(p.collectNow("nope").isEmpty());
        SinkRunnerTest.await(() -> !sink.taken().isEmpty(), 3000);
        assertEquals("hello", sink.taken().get(0).name());
    }

    @Test
    void removingASinkFlushesItAndOthersKeepReceiving() throws Exception {
        PipelineComponent p = pipeline(Map.of("flushInterval", "1h", "batchSize", 100000));
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        p.addSink(a, props("component.name", "lodestar.sink.a"));
        p.addSink(b, props("component.name", "lodestar.sink.b"));
        p.emitAll(SinkRunnerTest.samples("m", 0, 500));
        p.removeSink(a);
        assertEquals(500, a.taken().size(), "the departing sink wrote what it held");
        p.emitAll(SinkRunnerTest.samples("m", 500, 500));
        p.deactivate();
        pipeline = null;
        assertEquals(SinkRunnerTest.samples("m", 0, 1000), b.taken());
    }

    @Test
    void selfMetricsDescribeSinksAndBeacons() throws Exception {
        PipelineComponent p = pipeline(Map.of("selfInterval", "100ms"));
        RecordingSink sink = new RecordingSink();
        p.addSink(sink, props("component.name", "lodestar.sink.graphite", "service.factoryPid", "lodestar.sink.graphite",
                "service.pid", "lodestar.sink.graphite~carbon1"));
        SinkRunnerTest.await(() -> sink.taken().stream().anyMatch(s -> s.name().equals("lodestar.self.sink.graphite-carbon1.written")), 3000);
        assertTrue(sink.taken().stream().anyMatch(s -> s.name().equals("lodestar.self.pipeline.received")));
    }

    @Test
    void monitoredPartsShowInStatusAfterBeaconsAndSinks() {
        PipelineComponent p = pipeline(Map.of());
        lodestar.api.Monitored listener = () -> new ComponentStatus("listener", "statsd", State.OK, Map.of("packets", 7L), null);
        p.addMonitored(listener);
        ComponentStatus last = p.status().get(p.status().size() - 1);
        assertEquals("statsd", last.name());
        assertEquals(7L, last.counters().get("packets"));
        p.removeMonitored(listener);
        assertTrue(p.status().stream().noneMatch(s -> s.name().equals("statsd")));
    }

    @Test
    void namesFollowTheConvention() {
        assertEquals("system", Names.of(props("component.name", "lodestar.beacon.system")));
        assertEquals("store", Names.of(props("component.name", "lodestar.store")));
        assertEquals("graphite-carbon1", Names.of(props("component.name", "lodestar.sink.graphite",
                "service.factoryPid", "lodestar.sink.graphite", "service.pid", "lodestar.sink.graphite.abc",
                "felix.fileinstall.filename", "file:/home/conf/lodestar.sink.graphite-carbon1.cfg")));
        assertEquals("mine", Names.of(props("component.name", "lodestar.sink.graphite", "name", "mine")));
        assertNull(props().get("x"));
    }


    /** Every invalid runner value the sinks' own tests once checked: the core alone rejects them now. */
    @Test
    void invalidRunnerSettingsFailOnlyThatSinkNamingThePropertyUntilFixed() throws Exception {
        Object[][] bad = {{"batchSize", -1}, {"batchSize", "x"}, {"flushInterval", "-1s"}, {"flushInterval", "often"},
                {"bufferMemory", "lots"}, {"bufferMemory", "0MB"}, {"retryInitial", "x"}, {"retryFactor", 0.5},
                {"retryFactor", Double.NaN}, {"retryMax", "100ms", "retryInitial", "1s"}, {"retryMax", "1s", "retryInitial", "10s"},
                {"bufferDisk", "plenty"}, {"tagpass", "novalue"}};
        PipelineComponent p = pipeline(Map.of());
        RecordingSink good = new RecordingSink();
        p.addSink(good, props("component.name", "lodestar.sink.good"));
        int i = 0;
        for (Object[] b : bad) {
            RecordingSink sink = new RecordingSink();
            Map<String, Object> conf = props("component.name", "lodestar.sink.bad", "name", "bad" + i++);
            for (int k = 0; k < b.length; k += 2) {
                conf.put((String) b[k], b[k + 1]);
            }
            p.addSink(sink, conf);
            ComponentStatus st = p.status().stream().filter(c -> c.name().equals(conf.get("name"))).findFirst().orElseThrow();
            assertEquals(State.FAILED, st.state(), st.toString());
            assertEquals("invalid-settings", st.detail());
            assertTrue(st.lastError().startsWith(b[0] + ": "), "names " + b[0] + ": " + st.lastError());
            p.emit(Sample.gauge("after." + b[0], 1));
            SinkRunnerTest.await(() -> good.taken().stream().anyMatch(x -> x.name().equals("after." + b[0])), 3000);
            assertTrue(sink.taken().isEmpty(), "nothing reaches a sink whose settings are invalid");
            if (b[0].equals("batchSize") && b[1].equals("x")) {
                // fixed in place: the same sink starts with a runner and gets what comes next
                conf.put("batchSize", "10");
                p.updatedSink(sink, conf);
                ComponentStatus fixed = p.status().stream().filter(c -> c.name().equals(conf.get("name"))).findFirst().orElseThrow();
                assertEquals(State.OK, fixed.state());
                p.emit(Sample.gauge("after.fix", 1));
                SinkRunnerTest.await(() -> sink.taken().stream().anyMatch(x -> x.name().equals("after.fix")), 3000);
                assertEquals(List.of("after.fix"), sink.taken().stream().map(Sample::name).toList());
            }
            p.removeSink(sink);
        }
        assertTrue(p.status().stream().noneMatch(c -> c.name().startsWith("bad")), "removed sinks leave no status behind");
    }

    @Test
    void monitoredPartsAreEmittedAsSelfMetricsWithTheirKindsAndState() throws Exception {
        PipelineComponent p = pipeline(Map.of("selfInterval", "50ms"));
        RecordingSink sink = new RecordingSink();
        p.addSink(sink, props("component.name", "lodestar.sink.test"));
        p.addMonitored(() -> new ComponentStatus("listener", "statsd-edge", State.FAILED, "receiver-failed",
                Map.of("packets", 7L, "open_connections", 3L), java.util.Set.of("open_connections"), "socket closed"));
        SinkRunnerTest.await(() -> sink.taken().stream().anyMatch(s -> s.name().equals("lodestar.self.listener.statsd-edge.state")), 3000);
        Map<String, Sample> last = new HashMap<>();
        sink.taken().forEach(s -> last.put(s.name(), s));
        assertEquals(7.0, last.get("lodestar.self.listener.statsd-edge.packets").value());
        assertEquals(lodestar.api.Kind.COUNTER, last.get("lodestar.self.listener.statsd-edge.packets").kind());
        assertEquals(3.0, last.get("lodestar.self.listener.statsd-edge.open_connections").value());
        assertEquals(lodestar.api.Kind.GAUGE, last.get("lodestar.self.listener.statsd-edge.open_connections").kind());
        assertEquals(State.FAILED.code(), (int) last.get("lodestar.self.listener.statsd-edge.state").value());
        assertEquals(State.OK.code(), (int) last.get("lodestar.self.sink.test.state").value());
    }

    /** Issue 11, finding 9: one name over 64 KiB dropped a whole spooled batch of good samples, unlogged. */
    @Test
    void anOversizedSampleIsRefusedOnceAndTheGoodOnesBesideItAreSpooledAndDelivered(@org.junit.jupiter.api.io.TempDir java.nio.file.Path spool)
            throws Exception {
        PipelineComponent p = pipeline(Map.of("bufferDisk", "16MB", "spoolDirectory", spool.toString(), "retryInitial", "20ms",
                "retryMax", "50ms"));
        RecordingSink sink = new RecordingSink();
        sink.down = true;
        p.addSink(sink, props("component.name", "lodestar.sink.test"));
        java.util.List<Sample> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            batch.add(Sample.gauge(i == 500 ? "x".repeat(70_000) : "good." + i, i));
        }
        batch.add(new Sample("many.tags", lodestar.api.Tags.of(java.util.stream.IntStream.range(0, 300)
                .mapToObj(i -> new String[] {"k" + i, "v"}).flatMap(java.util.Arrays::stream).toArray(String[]::new)),
                1, 1, lodestar.api.Kind.GAUGE));
        p.emitAll(batch);
        SinkRunnerTest.await(() -> p.status().stream().anyMatch(c -> c.name().equals("test") && c.counters().get("spooled") == 999L), 5000);
        sink.down = false;
        SinkRunnerTest.await(() -> sink.taken().size() == 999, 5000);
        assertEquals(999, sink.taken().size(), "every good sample of the batch, through the disk buffer");
        assertTrue(sink.taken().stream().allMatch(x -> x.name().startsWith("good.")));
        ComponentStatus core = p.status().get(0);
        assertEquals(2L, core.counters().get("rejected"), "the long name and the 300 tags, counted");
        assertEquals(0L, p.status().stream().filter(c -> c.name().equals("test")).findFirst().orElseThrow().counters().get("dropped"));
    }
}
