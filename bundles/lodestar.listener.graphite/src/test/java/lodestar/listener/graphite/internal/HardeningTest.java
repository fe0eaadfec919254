package lodestar.listener.graphite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import lodestar.api.Sample;
import lodestar.testkit.CapturingPipeline;
import lodestar.testkit.Configs;
import lodestar.testkit.Heap;
import lodestar.testkit.LogCapture;
import lodestar.testkit.PickleFrames;

/**
 * What a hostile or careless client does to the listener (issue 11): unfinished pickle frames, idle connections
 * at the limit, input made to wreck the log, datagrams the kernel drops. Each test sends the hostile load and
 * checks that a good client is served meanwhile, that memory stays within the configured budget and that the
 * status counts what happened.
 */
class HardeningTest {

    /** A pipeline that can be made to block, as a stalled receiver thread would be. */
    private static final class StallablePipeline extends CapturingPipeline {
        volatile CountDownLatch stall;

        @Override
        public void emitAll(Collection<Sample> batch) {
            CountDownLatch l = stall;
            if (l != null) {
                try {
                    l.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.emitAll(batch);
        }
    }

    private final StallablePipeline pipeline = new StallablePipeline();
    private final List<Socket> hostile = new ArrayList<>();
    private GraphiteListener listener;
    private int picklePort;

    private GraphiteListener start(Object... extra) throws Exception {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            picklePort = free.getLocalPort();
        }
        List<Object> kv = new ArrayList<>(List.of("port", 0, "picklePort", picklePort));
        kv.addAll(List.of(extra));
        listener = new GraphiteListener(Configs.of(GraphiteListener.Config.class, kv.toArray()), pipeline,
                Map.of("service.pid", "lodestar.listener.graphite~hardening"));
        return listener;
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : hostile) {
            s.close();
        }
        if (listener != null) {
            listener.deactivate();
        }
    }

    private long counter(String name) {
        Long v = listener.status().counters().get(name);
        if (v == null) {
            throw new AssertionError("no counter " + name + " in " + listener.status().counters());
        }
        return v;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(5000);
        return s;
    }

    private static void write(Socket s, byte[] bytes) throws IOException {
        OutputStream o = s.getOutputStream();
        o.write(bytes);
        o.flush();
    }

