package lodestar.support.net;

import static lodestar.support.net.NetTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The TCP accept/read loop over real connections on 127.0.0.1. */
class TcpServerTest {

    private final NetTesting t = new NetTesting();
    private final ListenerHealth health = new ListenerHealth(t.log);
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final TcpConnections connections = new TcpConnections(new TcpConnections.Limits(2, 60_000, 1 << 20), t.log);
    private SupervisedReceiver<TcpServer> receiver;

    /**
     * Newline-framed lines, each kept per connection until complete; "boom" makes the handler throw, "oom" run
     * out of memory.
     */
    private final class Lines implements TcpServer.Connection {
        private final StringBuilder partial = new StringBuilder();

        Lines(SocketAddress peer, InputBuffer unused) {
        }

        @Override
        public boolean read(ByteBuffer in) {
            String s = StandardCharsets.UTF_8.decode(in).toString();
            for (char c : s.toCharArray()) {
                if (c == '\n') {
                    if (partial.toString().equals("boom")) {
                        throw new IllegalStateException("a bug this line found");
                    }
                    if (partial.toString().equals("oom")) {
                        throw new OutOfMemoryError("Java heap space");
                    }
                    if (partial.toString().equals("bye")) {
                        return false;
                    }
                    lines.add(partial.toString());
                    partial.setLength(0);
                } else {
                    partial.append(c);
                }
            }
            return true;
        }

        @Override
        public void ended() {
            if (partial.length() > 0) {
                lines.add("ended with " + partial);
            }
        }
    }

    /** Lines kept in the connection's {@link InputBuffer} until their '\n', up to 1 MB each. */
    private final class BufferedLines implements TcpServer.Connection {
        private final InputBuffer buffer;

        BufferedLines(SocketAddress peer, InputBuffer buffer) {
            this.buffer = buffer;
            buffer.limit(1 << 20);
        }

        @Override
        public boolean read(ByteBuffer in) {
            byte[] a = in.array();
            int start = in.position();
            for (int i = in.position(); i < in.limit(); i++) {
                if (a[i] == '\n') {
                    if (!buffer.append(a, start, i - start)) {
                        return false;
                    }
                    lines.add(new String(buffer.array(), 0, buffer.length(), StandardCharsets.UTF_8));
                    buffer.clear();
                    start = i + 1;
                }
            }
            return buffer.append(a, start, in.limit() - start);
        }
    }

    private TcpServer startBuffered() throws IOException {
        receiver = new SupervisedReceiver<>("test TCP server", previous -> TcpServer.open("test TCP server",
                List.of(new TcpServer.Port("127.0.0.1", 0, BufferedLines::new)), connections, health, null),
                TcpServer::serve, health).start();
        return receiver.socket();
    }

    private TcpServer start() throws IOException {
        receiver = new SupervisedReceiver<>("test TCP server", previous -> TcpServer.open("test TCP server",
                List.of(new TcpServer.Port("127.0.0.1", previous == null ? 0 : previous.port(0), Lines::new)), connections, health, null),
                TcpServer::serve, health).start();
        return receiver.socket();
    }

