package lodestar.listener.statsd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import lodestar.api.ComponentStatus;
import lodestar.api.State;
import lodestar.testkit.CapturingPipeline;
import lodestar.testkit.Configs;

/** The sockets under the listener: failures and recovery, the TCP connection limit, changes that keep them. */
class ReceiversTest {

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 5 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    private static Socket connect(int port) throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(5000);
        return s;
    }

    private static void write(Socket s, String text) throws Exception {
        OutputStream o = s.getOutputStream();
        o.write(text.getBytes(StandardCharsets.UTF_8));
        o.flush();
    }

    private static long counter(Engine e, String name) {
        return e.status().counters().get(name);
    }

    /** The UDP socket closed under the receiver: FAILED with the reason, reopened on its port, the window kept. */
    @Test
    void aBrokenUdpReceiverFailsThenComesBackOnItsPortKeepingTheWindow() throws Exception {
        try (Engine e = new Engine("statsd", EngineTest.settings(2), l -> { }, false)) {
            e.bind();
            int port = e.port();
            EngineTest.udp(port, "kept:5|c");
            await(() -> counter(e, "lines") == 1, "the line parsed");
            try (AutoCloseable hold = e.udpReceiver().breakSocket()) {
                await(() -> e.status().state() == State.FAILED, "failed");
                ComponentStatus s = e.status();
                assertEquals("receiver-failed", s.detail());
                assertEquals("statsd UDP receiver: socket closed under the receiver", s.lastError());
                assertEquals(0L, s.counters().get("restarts"));
                assertEquals((long) port, s.counters().get("port"), "the port it reopens");
            }
            await(() -> e.status().state() == State.OK, "ok again");
            assertEquals(1L, counter(e, "restarts"));
            assertEquals(port, e.port());
            EngineTest.udp(port, "kept:2|c");
            Map<String, Double> m = EngineTest.flushUntil(e, "stats_counts.kept", 7);
            assertEquals(7.0, m.get("stats_counts.kept"), "sent before and after the failure, one window");
        }
    }

    @Test
    void aBrokenTcpReceiverFailsThenComesBack() throws Exception {
        try (Engine e = new Engine("statsd", EngineTest.settings(1, "tcp", true), l -> { }, false)) {
            e.bind();
            int port = e.port();
            try (Socket c = connect(port)) {
                write(c, "before:1|c\n");
                await(() -> counter(e, "lines") == 1, "the line parsed");
                try (AutoCloseable hold = e.tcpReceiver().breakSocket()) {
                    assertEquals(-1, c.getInputStream().read(), "its connections are closed");
                    await(() -> e.status().state() == State.FAILED, "failed");
                    assertEquals("statsd TCP receiver: socket closed under the receiver", e.status().lastError());
                    EngineTest.udp(port, "udp.meanwhile:1|c");
                    await(() -> counter(e, "lines") == 2, "UDP is served while TCP is down");
                }
            }
            await(() -> e.status().state() == State.OK, "ok again");
            assertEquals(1L, counter(e, "restarts"));
            try (Socket c = connect(port)) {
                write(c, "after:1|c\n");
            }
            Map<String, Double> m = EngineTest.flushUntil(e, "stats_counts.after", 1);
            assertEquals(1.0, m.get("stats_counts.before"));
        }
    }

    @Test
    void atTheConnectionLimitMoreAreRefusedAndCountedWhileTheOpenOnesAreServed() throws Exception {
        try (Engine e = new Engine("statsd", EngineTest.settings(1, "tcp", true, "maxConnections", 2), l -> { }, false)) {
            e.bind();
            try (Socket a = connect(e.port()); Socket b = connect(e.port())) {
                write(a, "a:1|c\n");
                write(b, "b:1|c\n");
                await(() -> counter(e, "lines") == 2, "both served");
                try (Socket c = connect(e.port())) {
                    assertEquals(-1, c.getInputStream().read(), "over the limit: closed at once");
                }
                assertEquals(1L, counter(e, "refused_connections"));
                assertEquals(2L, counter(e, "open_connections"));
                write(a, "a:1|c\n");
                await(() -> counter(e, "lines") == 3, "the open ones go on");
            }
            await(() -> counter(e, "open_connections") == 0, "closed");
            assertEquals(2L, counter(e, "connections"));
        }
    }

    /** A line begun in one read and ended in another is one line; one longer than maxLineLength is one bad line. */
    @Test
    void tcpLinesAcrossReadsAndOverlongOnes() throws Exception {
        try (Engine e = new Engine("statsd", EngineTest.settings(1, "tcp", true, "maxLineLength", 64), l -> { }, false)) {
            e.bind();
            try (Socket c = connect(e.port())) {
                write(c, "split.na");
                Thread.sleep(30);
                write(c, "me:3|c\n" + "x".repeat(50));
                Thread.sleep(30);
                write(c, "y".repeat(50));
                Thread.sleep(30);
                write(c, "z".repeat(50) + ":1|c\nafter:1|c\n");
            }
            Map<String, Double> m = EngineTest.flushUntil(e, "stats_counts.after", 1);
            assertEquals(3.0, m.get("stats_counts.split.name"));
            assertEquals(1L, counter(e, "bad_input"), "the 150-byte line");
            assertEquals(3L, counter(e, "lines"));
            assertTrue(m.keySet().stream().noneMatch(k -> k.contains("zzz")), m.keySet().toString());
        }
    }

    /** Only non-socket settings change: the sockets and the open connection stay; a changed line length applies. */
    @Test
    void aChangeThatKeepsTheAddressKeepsTheSockets() throws Exception {
        CapturingPipeline pipeline = new CapturingPipeline();
        StatsdListener l = new StatsdListener(Configs.of(StatsdListener.Config.class, "port", 0, "tcp", true, "flushInterval", "1h"),
                pipeline, Map.of());
        try (Socket c = connect(l.status().counters().get("port").intValue())) {
            int port = l.status().counters().get("port").intValue();
            write(c, "one:1|c\n");
            l.modified(Configs.of(StatsdListener.Config.class, "port", 0, "tcp", true, "flushInterval", "1h", "maxLineLength", 20,
                    "maxConnections", 10, "prefixStats", "mine"));
            assertEquals((long) port, l.status().counters().get("port"));
            write(c, "two:1|c\n" + "a.name.longer.than.twenty:1|c\n");
            EngineTest.udp(port, "three:1|c");
            await(() -> l.status().counters().get("lines") == 4, "every line, on the connection opened before the change");
            assertEquals(1L, l.status().counters().get("bad_input"), "the new line length applies");
            assertEquals(0L, l.status().counters().get("restarts"));
        } finally {
            l.deactivate();
        }
    }

    @Test
    void aPortInUseOnAChangeKeepsListeningWhereItWas() throws Exception {
        StatsdListener l = new StatsdListener(Configs.of(StatsdListener.Config.class, "port", 0, "flushInterval", "1h"),
                new CapturingPipeline(), Map.of());
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = l.status().counters().get("port").intValue();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.modified(Configs.of(
                    StatsdListener.Config.class, "port", taken.getLocalPort(), "flushInterval", "1h")));
            assertTrue(e.getMessage().startsWith("port: cannot listen on 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
            assertEquals((long) port, l.status().counters().get("port"));
            assertEquals(State.OK, l.status().state());
            EngineTest.udp(port, "still:1|c");
            await(() -> l.status().counters().get("lines") == 1, "still listening there");
        } finally {
            l.deactivate();
        }
    }
}