    /** Waits until the listener has read everything sent: its read count stays put for 300 ms. */
    private void awaitQuiet() throws InterruptedException {
        long last = -1;
        long since = System.nanoTime();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            long now = counter("packets");
            if (now != last) {
                last = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(300)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the listener kept reading for 20 s");
    }

    /**
     * Finding 4: 250 connections each sending an unfinished 1 MB pickle message filled a 256 MB heap. Now what
     * the connections hold together stays within connectionMemory (32MB by default) whatever they announce or
     * send: buffers grow with what arrives, and when they would pass the budget the connection holding the most
     * is closed. A good client's messages go through meanwhile.
     */
    @Test
    void unfinishedPickleMessagesHoldNoMoreThanTheListenersBudget() throws Exception {
        start();
        long before = Heap.usedAfterGc();
        byte[] almostAMegabyte = new byte[1024 * 1024 - 1];
        for (int i = 0; i < 250; i++) {
            Socket s = connect(picklePort);
            hostile.add(s);
            try {
                write(s, ByteBuffer.allocate(4).putInt(1024 * 1024).array());
                write(s, almostAMegabyte);
            } catch (IOException closedByTheListener) {
                // the listener closed it to stay within its budget: what this test is about
            }
        }
        awaitQuiet();
        try (Socket good = connect(picklePort)) {
            PickleFrames f = new PickleFrames();
            for (int i = 0; i < 100; i++) {
                f.add("good.client.m" + i, 1_700_000_000 + i, i);
            }
            write(good, f.frame());
            List<Sample> got = pipeline.take(100);
            assertEquals("good.client.m99", got.get(99).name());
            assertEquals(99.0, got.get(99).value());
        }
        long held = Heap.usedAfterGc() - before;
        assertTrue(held < 64L * 1024 * 1024, "250 unfinished messages held " + held / 1024 + " KiB of heap");
        assertTrue(counter("buffer_evictions") > 0, "connections were closed to stay within the budget");
        assertTrue(counter("buffered_bytes") <= 32L * 1024 * 1024, "buffered_bytes " + counter("buffered_bytes"));
    }

    /**
     * Finding 5: idle connections filling maxConnections locked every new client out until they went away. Now a
     * new client takes the place of the connection idle the longest (idle for at least a second), logged and
     * counted.
     */
    @Test
    void idleConnectionsAtTheLimitDoNotLockOutNewClients() throws Exception {
        start("maxConnections", 20);
        try (LogCapture log = new LogCapture()) {
            for (int i = 0; i < 10; i++) {
                hostile.add(connect(listener.port()));
                hostile.add(connect(picklePort));
            }
            await(() -> counter("open_connections") == 20, "20 idle connections open");
            Thread.sleep(1100);
            try (Socket plaintext = connect(listener.port())) {
                write(plaintext, "good.plaintext 1 1700000000\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("good.plaintext", pipeline.take(1).get(0).name());
                try (Socket pickle = connect(picklePort)) {
                    write(pickle, new PickleFrames().add("good.pickle", 1_700_000_000, 2).frame());
                    assertEquals("good.pickle", pipeline.take(1).get(0).name());
                }
            }
            assertEquals(0, counter("refused_connections"));
            assertEquals(2, counter("replaced_connections"));
            assertFalse(log.linesContaining("idle for").isEmpty(), "the replacement is logged:\n" + log.text());
        }
    }

    /** Finding 5, the other half: a connection that sends nothing for idleTimeout is closed and counted. */
    @Test
    void aConnectionIdleForIdleTimeoutIsClosed() throws Exception {
        start("idleTimeout", "1s");
        try (Socket idle = connect(listener.port()); Socket busy = connect(listener.port())) {
            long opened = System.nanoTime();
            for (int i = 0; i < 8; i++) {
                write(busy, ("busy " + i + " 1700000000\n").getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(200);
            }
            assertEquals(-1, idle.getInputStream().read(), "closed by the listener");
            long after = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
            assertTrue(after >= 1000 && after < 4000, "closed after " + after + " ms");
            write(busy, "busy.still 1 1700000000\n".getBytes(StandardCharsets.US_ASCII));
            await(() -> pipeline.samples.stream().anyMatch(s -> s.name().equals("busy.still")), "the busy one is served");
        }
        assertEquals(1, counter("idle_timeouts"));
    }

    /**
     * Finding 8: a 1 MB integer in a pickle made a 1,000,113-character log line; plaintext reached the log raw,
     * escape sequences and carriage returns included. Now every piece of input in a log line is cut to a few
     * hundred characters and its control characters escaped.
     */
    @Test
    void inputReachesTheLogShortAndEscaped() throws Exception {
        start();
        try (LogCapture log = new LogCapture()) {
            try (Socket s = connect(listener.port())) {
                write(s, "evil\u001b[2J\u001b[31mred\rfake.line 1 x\n".getBytes(StandardCharsets.UTF_8));
            }
            byte[] hugeInt = ("I" + "7".repeat(1_000_000) + "\n.").getBytes(StandardCharsets.US_ASCII);
            try (Socket s = connect(picklePort)) {
                write(s, PickleFrames.withLength(hugeInt));
            }
            await(() -> counter("bad_lines") == 1 && counter("pickle_malformed") == 1, "both counted");
            await(() -> !log.linesContaining("malformed graphite pickle").isEmpty(), "the pickle logged");
            String text = log.text();
            assertFalse(text.contains("\u001b"), "an escape character reached the log");
            assertFalse(text.contains("\r"), "a carriage return reached the log");
            List<String> line = log.linesContaining("bad graphite line");
            assertEquals(1, line.size(), text);
            assertTrue(line.get(0).contains("evil\\x1b[2J\\x1b[31mred\\rfake.line 1 x"), line.get(0));
            for (String l : text.split("\n")) {
                assertTrue(l.length() < 1000, () -> "a log line of " + l.length() + " characters: " + l.substring(0, 200));
            }
            assertTrue(log.linesContaining("malformed graphite pickle").get(0).contains("(1000000 characters)"), text);
        }
    }

    /** Finding 11: datagrams the kernel drops for the UDP socket (its buffer full) show in kernel_drops. */
    @Test
    void kernelDropsOfTheUdpSocketAreCounted() throws Exception {
        start("udp", true, "receiveBuffer", "64KB");
        assertEquals(0, counter("kernel_drops"));
        pipeline.stall = new CountDownLatch(1);
        byte[] d = ("udp.flood." + "x".repeat(900) + " 1 1700000000\n").getBytes(StandardCharsets.US_ASCII);
        try (DatagramSocket u = new DatagramSocket()) {
            for (int i = 0; i < 5000; i++) { // the receiver is stuck in its first flush: ~5 MB for a buffer of ~200 KB
                u.send(new DatagramPacket(d, d.length, InetAddress.getLoopbackAddress(), listener.port()));
            }
        }
        pipeline.stall.countDown();
        pipeline.stall = null;
        await(() -> counter("kernel_drops") > 0, "kernel drops counted");
        await(() -> counter("kernel_drops") + counter("udp_packets") == 5000, "every datagram either received or dropped");
    }
}