    private void limits(int maxConnections, long idleTimeoutMillis, long memory) {
        connections.limits(new TcpConnections.Limits(maxConnections, idleTimeoutMillis, memory));
    }

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(5000);
        return s;
    }

    private static void write(Socket s, String text) throws IOException {
        OutputStream o = s.getOutputStream();
        o.write(text.getBytes(StandardCharsets.UTF_8));
        o.flush();
    }

    private String next() throws InterruptedException {
        return lines.poll(5, TimeUnit.SECONDS);
    }

    @Test
    void eachConnectionKeepsItsOwnPartialLine() throws Exception {
        int port = start().port(0);
        try (Socket a = connect(port); Socket b = connect(port)) {
            write(a, "hel");
            write(b, "wor");
            Thread.sleep(50);
            write(a, "lo\n");
            assertEquals("hello", next());
            write(b, "ld\n");
            assertEquals("world", next());
            write(b, "left over");
        }
        assertEquals("ended with left over", next());
        await(() -> connections.open() == 0, "both closed");
        assertEquals(2, connections.accepted());
    }

    @Test
    void atTheLimitMoreConnectionsAreRefusedAndCountedWhileTheOpenOnesAreServed() throws Exception {
        int port = start().port(0);
        try (Socket a = connect(port); Socket b = connect(port)) {
            write(a, "a1\n");
            write(b, "b1\n");
            assertEquals(List.of("a1", "b1"), List.of(next(), next()).stream().sorted().toList());
            try (Socket c = connect(port)) {
                assertEquals(-1, c.getInputStream().read(), "the third is closed by the server");
            }
            assertEquals(1, connections.refused());
            assertEquals(2, connections.open());
            assertTrue(t.loggedContaining("refused a connection from /127.0.0.1:"), t.logged.toString());
            assertTrue(t.loggedContaining(": 2 open, maxConnections is 2"), t.logged.toString());
            write(a, "a2\n");
            assertEquals("a2", next());
            write(b, "b2\n");
            assertEquals("b2", next());
            write(a, "bye\n"); // the handler closes this one: room for another
            await(() -> connections.open() == 1, "one closed");
            try (Socket d = connect(port)) {
                write(d, "d1\n");
                assertEquals("d1", next());
            }
        }
        assertEquals(3, connections.accepted());
        assertEquals(1, connections.refused());
    }

    @Test
    void aFailedAcceptIsCountedAndTheServerGoesOn() throws Exception {
        TcpServer server = start();
        int port = server.port(0);
        try (Socket a = connect(port)) {
            write(a, "first\n");
            assertEquals("first", next());
            server.failNextAccept(new IOException("Too many open files"));
            try (Socket b = connect(port)) {
                await(() -> connections.acceptErrors() == 1, "the failed accept is counted");
                write(a, "during the pause\n");
                assertEquals("during the pause", next(), "open connections are served while accepts pause");
                write(b, "accepted after the pause\n");
                assertEquals("accepted after the pause", next(), "the client waited in the backlog and got in");
            }
        }
        assertTrue(t.loggedContaining("test TCP server: accepting a connection failed: java.io.IOException: Too many open files; accepts"
                + " paused for 100 ms"), t.logged.toString());
        assertNull(health.failure(), "the server never stopped");
        assertEquals(0, health.restarts());
    }

    @Test
    void aHandlerThatThrowsClosesOnlyItsConnection() throws Exception {
        int port = start().port(0);
        try (Socket a = connect(port); Socket b = connect(port)) {
            write(a, "boom\n");
            assertEquals(-1, a.getInputStream().read(), "closed");
            write(b, "still here\n");
            assertEquals("still here", next());
            assertEquals(1, health.failedInputs());
            assertTrue(health.lastError().startsWith("failed to handle data from /127.0.0.1:"), health.lastError());
            assertTrue(health.lastError().contains("java.lang.IllegalStateException: a bug this line found at "), health.lastError());
            assertEquals(1, connections.open());
        }
    }

    @Test
    void aBrokenServerIsReportedClosesItsClientsAndComesBackOnTheSamePort() throws Exception {
        int port = start().port(0);
        try (Socket a = connect(port)) {
            write(a, "before\n");
            assertEquals("before", next());
            InputStream in = a.getInputStream();
            try (AutoCloseable hold = receiver.breakSocket()) {
                assertEquals(-1, in.read(), "its clients are closed");
                await(() -> health.failure() != null, "reported");
                assertEquals("test TCP server: socket closed under the receiver", health.failure());
                assertEquals(0, connections.open());
            }
            await(() -> health.failure() == null, "reopened");
        }
        assertEquals(1, health.restarts());
        assertEquals(port, receiver.socket().port(0));
        try (Socket b = connect(port)) {
            write(b, "after\n");
            assertEquals("after", next());
        }
    }

    @Test
    void closingFreesThePortAndClosesTheClients() throws Exception {
        int port = start().port(0);
        try (Socket a = connect(port)) {
            write(a, "x\n");
            assertEquals("x", next());
            receiver.close();
            assertEquals(-1, a.getInputStream().read());
        }
        assertEquals(0, connections.open());
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, again.getLocalPort());
        }
        assertNull(health.failure());
    }

    @Test
    void atTheLimitTheConnectionIdleTheLongestMakesRoomForANewOne() throws Exception {
        int port = start().port(0);
        try (Socket a = connect(port); Socket b = connect(port)) {
            write(b, "b1\n");
            assertEquals("b1", next());
            write(a, "a1\n");
            assertEquals("a1", next());
            Thread.sleep(TcpServer.REPLACEABLE_AFTER_MILLIS + 100);
            write(a, "a2\n"); // a is busy, b has been idle for over a second
            assertEquals("a2", next());
            try (Socket c = connect(port)) {
                assertEquals(-1, b.getInputStream().read(), "the idle one made room");
                write(c, "c1\n");
                assertEquals("c1", next());
                write(a, "a3\n");
                assertEquals("a3", next(), "the busy one stays");
            }
        }
        assertEquals(1, connections.replaced());
        assertEquals(0, connections.refused());
        assertTrue(t.loggedContaining(", to make room for /127.0.0.1:"), t.logged.toString());
        assertTrue(t.loggedContaining("maxConnections (2) are open; raise it if these are all clients of yours"), t.logged.toString());
    }

    @Test
    void aConnectionSilentForTheIdleTimeoutIsClosedAndABusyOneStays() throws Exception {
        limits(2, 300, 1 << 20);
        int port = start().port(0);
        try (Socket idle = connect(port); Socket busy = connect(port)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 8; i++) {
                write(busy, "busy" + i + "\n");
                assertEquals("busy" + i, next());
                Thread.sleep(100);
            }
            assertEquals(-1, idle.getInputStream().read(), "closed for being idle");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 300 && ms < 2000, "closed after " + ms + " ms");
            write(busy, "still\n");
            assertEquals("still", next());
        }
        assertEquals(1, connections.idleTimeouts());
        assertTrue(t.loggedContaining("nothing received for"), t.logged.toString());
        assertTrue(t.loggedContaining("(idleTimeout 300 ms)"), t.logged.toString());
    }

    @Test
    void unfinishedInputStaysWithinTheBudgetTheConnectionHoldingTheMostIsClosed() throws Exception {
        limits(10, 60_000, 65_536);
        int port = startBuffered().port(0);
        try (Socket a = connect(port); Socket b = connect(port); Socket c = connect(port); Socket d = connect(port)) {
            write(a, "a".repeat(40_000));
            await(() -> connections.buffered() >= 40_000, "a's begun line held");
            write(c, "c".repeat(100));
            write(b, "b".repeat(30_000));
            assertEquals(-1, a.getInputStream().read(), "a held the most: closed to make room for b");
            await(() -> connections.evicted() == 1, "counted");
            write(d, "d".repeat(50_000)); // more than anybody else holds: d is the one that goes
            assertEquals(-1, d.getInputStream().read());
            await(() -> connections.evicted() == 2, "counted");
            assertTrue(connections.buffered() <= 65_536, "buffered " + connections.buffered());
            write(b, "\n");
            assertEquals("b".repeat(30_000), next());
            write(c, "\n");
            assertEquals("c".repeat(100), next(), "the small one was never touched");
            await(() -> connections.buffered() == 0, "memory given back as lines complete");
        }
        await(() -> connections.open() == 0, "all closed");
        assertEquals(0, connections.buffered());
        assertTrue(t.loggedContaining("which held 40000 bytes of unfinished input: the connections together reached"
                + " connectionMemory (65536 bytes)"), t.logged.toString());
    }

    @Test
    void aHandlerOutOfMemoryClosesOnlyItsConnection() throws Exception {
        int port = start().port(0);
        try (Socket a = connect(port); Socket b = connect(port)) {
            write(a, "oom\n");
            assertEquals(-1, a.getInputStream().read(), "closed");
            write(b, "still here\n");
            assertEquals("still here", next());
        }
        assertEquals(1, health.failedInputs());
        assertTrue(health.lastError().contains("java.lang.OutOfMemoryError: Java heap space"), health.lastError());
        assertNull(health.failure());
    }

    @Test
    void acceptsThatKeepFailingPauseLongerEachTime() throws Exception {
        TcpServer server = start();
        int port = server.port(0);
        server.failNextAccept(new IOException("Too many open files"));
        long t0 = System.nanoTime();
        try (Socket b = connect(port)) {
            await(() -> connections.acceptErrors() == 1, "the first failure");
            server.failNextAccept(new IOException("Too many open files"));
            write(b, "finally\n");
            assertEquals("finally", next());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(2, connections.acceptErrors());
            assertTrue(ms >= 290, "accepted after pauses of 100 and 200 ms, not " + ms + " ms");
        }
        assertNull(health.failure(), "the server never stopped");
    }

    @Test
    void whileAcceptsFailTheListenerIsDegradedAndOkOnceOneSucceeds() throws Exception {
        TcpServer server = start();
        int port = server.port(0);
        assertEquals(lodestar.api.State.OK, new ListenerStatus("l", health).tcp(connections).build().state());
        server.failNextAccept(new IOException("Too many open files"));
        try (Socket b = connect(port)) {
            await(() -> connections.acceptErrors() == 1, "the failure");
            lodestar.api.ComponentStatus failing = new ListenerStatus("l", health).tcp(connections).build();
            assertEquals(lodestar.api.State.DEGRADED, failing.state());
            assertEquals("accept-failing", failing.detail());
            write(b, "in\n");
            assertEquals("in", next(), "accepted after the pause");
        }
        assertEquals(lodestar.api.State.OK, new ListenerStatus("l", health).tcp(connections).build().state());
    }
}
