package lodestar.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** The library against real peers on loopback: a ZeroMQ SUB bound as Zibrato's broker binds, a UDP socket as StatsD. */
class InstrumentsTest {

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Receives on its own thread from the start, as a broker does: a ZeroMQ socket handles a new peer (and sends it
     * the subscription) only while its owner calls into it. {@link #stop} returns what arrived once idle.
     */
    private static final class Broker extends Thread {
        final List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final ZMQ.Socket sub;
        private volatile boolean stop;

        Broker(ZContext ctx, int port) {
            sub = ctx.createSocket(SocketType.SUB);
            sub.subscribe(ZMQ.SUBSCRIPTION_ALL);
            sub.setReceiveTimeOut(50);
            sub.bind("tcp://127.0.0.1:" + port);
            start();
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (!stop || System.nanoTime() - idleSince < 500_000_000L) {
                byte[] m = sub.recv(0);
                if (m != null) {
                    got.add(new String(m, StandardCharsets.UTF_8));
                    idleSince = System.nanoTime();
                }
            }
            sub.close();
        }

        List<String> stopWhenIdle() throws InterruptedException {
            stop = true;
            join();
            return got;
        }
    }

    @Test
    void zeromqSendsZibratosWireAndCloseFlushes() throws Exception {
        int port = freePort();
        try (ZContext ctx = new ZContext(1)) {
            Broker broker = new Broker(ctx, port);
            Instruments metrics = Instruments.connect("tcp://127.0.0.1:" + port, new Instruments.Options().flushInterval(Duration.ofMillis(50)));
            Counter orders = metrics.counter("info", "orders");
            assertSame(orders, metrics.counter("info", "orders", null), "the same key gives the same instrument");
            Timer checkout = metrics.timer("debug", "checkout", "shop");
            for (int i = 0; i < 1000; i++) {
                orders.increment();
            }
            orders.increment(5);
            orders.increment(-3); // ignored
            try (Timer.Context t = checkout.time()) {
                Thread.sleep(2);
            }
            String r = checkout.record(() -> "computed");
            assertEquals("computed", r);
            checkout.record(1500, TimeUnit.MILLISECONDS);
            metrics.gauge("critical", "queue.depth").set(123);
            metrics.gauge("critical", "queue.depth").set(124.5);
            metrics.close();
            List<String> got = broker.stopWhenIdle();
            long counted = 0;
            int timers = 0;
            Map<String, String> gauges = new HashMap<>();
            boolean sawOneAndAHalf = false;
            for (String m : got) {
                String[] f = m.split("\\|", -1);
                assertEquals(6, f.length, m);
                assertTrue(f[4].matches("\\d{10}"), "epoch seconds: " + m);
                switch (f[1]) {
                    case "Counter" -> {
                        assertEquals("info|Counter|orders", m.substring(0, 19));
                        assertEquals("not_specified", f[5]);
                        counted += Long.parseLong(f[3]);
                    }
                    case "Timer" -> {
                        assertEquals("debug", f[0]);
                        assertEquals("shop", f[5]);
                        assertTrue(f[3].matches("\\d+\\.\\d{6}"), "seconds with microseconds: " + m);
                        sawOneAndAHalf |= f[3].equals("1.500000");
                        timers++;
                    }
                    case "Gauge" -> gauges.put(f[2], f[3]);
                    default -> throw new AssertionError(m);
                }
            }
            assertEquals(1005, counted, "every increment: " + got);
            assertEquals(3, timers);
            assertTrue(sawOneAndAHalf);
            assertEquals(Map.of("queue.depth", "124.5"), gauges, "the latest reading");
            assertEquals(0, metrics.dropped());
        }
    }

    @Test
    void withoutABrokerNothingBlocksAndTheOverflowIsCounted() throws Exception {
        int port = freePort(); // nobody listens
        Instruments metrics = Instruments.connect("tcp://127.0.0.1:" + port,
                new Instruments.Options().queueCapacity(16).closeTimeout(Duration.ofMillis(300)).flushInterval(Duration.ofMillis(20)));
        Timer t = metrics.timer("info", "t");
        Counter c = metrics.counter("info", "c");
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            t.record(1, TimeUnit.MILLISECONDS);
            c.increment();
        }
        assertEquals(100 - 16, metrics.dropped(), "what the queue could not hold");
        metrics.close();
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "close waits closeTimeout, not forever");
        assertEquals(200, metrics.dropped(), "close gives up the queued durations and the counted increments");
    }

    @Test
    void statsdLinesCarryLevelAndSourceAsDogstatsdTags() throws Exception {
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(2000);
            Instruments metrics = Instruments.statsd("127.0.0.1", server.getLocalPort());
            metrics.counter("info", "orders", "shop").increment(7);
            metrics.timer("debug", "checkout").record(Duration.ofMillis(12).plusNanos(345_000));
            metrics.gauge("warning", "temp").set(-4);
            metrics.close();
            StringBuilder all = new StringBuilder();
            byte[] buf = new byte[2048];
            try {
                while (true) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    server.receive(p);
                    all.append(new String(buf, 0, p.getLength(), StandardCharsets.UTF_8)).append('\n');
                    server.setSoTimeout(300);
                }
            } catch (java.net.SocketTimeoutException done) {
                // all received
            }
            String lines = all.toString();
            assertTrue(lines.contains("orders:7|c|#level:info,source:shop\n"), lines);
            assertTrue(lines.contains("checkout:12.345|ms|#level:debug,source:not_specified\n"), lines);
            assertTrue(lines.contains("temp:0|g|#level:warning,source:not_specified\ntemp:-4|g|#level:warning,source:not_specified\n"), lines);
        }
    }
}
