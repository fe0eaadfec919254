package lodestar.listener.statsd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import lodestar.api.ComponentStatus;
import lodestar.api.State;
import lodestar.api.Monitored;
import lodestar.api.Pipeline;
import lodestar.api.Sample;
import lodestar.testkit.Configs;

/** The listener as a {@link Monitored} service: running totals for lodestar:status. */
class StatusTest {

    /** Polls the status until {@code packets} reaches {@code n} (UDP delivery is asynchronous). */
    static ComponentStatus awaitPackets(Monitored m, long n) throws InterruptedException {
        ComponentStatus s = m.status();
        for (int i = 0; i < 250 && s.counters().get("packets") < n; i++) {
            Thread.sleep(20);
            s = m.status();
        }
        return s;
    }

    /** Polls until the shards have counted {@code n} lines (they parse after the receiver hands on). */
    static ComponentStatus awaitLines(Engine e, long n) throws InterruptedException {
        ComponentStatus s = e.status();
        for (int i = 0; i < 250 && s.counters().get("lines") < n; i++) {
            Thread.sleep(20);
            s = e.status();
        }
        return s;
    }

    @Test
    void engineStatusHasRunningTotalsThatFlushesDoNotReset() throws Exception {
        try (Engine e = new Engine("statsd", EngineTest.settings(2), l -> { }, false)) {
            e.bind();
            ComponentStatus s0 = e.status();
            assertEquals("listener", s0.type());
            assertEquals("statsd", s0.name());
            assertEquals(State.OK, s0.state());
            assertEquals("ok", s0.detail());
            assertNull(s0.lastError());
            assertEquals(List.of("packets", "samples", "bad_input", "queue_drops", "kernel_drops", "connections", "open_connections",
                    "refused_connections", "replaced_connections", "idle_timeouts", "buffer_evictions", "buffered_bytes", "accept_errors",
                    "restarts", "port", "lines", "series", "series_created", "series_refused", "series_expired"),
                    List.copyOf(s0.counters().keySet()));
            assertEquals(java.util.Set.of("open_connections", "buffered_bytes", "port", "series"), s0.gauges());
            assertEquals(0L, s0.counters().get("packets"));
            assertEquals((long) e.port(), s0.counters().get("port"));

            EngineTest.udp(e.port(), "a:1|c\nb:2|ms", "no colon here", "c:x|c\nd:1|g");
            ComponentStatus s = awaitPackets(e::status, 3);
            s = awaitLines(e, 5);
            assertEquals(3L, s.counters().get("packets"));
            assertEquals(5L, s.counters().get("lines"));
            assertEquals(2L, s.counters().get("bad_input"));
            assertEquals(0L, s.counters().get("queue_drops"));
            assertEquals(0L, s.counters().get("kernel_drops"));

            Map<String, Double> f = EngineTest.byKey(e.flushNow());
            assertEquals(3.0, f.get("stats_counts.statsd.packets_received"));
            assertEquals(5.0, f.get("stats_counts.statsd.metrics_received"));
            assertEquals(2.0, f.get("stats_counts.statsd.bad_lines_seen"));
            assertEquals(3L, e.status().counters().get("packets"), "a flush does not reset the totals");
            assertEquals(5L, e.status().counters().get("lines"));

            EngineTest.udp(e.port(), "a:1|c");
            s = awaitPackets(e::status, 4);
            s = awaitLines(e, 6);
            assertEquals(4L, s.counters().get("packets"));
            assertEquals(6L, s.counters().get("lines"));
            assertEquals(2L, s.counters().get("bad_input"));
            f = EngineTest.byKey(e.flushNow());
            assertEquals(1.0, f.get("stats_counts.statsd.packets_received"), "a flush reports only what is new");
            assertEquals(1.0, f.get("stats_counts.statsd.metrics_received"));
            assertEquals(0.0, f.get("stats_counts.statsd.bad_lines_seen"));
            assertEquals(State.OK, e.status().state());
            assertEquals("ok", e.status().detail());
            e.close();
            assertEquals(State.STOPPED, e.status().state());
            assertEquals("closed", e.status().detail());
        }
    }

    @Test
    void queueDropsShowAsDroppingAfterTheFlush() throws Exception {
        Settings st = EngineTest.settings(1);
        try (Engine e = new Engine("statsd", st, l -> { }, false)) {
            e.bind();
            // a shard that is never started stands for one that fell behind: its queue takes one batch
            Shard stuck = new Shard(9, st, 1, new lodestar.support.log.RateLimitedLog(60_000, x -> { }), EngineTest.guard(st), x -> { },
                    "stuck");
            Router r = new Router(new Shard[] {stuck}, queueDrops(e));
            byte[] big = "x:1|c\n".repeat(20_000).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 3; i++) {
                r.packet(big, 0, big.length);
                r.publishAll();
            }
            long drops = e.status().counters().get("queue_drops");
            assertTrue(drops >= 40_000L, "at least two of three packets' lines: " + drops);
            assertEquals(State.OK, e.status().state(), "until a flush window has seen the drops");
            assertEquals("ok", e.status().detail(), "until a flush window has seen the drops");
            assertEquals((double) drops, EngineTest.byKey(e.flushNow()).get("stats_counts.statsd.queue_drops"));
            assertEquals(State.DEGRADED, e.status().state());
            assertEquals("dropping", e.status().detail());
            assertEquals(0.0, EngineTest.byKey(e.flushNow()).get("stats_counts.statsd.queue_drops"));
            assertEquals(State.OK, e.status().state());
            assertEquals("ok", e.status().detail());
            assertEquals(drops, e.status().counters().get("queue_drops"));
        }
    }

    private static java.util.concurrent.atomic.LongAdder queueDrops(Engine e) throws Exception {
        java.lang.reflect.Field f = Engine.class.getDeclaredField("queueDrops");
        f.setAccessible(true);
        return (java.util.concurrent.atomic.LongAdder) f.get(e);
    }

    @Test
    void componentIsAMonitoredServiceNamedByItsInstance() throws Exception {
        List<Sample> emitted = new CopyOnWriteArrayList<>();
        Pipeline pipeline = (Pipeline) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Pipeline.class},
                (p, m, a) -> {
                    if (m.getName().equals("emitAll")) {
                        emitted.addAll((java.util.Collection<Sample>) a[0]);
                    }
                    return null;
                });
        StatsdListener.Config cfg = Configs.of(StatsdListener.Config.class, "port", 0, "flushInterval", "1h");
        StatsdListener l = new StatsdListener(cfg, pipeline, Map.of("service.pid", "lodestar.listener.statsd~web"));
        try {
            Monitored m = l;
            ComponentStatus s = m.status();
            assertEquals("listener", s.type());
            assertEquals("statsd-web", s.name());
            assertEquals(State.OK, s.state());
            assertEquals("ok", s.detail());
            int port = s.counters().get("port").intValue();
            assertTrue(port > 0);
            EngineTest.udp(port, "a:1|c\na:2|c");
            assertEquals(1L, awaitPackets(m, 1).counters().get("packets"));
        } finally {
            l.deactivate();
        }
        assertEquals(State.STOPPED, l.status().state());
        assertEquals("closed", l.status().detail());
    }

    @Test
    void componentDescriptionProvidesMonitored() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/OSGI-INF/lodestar.listener.statsd.xml")) {
            if (in == null) {
                return; // bnd writes it in process-classes; an IDE run without it checks nothing here
            }
            String xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(xml.contains("<provide interface=\"lodestar.api.Monitored\"/>"), xml);
        }
    }
}
