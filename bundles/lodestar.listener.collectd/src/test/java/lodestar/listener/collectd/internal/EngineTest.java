package lodestar.listener.collectd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import lodestar.testkit.CapturingPipeline;
import lodestar.api.State;
import lodestar.api.ComponentStatus;
import lodestar.testkit.Configs;

/** The component over UDP loopback: sockets, threads, status, self-metrics, auth file reload, the queue bound. */
class EngineTest {

    @TempDir
    Path dir;

    static void send(int port, byte[]... packets) throws Exception {
        try (DatagramSocket d = new DatagramSocket()) {
            for (byte[] p : packets) {
                d.send(new DatagramPacket(p, p.length, InetAddress.getLoopbackAddress(), port));
            }
        }
    }

    static byte[] gauge(String host, double v) {
        return new Packets().id(host, "test", "", "gauge", "").time(100).gauge(v).build();
    }

    /**
     * The listener's counters are its status; the core emits them as lodestar.self.listener.collectd-t.* (an old
     * configuration's statsInterval is ignored, and the listener emits no self-metrics of its own any more).
     */
    @Test
    void componentReceivesReportsAndStops() throws Exception {
        CapturingPipeline pipe = new CapturingPipeline();
        CollectdListener l = new CollectdListener(Configs.of(CollectdListener.Config.class, "port", 0, "statsInterval", "200ms"), pipe,
                Map.of("service.pid", "lodestar.listener.collectd~t"));
        try {
            send(l.port(), gauge("a.b", 7), new byte[] {1, 2, 3});
            assertTrue(pipe.await(s -> s.name().equals("collectd.a_b.test.gauge") && s.value() == 7, 5000));
            long end = System.nanoTime() + 5_000_000_000L;
            while (l.status().counters().get("bad_input") < 1 && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            ComponentStatus st = l.status();
            assertEquals(1L, st.counters().get("bad_input"), st.counters().toString());
            assertEquals(1L, st.counters().get("bad_input.malformed"));
            assertEquals("listener", st.type());
            assertEquals("collectd-t", st.name());
            assertEquals(State.OK, st.state());
            assertEquals("ok", st.detail());
            assertEquals(2L, st.counters().get("packets"));
            assertTrue(st.counters().get("samples") >= 1);
            Thread.sleep(400); // two of the old statsInterval
            assertTrue(pipe.samples.stream().noneMatch(s -> s.name().startsWith("lodestar.self.")), pipe.samples.toString());
        } finally {
            l.deactivate();
        }
        assertEquals(State.STOPPED, l.status().state());
        assertEquals("stopped", l.status().detail());
    }

    @Test
    void portInUseIsAPortError() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CollectdListener(
                    Configs.of(CollectdListener.Config.class, "port", taken.getLocalPort()), new CapturingPipeline(), Map.of()));
            assertTrue(e.getMessage().startsWith("port:"), e.getMessage());
        }
    }

    @Test
    void authFileIsReloadedWhenItChanges() throws Exception {
        Path auth = Files.writeString(dir.resolve("auth"), "alice: one\n");
        CapturingPipeline pipe = new CapturingPipeline();
        CollectdListener l = new CollectdListener(Configs.of(CollectdListener.Config.class, "port", 0, "securityLevel", "encrypt",
                "authFile", auth.toString()), pipe, Map.of());
        try {
            send(l.port(), Packets.encrypt(gauge("h", 1), "alice", "one"), Packets.encrypt(gauge("h", 2), "bob", "two"), gauge("h", 3));
            assertTrue(pipe.await(s -> s.value() == 1, 5000));
            Thread.sleep(300);
            assertEquals(1, pipe.samples.size());
            assertEquals(1L, l.status().counters().get("rejected.unknown_user"));
            assertEquals(1L, l.status().counters().get("rejected.unencrypted"));
            Files.writeString(auth, "alice: one\nbob: two\n");
            Files.setLastModifiedTime(auth, FileTime.fromMillis(System.currentTimeMillis() + 5000));
            Thread.sleep(1100); // reload is checked at most once a second
            send(l.port(), Packets.encrypt(gauge("h", 2), "bob", "two"));
            assertTrue(pipe.await(s -> s.value() == 2, 5000));
        } finally {
            l.deactivate();
        }
    }

    @Test
    void overloadIsShedAndCountedNotQueued() throws Exception {
        Settings s = SettingsTest.of("port", 0, "queueMemory", "64KB");
        // a pipeline that blocks: the worker stops draining, the queue fills, the receiver drops
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Engine e = new Engine("t", s, TypesDb.load(List.of()).with(Harness.TEST_TYPES), new Converters(true, false), batch -> {
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }).start();
        try {
            byte[] p = gauge("h", 1);
            byte[] big = new byte[1400];
            System.arraycopy(p, 0, big, 0, p.length);
            // padding: an unknown part filling the rest
            big[p.length] = 0x7f;
            big[p.length + 2] = (byte) ((1400 - p.length) >> 8);
            big[p.length + 3] = (byte) (1400 - p.length);
            try (DatagramSocket d = new DatagramSocket()) {
                for (int i = 0; i < 400; i++) {
                    d.send(new DatagramPacket(big, big.length, InetAddress.getLoopbackAddress(), e.port()));
                    if (i % 50 == 0) {
                        Thread.sleep(5);
                    }
                }
            }
            long end = System.currentTimeMillis() + 5000;
            while (e.status().counters().get("queue_drops") == 0 && System.currentTimeMillis() < end) {
                Thread.sleep(20);
            }
            Map<String, Long> c = e.status().counters();
            assertTrue(c.get("queue_drops") > 0, c.toString());
            assertTrue(c.get("queued_bytes") <= 65536, c.toString());
        } finally {
            release.countDown();
            e.close();
        }
    }

    static byte[] derive(long time, long v) {
        return new Packets().id("h", "test", "", "derive", "").time(time).raw(Packets.DERIVE, v).build();
    }

    static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void reconfiguredLiveRatesAndCountersGoOn() throws Exception {
        CapturingPipeline pipe = new CapturingPipeline();
        CollectdListener l = new CollectdListener(Configs.of(CollectdListener.Config.class, "port", 0), pipe,
                Map.of("service.pid", "lodestar.listener.collectd~t"));
        try {
            send(l.port(), derive(10, 1000));
            long end = System.nanoTime() + 5_000_000_000L;
            while (l.status().counters().get("packets") < 1 && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            int port = freeUdpPort();
            l.modified(Configs.of(CollectdListener.Config.class, "port", port, "prefix", "cd"));
            assertEquals(port, l.port());
            send(port, derive(20, 1500));
            assertTrue(pipe.await(x -> x.name().equals("cd.h.test.derive") && x.value() == 50.0, 5000),
                    "the DERIVE rate spans the change (500 in 10 s) under the new prefix: " + pipe.samples);
            assertEquals(2L, l.status().counters().get("packets"), "status counters run on");
            assertEquals(1L, l.status().counters().get("series"));
        } finally {
            l.deactivate();
        }
    }

    @Test
    void aBadOrImpossibleChangeKeepsTheListenerRunning() throws Exception {
        CapturingPipeline pipe = new CapturingPipeline();
        CollectdListener l = new CollectdListener(Configs.of(CollectdListener.Config.class, "port", 0), pipe, Map.of());
        try {
            int port = l.port();
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> l.modified(Configs.of(CollectdListener.Config.class, "port", 0, "securityLevel", "bogus")));
            assertTrue(bad.getMessage().startsWith("securityLevel"), bad.getMessage());
            try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                IllegalArgumentException busy = assertThrows(IllegalArgumentException.class,
                        () -> l.modified(Configs.of(CollectdListener.Config.class, "port", taken.getLocalPort())));
                assertTrue(busy.getMessage().startsWith("port:"), busy.getMessage());
            }
            assertEquals(port, l.port(), "back on the port it had, though its setting was 0");
            send(port, gauge("a", 3));
            assertTrue(pipe.await(x -> x.name().equals("collectd.a.test.gauge") && x.value() == 3, 5000));
        } finally {
            l.deactivate();
        }
    }

    /**
     * Changes that keep the address (here the prefix, ten times) keep the socket: a sender streaming meanwhile
     * on a connected socket never gets "port unreachable", and every value arrives, each exactly once.
     */
    @Test
    void changesThatKeepTheAddressKeepTheSocketAndLoseNothing() throws Exception {
        CapturingPipeline pipe = new CapturingPipeline();
        CollectdListener l = new CollectdListener(Configs.of(CollectdListener.Config.class, "port", 0), pipe,
                Map.of("service.pid", "lodestar.listener.collectd~t"));
        int n = 4000;
        java.util.concurrent.atomic.AtomicReference<Exception> sendError = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            int port = l.port();
            Thread sender = new Thread(() -> {
                try (java.nio.channels.DatagramChannel c = java.nio.channels.DatagramChannel.open()) {
                    c.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                    for (int i = 1; i <= n; i++) {
                        c.write(java.nio.ByteBuffer.wrap(gauge("h", i)));
                        if (i % 20 == 0) {
                            Thread.sleep(1); // ~1-2 s in all: the changes below happen while it sends
                        }
                    }
                } catch (Exception e) {
                    sendError.set(e);
                }
            });
            sender.start();
            for (int k = 0; k < 10 && sender.isAlive(); k++) {
                Thread.sleep(60);
                l.modified(Configs.of(CollectdListener.Config.class, "port", 0, "prefix", "p" + k));
                assertEquals(port, l.port(), "same socket");
            }
            sender.join(30_000);
            assertEquals(null, sendError.get(), "the sender saw the socket go away");
            assertTrue(pipe.await(x -> x.value() == n, 5000), "the last value");
            long end = System.nanoTime() + 5_000_000_000L;
            while (l.status().counters().get("packets") < n && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertEquals((long) n, l.status().counters().get("packets"));
            java.util.Set<Double> values = new java.util.HashSet<>();
            long gauges = 0;
            for (var x : pipe.samples) {
                if (x.name().endsWith(".h.test.gauge")) {
                    values.add(x.value());
                    gauges++;
                }
            }
            assertEquals(n, values.size(), "every value once");
            assertEquals(n, gauges, "none twice");
            assertEquals(0L, l.status().counters().get("kernel_drops") + l.status().counters().get("queue_drops"));
        } finally {
            l.deactivate();
        }
    }

    @Test
    void statusShowsTheListenerCountersFirst() throws Exception {
        CollectdListener l = new CollectdListener(Configs.of(CollectdListener.Config.class, "port", 0), new CapturingPipeline(), Map.of());
        try {
            ComponentStatus st = l.status();
            assertEquals(List.of("packets", "samples", "bad_input", "queue_drops", "kernel_drops", "restarts", "port",
                    "bad_input.malformed", "bad_input.unknown_type", "bad_input.value_count", "bad_input.kind_mismatch",
                    "values_received", "out_of_range", "unknown_values", "infinite_values", "future_values", "stale_values", "ignored", "rejected", "rejected.unsigned",
                    "rejected.unencrypted", "rejected.unknown_user", "rejected.bad_signature", "rejected.bad_checksum",
                    "rejected.no_auth_file", "notifications", "unknown_parts", "series", "series_evicted", "series_created", "series_refused", "queued_bytes"),
                    List.copyOf(st.counters().keySet()));
            assertEquals(java.util.Set.of("port", "series", "queued_bytes"), st.gauges());
            assertEquals((long) l.port(), st.counters().get("port"));
        } finally {
            l.deactivate();
        }
    }

    /** The receiver's socket closed under it: FAILED with the reason, reopened on the same port, rates go on. */
    @Test
    void aBrokenReceiverFailsThenComesBackOnItsPort() throws Exception {
        CapturingPipeline pipe = new CapturingPipeline();
        CollectdListener l = new CollectdListener(Configs.of(CollectdListener.Config.class, "port", 0), pipe,
                Map.of("service.pid", "lodestar.listener.collectd~t"));
        try {
            int port = l.port();
            send(port, derive(10, 1000));
            long end = System.nanoTime() + 5_000_000_000L;
            while (l.status().counters().get("packets") < 1 && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            try (AutoCloseable hold = l.engine().receiver().supervised().breakSocket()) {
                while (l.status().state() != State.FAILED && System.nanoTime() < end) {
                    Thread.sleep(5);
                }
                ComponentStatus st = l.status();
                assertEquals(State.FAILED, st.state());
                assertEquals("receiver-failed", st.detail());
                assertEquals("collectd-t UDP receiver: socket closed under the receiver", st.lastError());
                assertEquals(0L, st.counters().get("restarts"));
                assertEquals((long) port, st.counters().get("port"), "the port it is to reopen");
            }
            while (l.status().state() != State.OK && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertEquals(State.OK, l.status().state());
            assertEquals(1L, l.status().counters().get("restarts"));
            assertEquals(port, l.port());
            send(port, derive(20, 1500));
            assertTrue(pipe.await(x -> x.name().equals("collectd.h.test.derive") && x.value() == 50.0, 5000),
                    "data after the recovery arrives, and the rate spans it: " + pipe.samples);
        } finally {
            l.deactivate();
        }
    }
}
