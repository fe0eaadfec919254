package lodestar.listener.zeromq.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import lodestar.api.Sample;
import lodestar.testkit.CapturingPipeline;
import lodestar.testkit.Configs;

/** The component over real JeroMQ sockets on loopback: a Zibrato publisher, the broker, a Zibrato worker. */
class ZeromqListenerTest {

    private final CapturingPipeline pipeline = new CapturingPipeline();
    private final List<ZeromqListener> listeners = new ArrayList<>();
    private final ZContext peers = new ZContext(1);

    private ZeromqListener start(Object... kv) {
        List<Object> all = new ArrayList<>(List.of("port", 0, "flushInterval", "1h"));
        all.addAll(List.of(kv));
        ZeromqListener l = new ZeromqListener(Configs.of(ZeromqListener.Config.class, all.toArray()), pipeline,
                Map.of("service.pid", "lodestar.listener.zeromq~test" + listeners.size()));
        listeners.add(l);
        return l;
    }

    @AfterEach
    void stop() {
        listeners.forEach(ZeromqListener::deactivate);
        peers.close();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met in 10 s");
            }
            Thread.sleep(10);
        }
    }

    private long counter(ZeromqListener l, String name) {
        return l.status().counters().get(name);
    }

    /**
     * A JeroMQ socket of a Zibrato application (a publisher, a worker) that connects to the broker. JeroMQ 0.6.0
     * leaves a few per cent of new outgoing connections deaf until their handshake timer drops them (30 s by
     * default: zmq.poll.Poller.run(), see ZeromqListener and this bundle's README); the broker cannot help a peer's
     * poller, so these clients do what the README tells JeroMQ applications to do: a short ZMQ_HANDSHAKE_IVL.
     */
    private ZMQ.Socket client(SocketType type) {
        ZMQ.Socket s = peers.createSocket(type);
        s.setHandshakeIvl(2000);
        return s;
    }

    private ZMQ.Socket publisher(ZeromqListener l) {
        ZMQ.Socket pub = client(SocketType.PUB);
        pub.connect("tcp://127.0.0.1:" + l.lowerPort());
        return pub;
    }

    /**
     * ZeroMQ's slow joiner: a PUB drops what it sends before the connection is up and the subscription has come
     * back; send a marker until it arrives. Nothing here makes a new connection: a connection that stalls must be
     * recovered by the sockets' handshake timer (the product's, for a Lodestar worker), or this fails after 30 s.
     */
    private void joined(ZMQ.Socket pub, BooleanSupplier arrived, String marker) throws InterruptedException {
        long end = System.nanoTime() + 30_000_000_000L;
        while (!arrived.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("never arrived in 30 s");
            }
            pub.send(marker);
            Thread.sleep(20);
        }
    }

    @Test
    void brokerForwardsEveryMessageUnchangedAndFeedsThePipeline() throws Exception {
        ZeromqListener broker = start();
        ZMQ.Socket worker = client(SocketType.SUB);
        worker.subscribe("info".getBytes(StandardCharsets.UTF_8)); // as Zibrato's worker: a prefix subscription
        worker.setReceiveTimeOut(100);
        worker.connect("tcp://127.0.0.1:" + broker.upperPort());
        ZMQ.Socket pub = publisher(broker);
        List<byte[]> got = new ArrayList<>();
        joined(pub, () -> {
            byte[] m = worker.recv(0);
            return m != null;
        }, "info|Gauge|warmup|1|1764930000|t");
        while (worker.recv(0) != null) {
            // the surplus warm-up markers
        }
        long before = counter(broker, "packets");
        String[] sent = {"info|Counter|orders|1|1764930000|shop", "warning|Counter|orders|1|1764930000|shop",
            "info|Counter|orders|5|1764930001|shop", "debug|Timer|checkout|0.250000|1764930001|shop",
            "info|Gauge|queue.depth|123|1764930002|not_specified", "info|Timer|checkout|0.5", "info|bogus", "info|Timer|checkout|1.5"};
        for (String s : sent) {
            pub.send(s);
        }
        await(() -> counter(broker, "packets") >= before + sent.length);
        worker.setReceiveTimeOut(2000);
        for (String s : sent) {
            if (s.startsWith("info")) {
                assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), worker.recv(0), "forwarded unchanged: " + s);
            }
        }
        worker.setReceiveTimeOut(200);
        assertNull(worker.recv(0), "the worker subscribed to info only");
        assertEquals(1, counter(broker, "bad_input"));
        assertTrue(pipeline.await(s -> s.seriesKey().equals("queue.depth;level=info;source=not_specified") && s.value() == 123, 5000),
                "gauges go on as they come");
        broker.flush();
        assertEquals(6.0, value("orders;level=info;source=shop"));
        assertEquals(1.0, value("orders;level=warning;source=shop"));
        assertEquals(1.0, value("checkout.count;level=debug;source=shop"));
        assertEquals(0.25, value("checkout.upper;level=debug;source=shop"));
        assertEquals(2.0, value("checkout.count;level=info;source=not_specified"));
        assertEquals(1.0, value("checkout.mean;level=info;source=not_specified"));
    }

    private double value(String key) {
        return pipeline.matching(s -> s.seriesKey().equals(key)).stream().mapToDouble(Sample::value).sum();
    }

    @Test
    void subscriberModeIsAWorkerOfAnotherBrokersLevels() throws Exception {
        ZeromqListener broker = start("port", 0);
        ZMQ.Socket pub = publisher(broker);
        joined(pub, () -> counter(broker, "packets") > 0, "critical|Gauge|warmup|1");
        ZeromqListener worker = start("connect", new String[] {"tcp://127.0.0.1:" + broker.upperPort()}, "levels",
                new String[] {"info,critical"});
        joined(pub, () -> counter(worker, "packets") > 0, "critical|Gauge|warmup|1");
        pub.send("info|Counter|jobs|2|1764930000|w1");
        pub.send("debug|Counter|jobs|7|1764930000|w1");
        pub.send("information|Counter|jobs|9|1764930000|w1");
        pub.send("critical|Counter|jobs|3|1764930000|w1");
        await(() -> counter(broker, "packets") >= 5);
        Thread.sleep(300); // the worker's receive of what the broker forwarded
        pipeline.samples.clear();
        worker.flush();
        assertEquals(2.0, value("jobs;level=info;source=w1"));
        assertEquals(3.0, value("jobs;level=critical;source=w1"));
        assertEquals(0.0, value("jobs;level=debug;source=w1"), "not subscribed");
        assertEquals(0.0, value("jobs;level=information;source=w1"), "a longer level is not info");
    }

    /**
     * A worker's connection whose ZeroMQ handshake never completes is dropped by the worker and made again, counted
     * in handshake_failures. JeroMQ 0.6.0's poller race leaves such a connection deaf on the worker's side; here the
     * broker's side is silent instead (a relay that holds the first connection and never answers), which takes the
     * same way out: the handshake timer. With JeroMQ's default (30 s) the worker would receive nothing in the 20 s.
     */
    @Test
    void aWorkerWhoseConnectionNeverHandshakesConnectsAgain() throws Exception {
        ZeromqListener broker = start();
        ZMQ.Socket pub = publisher(broker);
        joined(pub, () -> counter(broker, "packets") > 0, "info|Gauge|warmup|1");
        try (SilentFirstRelay relay = new SilentFirstRelay(broker.upperPort())) {
            ZeromqListener worker = start("connect", new String[] {"tcp://127.0.0.1:" + relay.port()}, "handshakeTimeout", "1s");
            long end = System.nanoTime() + 20_000_000_000L;
            while (counter(worker, "packets") == 0) {
                if (System.nanoTime() > end) {
                    throw new AssertionError("the worker received nothing in 20 s: " + worker.status().counters());
                }
                pub.send("info|Gauge|after|1");
                Thread.sleep(20);
            }
            assertTrue(relay.firstClosed.await(10, TimeUnit.SECONDS), "the worker itself gave up the silent connection");
            await(() -> counter(worker, "handshake_failures") >= 1);
        }
    }

    /**
     * A TCP relay on a port of its own: the first connection is held open and never answered (a peer whose ZeroMQ
     * handshake never comes), later ones are relayed to {@code target}.
     */
    private static final class SilentFirstRelay implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> open = new CopyOnWriteArrayList<>();
        final CountDownLatch firstClosed = new CountDownLatch(1);

        SilentFirstRelay(int target) throws IOException {
            daemon(() -> {
                try {
                    Socket first = server.accept();
                    open.add(first);
                    daemon(() -> {
                        try (InputStream in = first.getInputStream()) {
                            while (in.read() >= 0) {
                                // the greeting, never answered
                            }
                        } catch (IOException e) {
                            // closed: the same
                        }
                        firstClosed.countDown();
                    });
                    while (true) {
                        Socket a = server.accept();
                        Socket b = new Socket(InetAddress.getLoopbackAddress(), target);
                        open.add(a);
                        open.add(b);
                        daemon(() -> copy(a, b));
                        daemon(() -> copy(b, a));
                    }
                } catch (IOException e) {
                    // closed
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private static void copy(Socket from, Socket to) {
            try {
                from.getInputStream().transferTo(to.getOutputStream());
            } catch (IOException e) {
                // either side closed
            }
            try {
                from.close();
                to.close();
            } catch (IOException e) {
                // closing anyway
            }
        }

        private static void daemon(Runnable r) {
            Thread t = new Thread(r, "silent-first-relay");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }

    @Test
    void badConfigurationIsRefusedByProperty() {
        Object[][] bad = {{"flushInterval", "0s"}, {"connect", new String[] {"udp://x:1"}}, {"levels", new String[] {"in fo"}}, {"maxMessageSize", "2MB"},
            {"percentThreshold", new String[] {"0"}}, {"receiveHwm", 0}, {"port", 65535}, {"handshakeTimeout", "50ms"}};
        for (Object[] b : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> start(b));
            assertTrue(e.getMessage().startsWith(b[0] + ":"), e.getMessage());
        }
    }

    @Test
    void aBusyPortIsRefusedAtActivation() {
        ZeromqListener first = start();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> start("port", first.lowerPort()));
        assertTrue(e.getMessage().startsWith("port:"), e.getMessage());
    }

    @Test
    void oversizedMessagesNeverReachThePipeline() throws Exception {
        ZeromqListener broker = start("maxMessageSize", "64B");
        ZMQ.Socket pub = publisher(broker);
        joined(pub, () -> counter(broker, "packets") > 0, "info|Counter|warmup|1");
        pub.send("info|Counter|" + "x".repeat(200) + "|1");
        // the peer sending it is disconnected by ZeroMQ; a new publisher still gets through
        ZMQ.Socket pub2 = publisher(broker);
        long before = counter(broker, "packets");
        joined(pub2, () -> counter(broker, "packets") > before, "info|Counter|after|1");
        assertTrue(pipeline.samples.stream().noneMatch(s -> s.name().startsWith("xxxx")));
        broker.flush();
        assertTrue(value("after;level=info;source=not_specified") >= 1);
    }

    @Test
    void hostileMessagesAreCountedNeverThrownAndLeaveGoodOnesAlone() throws Exception {
        ZeromqListener broker = start();
        java.util.Random r = new java.util.Random(13);
        int bad = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] m = new byte[r.nextInt(80)];
            r.nextBytes(m);
            if (i % 3 == 0) { // mostly well-formed shapes with junk inside
                m = ("info|" + (char) ('A' + r.nextInt(26)) + "ounter|n" + i + "|" + r.nextInt() + "x|1|s").getBytes(StandardCharsets.UTF_8);
            }
            broker.handle(m); // must not throw
            bad++;
        }
        broker.handle("info|Counter|good|2|1764930000|s".getBytes(StandardCharsets.UTF_8));
        assertEquals(bad, counter(broker, "bad_input"), "every junk message counted as bad input");
        broker.flush();
        assertEquals(2.0, value("good;level=info;source=s"));
        assertTrue(pipeline.samples.stream().allMatch(x -> x.name().equals("good")), "nothing of the junk reached the pipeline");
    }
}
