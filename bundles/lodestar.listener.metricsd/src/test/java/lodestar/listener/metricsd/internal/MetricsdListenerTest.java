package lodestar.listener.metricsd.internal;

import lodestar.testkit.CapturingPipeline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import lodestar.api.ComponentStatus;
import lodestar.api.Sample;
import lodestar.api.State;
import lodestar.api.Tags;
import lodestar.listener.metricsd.MetricKind;
import lodestar.listener.metricsd.MetricsdEncoder;
import lodestar.testkit.Configs;

/** The component over a real UDP socket. */
class MetricsdListenerTest {

    private final CapturingPipeline pipeline = new CapturingPipeline();
    private MetricsdListener listener;

    private MetricsdListener start(Object... extra) {
        List<Object> kv = new ArrayList<>(List.of("port", 0, "flushInterval", "1h"));
        kv.addAll(List.of(extra));
        listener = new MetricsdListener(Configs.of(MetricsdListener.Config.class, kv.toArray()), pipeline,
                Map.of("service.pid", "lodestar.listener.metricsd~test"));
        return listener;
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.deactivate();
        }
    }

    private long counter(String name) {
        return listener.status().counters().get(name);
    }

    private void send(byte[]... packets) throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            for (byte[] p : packets) {
                s.send(new DatagramPacket(p, p.length, InetAddress.getLoopbackAddress(), listener.port()));
            }
        }
    }

    private void send(MetricsdEncoder e) throws Exception {
        send(e.packets().toArray(new byte[0][]));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met in 5 s");
            }
            Thread.sleep(5);
        }
    }

    @Test
    void everyKindOverUdpNamedLikeBucky() throws Exception {
        start();
        MetricsdEncoder e = new MetricsdEncoder("web1.company.tld");
        e.counter("requests", 3).counter("requests", 4).gauge("queue", 9.5);
        for (int i = 1; i <= 10; i++) {
            e.histogram("size", i).timer("latency", i * 10);
        }
        e.meter("logins", 5);
        send(e);
        await(() -> counter("commands") == 24);
        listener.flushAll();
        Map<String, Double> got = pipeline.latest();
        assertEquals(7.0, got.get("tld.company.web1.requests"));
        assertEquals(9.5, got.get("tld.company.web1.queue"));
        assertEquals(10.0, got.get("tld.company.web1.size.count"));
        assertEquals(5.5, got.get("tld.company.web1.size.mean"));
        assertEquals(100.0, got.get("tld.company.web1.latency.max"));
        assertEquals(10.0, got.get("tld.company.web1.latency.count"));
        assertTrue(got.containsKey("tld.company.web1.latency.m1_rate"));
        assertEquals(5.0, got.get("tld.company.web1.logins.count"));
        assertEquals(5, counter("metrics"));
        assertEquals("metricsd-test", listener.status().name());
    }

    @Test
    void hostNamingUnderscoreAndTag() throws Exception {
        start("hostNaming", "underscore");
        send(new MetricsdEncoder("node.company.tld").gauge("load", 1));
        await(() -> counter("commands") == 1);
        listener.flushAll();
        assertEquals(List.of("node_company_tld.load"), pipeline.samples.stream().map(Sample::name).toList());
        listener.deactivate();
        pipeline.samples.clear();
        start("hostNaming", "tag");
        send(new MetricsdEncoder("node.company.tld").gauge("load", 1));
        send(new MetricsdEncoder("other").gauge("load", 2));
        await(() -> counter("commands") == 2);
        listener.flushAll();
        assertEquals(Map.of("load;host=node.company.tld", 1.0, "load;host=other", 2.0), pipeline.latest());
        assertEquals(Tags.of("host", "other"), pipeline.samples.stream().filter(s -> s.value() == 2.0).findFirst().get().tags());
    }

    @Test
    void malformedPacketsAreCountedAndTheStreamGoesOn() throws Exception {
        start();
        MetricsdEncoder good = new MetricsdEncoder("h");
        for (Object[] m : PacketDecoderTest.MALFORMED) {
            send((byte[]) m[1]);
            send(good.counter("after", 1));
        }
        int n = PacketDecoderTest.MALFORMED.length;
        await(() -> counter("packets") == 2L * n);
        assertEquals(n, counter("bad_input"));
        listener.flushAll();
        assertEquals((double) n, pipeline.latest().get("h.after"), "every good packet between them counted");
    }

    @Test
    void clearDeleteAndKindConflicts() throws Exception {
        start();
        send(new MetricsdEncoder("h").counter("c", 5).gauge("c", 1).histogram("x", 1));
        await(() -> counter("commands") == 3);
        assertEquals(1, counter("kind_conflicts"));
        send(new MetricsdEncoder("h").clear(MetricKind.COUNTER, "c").delete(MetricKind.HISTOGRAM, "x").delete(MetricKind.HISTOGRAM, "never"));
        await(() -> counter("commands") == 6);
        listener.flushAll();
        assertEquals(Map.of("h.c", 0.0), pipeline.latest());
        assertEquals(1, counter("metrics"));
    }

    @Test
    void maxMetricsRefusesNewOnes() throws Exception {
        start("maxMetrics", 2);
        send(new MetricsdEncoder("h").gauge("a", 1).gauge("b", 1).gauge("c", 1).gauge("a", 2));
        await(() -> counter("commands") == 4);
        assertEquals(1, counter("metrics_refused"));
        assertEquals(2, counter("metrics"));
    }

    /**
     * Issue 11, finding 6: a table filled with junk names must not be permanent nor silent. Refusals show in the
     * status ({@code degraded}, {@code cardinality-limit}); junk that is no longer sent ages out after
     * {@code seriesTimeout}, stops being reported, and new legitimate metrics are taken again. On ea8311d the
     * status stayed {@code ok}, the junk was reported every flush and new metrics were refused until the
     * configuration was removed.
     */
    @Test
    void aTableFullOfJunkRecoversAndRefusalsShow() throws Exception {
        start("maxMetrics", 100, "maxNewSeries", 0, "seriesTimeout", "1s");
        MetricsdEncoder junk = new MetricsdEncoder("h");
        for (int i = 0; i < 100; i++) {
            junk.counter("junk." + i, 1);
        }
        send(junk);
        await(() -> counter("commands") == 100);
        send(new MetricsdEncoder("h").gauge("legit", 7));
        await(() -> counter("commands") == 101);
        assertEquals(1, counter("metrics_refused"));
        ComponentStatus s = listener.status();
        assertEquals(State.DEGRADED, s.state(), "refusing new metrics is not ok");
        assertEquals("cardinality-limit", s.detail());
        Thread.sleep(1100);
        listener.flushAll();
        assertTrue(pipeline.samples.stream().noneMatch(x -> x.name().startsWith("h.junk.")),
                "idle for seriesTimeout: aged out, not reported again");
        assertEquals(0, counter("metrics"));
        assertEquals(100, counter("metrics_expired"));
        send(new MetricsdEncoder("h").gauge("legit", 8));
        await(() -> counter("commands") == 102);
        listener.flushAll();
        assertEquals(Map.of("h.legit", 8.0), pipeline.latest(), "a new metric is taken again");
    }

    @Test
    void newLimitsApplyToTheMetricsAsTheyAre() throws Exception {
        start("maxMetrics", 1);
        send(new MetricsdEncoder("h").counter("a", 2).counter("b", 1));
        await(() -> counter("commands") == 2);
        assertEquals(1, counter("metrics_refused"));
        listener.modified(config("port", listener.port(), "maxMetrics", 2));
        assertTrue(pipeline.samples.isEmpty(), "no new registry, nothing reported and reset");
        send(new MetricsdEncoder("h").counter("a", 3).counter("b", 1));
        await(() -> counter("commands") == 4);
        listener.flushAll();
        assertEquals(Map.of("h.a", 5.0, "h.b", 1.0), pipeline.latest());
        assertEquals(2, counter("metrics"));
    }

    @Test
    void handlersFlushOnTheirOwnInterval() throws Exception {
        start("handlers", new String[] {"^h\\.fast\\..*=200ms:10"});
        assertEquals(List.of(200L, 3_600_000L), listener.intervals());
        send(new MetricsdEncoder("h").gauge("fast.one", 1).gauge("slow.one", 2));
        await(() -> pipeline.samples.size() >= 2);
        assertTrue(pipeline.samples.stream().allMatch(s -> s.name().equals("h.fast.one")), pipeline.samples.toString());
        assertTrue(counter("samples") >= 2);
    }

    @Test
    void badConfigurationNamesTheProperty() {
        for (Object[] bad : new Object[][] {{"handlers", new String[] {"^a[=5s"}}, {"handlers", new String[] {"^a=soon"}},
                {"handlers", new String[] {"^a"}}, {"handlers", new String[] {"^a=5s:high"}}, {"flushInterval", "0"},
                {"hostNaming", "sideways"}, {"port", -1}, {"maxMetrics", 0}, {"receiveBuffer", "big"}, {"receiveBuffer", "3GB"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new MetricsdListener(Configs.of(MetricsdListener.Config.class, bad), pipeline, Map.of()));
            assertTrue(e.getMessage().startsWith(bad[0] + ": "), e.getMessage());
        }
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private MetricsdListener.Config config(Object... kv) {
        List<Object> all = new ArrayList<>(List.of("port", 0, "flushInterval", "1h"));
        all.addAll(List.of(kv));
        return Configs.of(MetricsdListener.Config.class, all.toArray());
    }

    @Test
    void newPortRebindsAndKeepsEveryMetric() throws Exception {
        start();
        send(new MetricsdEncoder("h").counter("c", 5));
        await(() -> counter("commands") == 1);
        int before = listener.port();
        int port = freeUdpPort();
        listener.modified(config("port", port));
        assertEquals(port, listener.port());
        send(new MetricsdEncoder("h").counter("c", 2));
        await(() -> counter("commands") == 2);
        listener.flushAll();
        assertEquals(7.0, pipeline.latest().get("h.c"), "the counter kept its state across the rebind");
        assertEquals(2, counter("packets"), "status counters run on");
        try (DatagramSocket probe = new DatagramSocket(before, InetAddress.getLoopbackAddress())) {
            assertEquals(before, probe.getLocalPort(), "the old port was released");
        }
    }

    @Test
    void newRulesReportTheOldMetricsOnceThenStartAfresh() throws Exception {
        start();
        send(new MetricsdEncoder("h").counter("c", 3));
        await(() -> counter("commands") == 1);
        int port = listener.port();
        listener.modified(config("port", port, "flushInterval", "30m", "hostNaming", "underscore"));
        assertEquals(Map.of("h.c", 3.0), pipeline.latest(), "reported before the registry was replaced");
        assertEquals(port, listener.port(), "same address: same socket");
        assertEquals(List.of(1_800_000L), listener.intervals(), "the new flushInterval is scheduled");
        pipeline.samples.clear();
        send(new MetricsdEncoder("h").counter("c", 1));
        await(() -> counter("commands") == 2);
        listener.flushAll();
        assertEquals(Map.of("h.c", 1.0), pipeline.latest(), "new rules (underscore naming), fresh state");
    }

    @Test
    void aBadChangeKeepsTheRunningConfiguration() throws Exception {
        start();
        int port = listener.port();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> listener.modified(config("port", port, "maxMetrics", 0)));
        assertTrue(e.getMessage().startsWith("maxMetrics"), e.getMessage());
        send(new MetricsdEncoder("h").gauge("g", 4));
        await(() -> counter("commands") == 1);
        listener.flushAll();
        assertEquals(Map.of("h.g", 4.0), pipeline.latest(), "still listening on the old port with the old rules");
    }

    @Test
    void stoppingReportsTheLastWindow() throws Exception {
        start();
        send(new MetricsdEncoder("h").gauge("g", 6).counter("c", 2));
        await(() -> counter("commands") == 2);
        assertTrue(pipeline.samples.isEmpty(), "nothing flushed yet (flushInterval 1h)");
        listener.deactivate();
        listener = null;
        assertEquals(Map.of("h.g", 6.0, "h.c", 2.0), pipeline.latest());
    }

    @Test
    void aPortInUseKeepsListeningOnTheOldOne() throws Exception {
        start();
        int port = listener.port();
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> listener.modified(config("port", taken.getLocalPort())));
            assertTrue(e.getMessage().startsWith("port: cannot listen"), e.getMessage());
        }
        assertEquals(port, listener.port());
        send(new MetricsdEncoder("h").counter("c", 1));
        await(() -> counter("commands") == 1);
    }

    @Test
    void statusShowsTheListenerCountersThenItsOwn() throws Exception {
        start();
        send(new MetricsdEncoder("h").gauge("g", 1).counter("c", 1));
        send(new byte[] {1, 2, 3});
        await(() -> counter("commands") == 2 && counter("bad_input") == 1);
        listener.flushAll();
        ComponentStatus s = listener.status();
        assertEquals(List.of("packets", "samples", "bad_input", "kernel_drops", "restarts", "port", "commands", "kind_conflicts",
                "metrics", "metrics_refused", "metrics_created", "metrics_expired"), List.copyOf(s.counters().keySet()));
        assertEquals(java.util.Set.of("port", "metrics"), s.gauges());
        assertEquals(2, counter("packets"));
        assertEquals(2, counter("samples"));
        assertEquals(listener.port(), counter("port"));
        assertEquals(State.OK, s.state());
        listener.deactivate();
        assertEquals(State.STOPPED, listener.status().state());
        assertEquals("stopped", listener.status().detail());
        listener = null;
    }

    /** The receiver's socket closed under it: FAILED with the reason, then reopened on the same port, OK again. */
    @Test
    void aBrokenReceiverFailsThenComesBackOnItsPortWithEveryMetric() throws Exception {
        start();
        int port = listener.port();
        send(new MetricsdEncoder("h").counter("c", 5));
        await(() -> counter("commands") == 1);
        try (AutoCloseable hold = listener.receiver().breakSocket()) {
            await(() -> listener.status().state() == State.FAILED);
            ComponentStatus s = listener.status();
            assertEquals("receiver-failed", s.detail());
            assertEquals("metricsd-test UDP receiver: socket closed under the receiver", s.lastError());
            assertEquals(0, counter("restarts"));
        }
        await(() -> listener.status().state() == State.OK);
        assertEquals(1, counter("restarts"));
        assertEquals(port, listener.port(), "reopened where senders send");
        send(new MetricsdEncoder("h").counter("c", 2));
        await(() -> counter("commands") == 2);
        listener.flushAll();
        assertEquals(7.0, pipeline.latest().get("h.c"), "the metrics were never lost");
    }
}
