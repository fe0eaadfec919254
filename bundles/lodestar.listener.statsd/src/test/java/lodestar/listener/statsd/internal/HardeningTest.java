package lodestar.listener.statsd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import lodestar.testkit.Heap;

/**
 * StatsD over TCP against many idle or careless clients (issue 11, finding 1): idle connections cost no line
 * buffer, begun lines are held within the listener's connectionMemory, clients that leave are closed, idle ones
 * time out, and a good client is served throughout.
 */
class HardeningTest {

    private final List<Socket> clients = new ArrayList<>();

    @AfterEach
    void closeClients() throws IOException {
        for (Socket s : clients) {
            s.close();
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    private static long counter(Engine e, String name) {
        Long v = e.status().counters().get(name);
        if (v == null) {
            throw new AssertionError("no counter " + name + " in " + e.status().counters());
        }
        return v;
    }

    private Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(5000);
        clients.add(s);
        return s;
    }

    private static void write(Socket s, String text) throws IOException {
        OutputStream o = s.getOutputStream();
        o.write(text.getBytes(StandardCharsets.US_ASCII));
        o.flush();
    }

    /**
     * Finding 1: with a 256 MB heap ~3,660 idle connections ran out of memory, each holding a line buffer it had
     * not used. Now a connection holds a buffer only while it has a begun line.
     */
    @Test
    void idleConnectionsHoldNoLineBuffer() throws Exception {
        try (Engine e = new Engine("statsd", EngineTest.settings(1, "tcp", true, "maxConnections", 3000, "maxLineLength", 65536),
                l -> { }, false)) {
            e.bind();
            long before = Heap.usedAfterGc();
            for (int i = 0; i < 2000; i++) {
                connect(e.port());
            }
            await(() -> counter(e, "open_connections") == 2000, "2000 connections open");
            long held = Heap.usedAfterGc() - before;
            assertTrue(held < 32L * 1024 * 1024, "2000 idle connections hold " + held / 1024 + " KiB");
            Socket good = connect(e.port());
            write(good, "good:1|c\ngood:2|c\n");
            Map<String, Double> m = EngineTest.flushUntil(e, "stats_counts.good", 3);
            assertEquals(3.0, m.get("stats_counts.good"));
        }
    }

    /**
     * Begun lines (no '\n' yet) of many connections stay within connectionMemory: past it the connection holding
     * the most is closed, counted in buffer_evictions; a good client's lines arrive.
     */
    @Test
    void begunLinesStayWithinConnectionMemory() throws Exception {
        try (Engine e = new Engine("statsd", EngineTest.settings(1, "tcp", true, "maxLineLength", 65536, "connectionMemory", "1MB"),
                l -> { }, false)) {
            e.bind();
            Socket good = connect(e.port());
            write(good, "good:1|c\n");
            String begun = "x".repeat(60_000);
            for (int i = 0; i < 100; i++) {
                try {
                    write(connect(e.port()), begun);
                } catch (IOException closedByTheListener) {
                    // closed to stay within connectionMemory
                }
                assertTrue(counter(e, "buffered_bytes") <= 1024 * 1024, "buffered_bytes " + counter(e, "buffered_bytes"));
            }
            await(() -> counter(e, "buffer_evictions") >= 80, "the connections over the budget closed: "
                    + e.status().counters());
            write(good, "good:2|c\n");
            Map<String, Double> m = EngineTest.flushUntil(e, "stats_counts.good", 3);
            assertEquals(3.0, m.get("stats_counts.good"), "the good client was never the one closed");
            assertTrue(counter(e, "buffered_bytes") <= 1024 * 1024);
        }
    }

    /** Finding 1: sockets of clients that left stayed in CLOSE-WAIT. Every one is closed as its client goes. */
    @Test
    void connectionsOfClientsThatLeftAreClosed() throws Exception {
        try (Engine e = new Engine("statsd", EngineTest.settings(1, "tcp", true, "maxConnections", 1000), l -> { }, false)) {
            e.bind();
            for (int i = 0; i < 500; i++) {
                connect(e.port());
            }
            await(() -> counter(e, "open_connections") == 500, "500 open");
            closeClients();
            clients.clear();
            await(() -> counter(e, "open_connections") == 0, "every server side closed");
            assertEquals(500, counter(e, "connections"));
        }
    }

    /** A connection that sends nothing for idleTimeout is closed and counted; one that sends stays. */
    @Test
    void aConnectionIdleForIdleTimeoutIsClosed() throws Exception {
        try (Engine e = new Engine("statsd", EngineTest.settings(1, "tcp", true, "idleTimeout", "1s"), l -> { }, false)) {
            e.bind();
            Socket idle = connect(e.port());
            Socket busy = connect(e.port());
            for (int i = 0; i < 8; i++) {
                write(busy, "busy:1|c\n");
                Thread.sleep(200);
            }
            assertEquals(-1, idle.getInputStream().read(), "closed by the listener");
            write(busy, "busy:1|c\n");
            Map<String, Double> m = EngineTest.flushUntil(e, "stats_counts.busy", 9);
            assertEquals(9.0, m.get("stats_counts.busy"));
            assertEquals(1, counter(e, "idle_timeouts"));
        }
    }

    @Test
    void badGuardValuesNameTheProperty() {
        for (Object[] bad : new Object[][] {{"idleTimeout", "0s"}, {"idleTimeout", "soon"}, {"connectionMemory", "lots"},
                {"connectionMemory", "4KB"}, {"maxConnections", 0}, {"queueMemory", "512KB"}, {"queueMemory", "lots"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EngineTest.configured(bad));
            assertTrue(e.getMessage().startsWith(bad[0] + ": "), e.getMessage());
        }
    }

    /** Lines received but not parsed yet stay within queueMemory, however many shards there are. */
    @Test
    void theShardQueuesHoldAtMostQueueMemory() {
        for (Object[] c : new Object[][] {{1, "32MB", 128}, {2, "32MB", 127}, {32, "32MB", 7}, {4, "1MB", 2}, {64, "1MB", 2}}) {
            Settings s = EngineTest.configured("shards", c[0], "queueMemory", c[1]);
            try (Engine e = new Engine("statsd", s, l -> { }, false)) {
                for (Shard sh : e.shards()) {
                    assertEquals((int) c[2], sh.queue.remainingCapacity(), c[0] + " shards, queueMemory " + c[1]);
                }
                assertTrue((long) s.shards() * s.queueBatches() * Batch.BYTES <= Math.max(s.queueMemory(), 2L * s.shards() * Batch.BYTES));
            }
        }
    }

    /** The guards change live: a shorter idleTimeout applies to the connection already open, on the same socket. */
    @Test
    void aNewIdleTimeoutAppliesToOpenConnections() throws Exception {
        try (Engine e = new Engine("statsd", EngineTest.settings(1, "tcp", true), l -> { }, false)) {
            e.bind();
            int port = e.port();
            Socket idle = connect(port);
            await(() -> counter(e, "open_connections") == 1, "open");
            e.update(EngineTest.settings(1, "tcp", true, "idleTimeout", "300ms"));
            assertEquals(-1, idle.getInputStream().read(), "closed under the new timeout");
            assertEquals(1, counter(e, "idle_timeouts"));
            assertEquals(port, e.port(), "the same socket");
            assertEquals(0, counter(e, "restarts"));
        }
    }
}
