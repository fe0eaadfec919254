package lodestar.listener.graphite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
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
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import lodestar.api.ComponentStatus;
import lodestar.api.Pipeline;
import lodestar.api.Sample;
import lodestar.api.State;
import lodestar.api.Tags;
import lodestar.testkit.CapturingPipeline;
import lodestar.testkit.Configs;

/** The component over real sockets: plaintext over TCP and UDP, pickle from python3 over TCP. */
class GraphiteListenerTest {

    private final CapturingPipeline pipeline = new CapturingPipeline();
    private GraphiteListener listener;
    private int picklePort;

    private GraphiteListener start(Object... extra) throws Exception {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            picklePort = free.getLocalPort();
        }
        List<Object> kv = new ArrayList<>(List.of("port", 0, "picklePort", picklePort));
        kv.addAll(List.of(extra));
        listener = new GraphiteListener(Configs.of(GraphiteListener.Config.class, kv.toArray()), pipeline,
                Map.of("service.pid", "lodestar.listener.graphite~test"));
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

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met in 5 s");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void plaintextOverTcpKeepsGoodLinesAndCountsBadOnes() throws Exception {
        start();
        long before = System.currentTimeMillis();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("a.b 1 1700000000\nbad line here x\nc.d;env=prod 2.5 1700000001\r\n\nno.time 3\n"
                    + "minus.one 4 -1\nlast 5 1700000002").getBytes(StandardCharsets.UTF_8));
        }
        List<Sample> got = pipeline.take(5);
        assertEquals(List.of("a.b", "c.d", "no.time", "minus.one", "last"), got.stream().map(Sample::name).toList());
        assertEquals(Tags.of("env", "prod"), got.get(1).tags());
        assertTrue(got.get(2).timestamp() >= before && got.get(3).timestamp() >= before, "stamped now");
        await(() -> counter("bad_lines") == 1);
        assertEquals(5, counter("samples"));
        assertEquals("graphite-test", listener.status().name());
    }

    @Test
    void plaintextOverUdpOnTheSamePort() throws Exception {
        start();
        try (DatagramSocket u = new DatagramSocket()) {
            byte[] d = "u.one 1 1700000000\nu.bad\nu.two 2 1700000000\n".getBytes(StandardCharsets.UTF_8);
            u.send(new DatagramPacket(d, d.length, InetAddress.getLoopbackAddress(), listener.port()));
        }
        assertEquals(List.of("u.one", "u.two"), pipeline.take(2).stream().map(Sample::name).toList());
        await(() -> counter("bad_lines") == 1 && counter("udp_packets") == 1);
    }

    @Test
    void overlongLineIsSkippedAndTheNextKept() throws Exception {
        start("maxLineLength", 64);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
            s.getOutputStream().write(("x".repeat(200) + " 1 1\nok 1 1700000000\n").getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("ok", pipeline.take(1).get(0).name());
        await(() -> counter("bad_lines") == 1);
    }

    /** Carbon's client: pickle.dumps(datapoints, protocol=2), prefixed with struct.pack('!L', len). */
    @Test
    void pickleFromPythonCarbonClient() throws Exception {
        start();
        Python.run("import pickle, socket, struct, sys\n"
                + "s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))\n"
                + "for batch in range(3):\n"
                + "    data = [('py.m%d;batch=%d' % (i, batch), (1700000000 + i, i * 0.5)) for i in range(100)]\n"
                + "    payload = pickle.dumps(data, protocol=2)\n"
                + "    s.sendall(struct.pack('!L', len(payload)) + payload)\n"
                + "s.close()\n", String.valueOf(picklePort));
        List<Sample> got = pipeline.take(300);
        assertEquals("py.m7", got.get(7).name());
        assertEquals(3.5, got.get(7).value());
        assertEquals(Tags.of("batch", "0"), got.get(7).tags());
        assertEquals(1_700_000_007_000L, got.get(7).timestamp());
        assertEquals(Tags.of("batch", "2"), got.get(299).tags());
        await(() -> counter("pickle_messages") == 3);
    }

    @Test
    void maliciousPickleIsRejectedAndTheConnectionGoesOn() throws Exception {
        start();
        byte[] evil = Python.run("import pickle, os, sys\n"
                + "class Evil:\n"
                + "    def __reduce__(self):\n"
                + "        return (os.system, ('touch /tmp/lodestar-pwned',))\n"
                + "out = pickle.dumps([('a', (1, Evil()))], protocol=2)");
        byte[] good = Python.pickle("[('after.evil', (1700000000, 1))]", "2");
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), picklePort)) {
            OutputStream out = s.getOutputStream();
            out.write(frame(evil));
            out.write(frame(good));
            out.flush();
            assertEquals("after.evil", pipeline.take(1).get(0).name());
        }
        await(() -> counter("pickle_rejected") == 1);
        assertEquals(2, counter("pickle_messages"));
    }

    @Test
    void oversizeMessageClosesTheConnection() throws Exception {
        start("maxMessageSize", "1KB");
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), picklePort)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(ByteBuffer.allocate(4).putInt(1025).array());
            out.flush();
            InputStream in = s.getInputStream();
            assertEquals(-1, in.read(), "closed by the listener");
        }
        await(() -> counter("oversize_messages") == 1);
        // another connection is served as usual
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), picklePort)) {
            s.getOutputStream().write(frame(Python.pickle("[('fine', (1700000000, 1))]", "2")));
        }
        assertEquals("fine", pipeline.take(1).get(0).name());
    }

    @Test
    void malformedPickleIsCounted() throws Exception {
        start();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), picklePort)) {
            OutputStream out = s.getOutputStream();
            out.write(frame(new byte[] {']', 'Z', '.'}));
            out.write(frame(Python.pickle("[('next', (1700000000, 1))]", "2")));
        }
        assertEquals("next", pipeline.take(1).get(0).name());
        await(() -> counter("pickle_malformed") == 1);
    }

    @Test
    void pickleOffWithZero() throws Exception {
        listener = new GraphiteListener(Configs.of(GraphiteListener.Config.class, "port", 0, "picklePort", 0, "udp", false),
                pipeline, Map.of());
        assertEquals("graphite", listener.status().name());
        assertTrue(listener.port() > 0);
    }

    @Test
    void badConfigurationNamesTheProperty() {
        for (Object[] bad : new Object[][] {{"port", 70000}, {"picklePort", -1}, {"maxMessageSize", "huge"},
                {"maxLineLength", 1}, {"maxConnections", 0}, {"idleTimeout", "0s"}, {"idleTimeout", "later"},
                {"connectionMemory", "512KB"}, {"connectionMemory", "much"}, {"receiveBuffer", "3GB"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new GraphiteListener(Configs.of(GraphiteListener.Config.class, bad), pipeline, Map.of()));
            assertTrue(e.getMessage().startsWith(bad[0] + ": "), e.getMessage());
        }
    }

    private static byte[] frame(byte[] payload) {
        return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }

    @Test
    void aReappliedConfigurationKeepsTheSocketsAndAChangedPortRebindsLive() throws Exception {
        int fixed;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            fixed = free.getLocalPort();
        }
        GraphiteListener l = start("port", fixed, "udp", false);
        try (java.net.Socket c = new java.net.Socket(InetAddress.getLoopbackAddress(), fixed)) {
            c.getOutputStream().write("before.reapply 1 -1\n".getBytes(StandardCharsets.US_ASCII));
            c.getOutputStream().flush();
            assertEquals("before.reapply", pipeline.take(1).get(0).name());
            // the same settings again (FileInstall re-reading its file): the open connection keeps working
            l.modified(Configs.of(GraphiteListener.Config.class, "port", fixed, "picklePort", picklePort, "udp", false));
            c.getOutputStream().write("after.reapply 2 -1\n".getBytes(StandardCharsets.US_ASCII));
            c.getOutputStream().flush();
            assertEquals("after.reapply", pipeline.take(1).get(0).name());
        }
        int moved;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            moved = free.getLocalPort();
        }
        l.modified(Configs.of(GraphiteListener.Config.class, "port", moved, "picklePort", picklePort, "udp", false));
        assertEquals(moved, l.port());
        try (java.net.Socket c = new java.net.Socket(InetAddress.getLoopbackAddress(), moved)) {
            c.getOutputStream().write("on.new.port 3 -1\n".getBytes(StandardCharsets.US_ASCII));
            c.getOutputStream().flush();
            assertEquals("on.new.port", pipeline.take(1).get(0).name());
        }
        org.junit.jupiter.api.Assertions.assertThrows(java.net.ConnectException.class,
                () -> new java.net.Socket(InetAddress.getLoopbackAddress(), fixed).close(), "the old port is closed");
    }

    private static Socket connect(int port) throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(5000);
        return s;
    }

    private static void write(Socket s, String text) throws Exception {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }

    @Test
    void statusShowsTheListenerCountersThenItsOwn() throws Exception {
        start();
        try (Socket s = connect(listener.port())) {
            write(s, "a 1 1700000000\nnot a line\n");
            assertEquals("a", pipeline.take(1).get(0).name());
        }
        try (Socket s = connect(picklePort)) {
            s.getOutputStream().write(frame(new byte[] {']', 'Z', '.'}));
        }
        await(() -> counter("bad_input") == 2 && counter("open_connections") == 0);
        ComponentStatus st = listener.status();
        assertEquals(List.of("packets", "samples", "bad_input", "kernel_drops", "connections", "open_connections",
                "refused_connections", "replaced_connections", "idle_timeouts", "buffer_evictions", "buffered_bytes", "accept_errors",
                "restarts", "port", "lines", "bad_lines", "udp_packets", "pickle_port", "pickle_messages", "pickle_rejected",
                "pickle_malformed", "pickle_bad_entries", "oversize_messages"), List.copyOf(st.counters().keySet()));
        assertEquals(java.util.Set.of("open_connections", "buffered_bytes", "port", "pickle_port"), st.gauges());
        assertEquals(2, counter("connections"));
        assertEquals(1, counter("bad_lines"));
        assertEquals(1, counter("pickle_malformed"));
        assertEquals(1, counter("samples"));
        assertTrue(counter("packets") >= 2, "at least one read per connection");
        assertEquals(listener.port(), counter("port"));
        assertEquals(picklePort, counter("pickle_port"));
        assertEquals(State.OK, st.state());
        listener.deactivate();
        assertEquals(State.STOPPED, listener.status().state());
        listener = null;
    }

    /** The TCP receiver's sockets closed under it: FAILED with the reason, then both ports reopened, OK again. */
    @Test
    void aBrokenTcpReceiverFailsThenComesBackOnItsPorts() throws Exception {
        start();
        int port = listener.port();
        try (Socket s = connect(port)) {
            write(s, "before 1 -1\n");
            assertEquals("before", pipeline.take(1).get(0).name());
            try (AutoCloseable hold = listener.receivers().tcp().breakSocket()) {
                assertEquals(-1, s.getInputStream().read(), "its connections are closed");
                await(() -> listener.status().state() == State.FAILED);
                ComponentStatus st = listener.status();
                assertEquals("receiver-failed", st.detail());
                assertEquals("graphite-test TCP receiver: socket closed under the receiver", st.lastError());
                assertEquals(0, st.counters().get("open_connections"));
            }
        }
        await(() -> listener.status().state() == State.OK);
        assertEquals(1, counter("restarts"));
        assertEquals(port, listener.port());
        try (Socket s = connect(port)) {
            write(s, "after 2 -1\n");
            assertEquals("after", pipeline.take(1).get(0).name());
        }
        try (Socket s = connect(picklePort)) {
            s.getOutputStream().write(frame(Python.pickle("[('pickled.after', (1700000000, 1))]", "2")));
        }
        assertEquals("pickled.after", pipeline.take(1).get(0).name());
    }

    @Test
    void aBrokenUdpReceiverFailsThenComesBackOnItsPort() throws Exception {
        start();
        int port = listener.port();
        try (AutoCloseable hold = listener.receivers().udp().breakSocket()) {
            await(() -> listener.status().state() == State.FAILED);
            assertEquals("graphite-test UDP receiver: socket closed under the receiver", listener.status().lastError());
            try (Socket s = connect(port)) {
                write(s, "tcp.meanwhile 1 -1\n");
                assertEquals("tcp.meanwhile", pipeline.take(1).get(0).name(), "TCP is served while UDP is down");
            }
        }
        await(() -> listener.status().state() == State.OK);
        assertEquals(1, counter("restarts"));
        try (DatagramSocket u = new DatagramSocket()) {
            byte[] d = "udp.after 1 1700000000\n".getBytes(StandardCharsets.UTF_8);
            u.send(new DatagramPacket(d, d.length, InetAddress.getLoopbackAddress(), port));
        }
        assertEquals("udp.after", pipeline.take(1).get(0).name());
    }

    @Test
    void atTheConnectionLimitMoreAreRefusedAndCountedWhileTheOpenOnesAreServed() throws Exception {
        start("maxConnections", 2);
        try (Socket a = connect(listener.port()); Socket b = connect(picklePort)) {
            write(a, "a.one 1 -1\n");
            assertEquals("a.one", pipeline.take(1).get(0).name());
            b.getOutputStream().write(frame(Python.pickle("[('b.one', (1700000000, 1))]", "2")));
            assertEquals("b.one", pipeline.take(1).get(0).name());
            try (Socket c = connect(listener.port())) {
                assertEquals(-1, c.getInputStream().read(), "over the limit: closed at once");
            }
            assertEquals(1, counter("refused_connections"));
            assertEquals(2, counter("open_connections"));
            write(a, "a.two 2 -1\n");
            assertEquals("a.two", pipeline.take(1).get(0).name());
        }
        await(() -> counter("open_connections") == 0);
        try (Socket d = connect(listener.port())) {
            write(d, "d.one 1 -1\n");
            assertEquals("d.one", pipeline.take(1).get(0).name(), "room again");
        }
        assertEquals(3, counter("connections"));
    }

    /** Only limits change: the sockets and the open connection stay, the new limits apply to new connections. */
    @Test
    void aChangeOfLimitsKeepsTheSocketsAndTheOpenConnections() throws Exception {
        start("udp", false);
        int port = listener.port();
        try (Socket a = connect(port)) {
            write(a, "before.change 1 -1\n");
            assertEquals("before.change", pipeline.take(1).get(0).name());
            listener.modified(Configs.of(GraphiteListener.Config.class, "port", 0, "picklePort", picklePort, "udp", false,
                    "maxConnections", 1, "maxLineLength", 32)); // the same configured port: 0, any
            assertEquals(port, listener.port());
            write(a, "after.change 2 -1\n");
            assertEquals("after.change", pipeline.take(1).get(0).name(), "the same connection goes on");
            try (Socket b = connect(port)) {
                assertEquals(-1, b.getInputStream().read(), "maxConnections 1 applies at once");
            }
            assertEquals(1, counter("refused_connections"));
        }
        await(() -> counter("open_connections") == 0);
        try (Socket c = connect(port)) {
            write(c, "a.name.longer.than.thirty.two.bytes 1 -1\nshort 1 -1\n");
            assertEquals("short", pipeline.take(1).get(0).name());
        }
        await(() -> counter("bad_lines") == 1);
        assertEquals(0, counter("restarts"));
    }

    @Test
    void aPortInUseOnAChangeKeepsListeningWhereItWas() throws Exception {
        start("maxConnections", 5);
        int port = listener.port();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> listener.modified(Configs.of(
                    GraphiteListener.Config.class, "port", taken.getLocalPort(), "picklePort", picklePort, "maxConnections", 1)));
            assertTrue(e.getMessage().startsWith("port: cannot listen on 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
        assertEquals(port, listener.port());
        assertEquals(State.OK, listener.status().state());
        try (Socket a = connect(port); Socket b = connect(port)) {
            write(a, "still.here 1 -1\n");
            write(b, "and.here 1 -1\n");
            assertEquals(List.of("and.here", "still.here"), pipeline.take(2).stream().map(Sample::name).sorted().toList(),
                    "nothing else changed either: maxConnections is still 5");
        }
        try (DatagramSocket u = new DatagramSocket()) {
            byte[] d = "udp.too 1 1700000000\n".getBytes(StandardCharsets.UTF_8);
            u.send(new DatagramPacket(d, d.length, InetAddress.getLoopbackAddress(), port));
        }
        assertEquals("udp.too", pipeline.take(1).get(0).name());
    }
}
