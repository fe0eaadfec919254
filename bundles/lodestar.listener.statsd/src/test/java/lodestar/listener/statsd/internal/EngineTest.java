package lodestar.listener.statsd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import lodestar.api.Sample;
import lodestar.support.cardinality.CardinalityGuard;
import lodestar.testkit.Configs;

/** The receivers, shards and flush schedule together, over loopback. */
class EngineTest {

    /** Settings from these configuration values, the annotation's defaults for the others (as SCR gives them). */
    static Settings configured(Object... kv) {
        return Settings.from(Configs.of(StatsdListener.Config.class, kv));
    }

    /** Any free port, {@code shards} shards, 1 s flushes, a 1 MB receive buffer, then {@code more}. */
    static Settings settings(int shards, Object... more) {
        List<Object> kv = new ArrayList<>(List.of("port", 0, "shards", shards, "flushInterval", "1s", "receiveBuffer", "1MB"));
        kv.addAll(List.of(more));
        return configured(kv.toArray());
    }

    /** A guard with the settings' limits, for aggregators and shards built without an engine. */
    static CardinalityGuard guard(Settings s) {
        return new CardinalityGuard("test", s.cardinality(), m -> { });
    }

    static void udp(int port, String... packets) throws Exception {
        try (DatagramSocket d = new DatagramSocket()) {
            for (String p : packets) {
                byte[] b = p.getBytes(StandardCharsets.UTF_8);
                d.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
            }
        }
    }

    static Map<String, Double> byKey(List<Sample> l) {
        Map<String, Double> m = new HashMap<>();
        l.forEach(s -> m.put(s.seriesKey(), s.value()));
        return m;
    }

    /** Flushes until the counter reaches the expected total (UDP delivery is asynchronous). */
    static Map<String, Double> flushUntil(Engine e, String key, double expected) throws Exception {
        Map<String, Double> sum = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            Thread.sleep(20);
            for (Map.Entry<String, Double> x : byKey(e.flushNow()).entrySet()) {
                if (x.getKey().startsWith("stats_counts.") || x.getKey().contains(".count")) {
                    sum.merge(x.getKey(), x.getValue(), Double::sum);
                } else {
                    sum.put(x.getKey(), x.getValue());
                }
            }
            if (sum.getOrDefault(key, 0.0) >= expected) {
                return sum;
            }
        }
        throw new AssertionError(key + " never reached " + expected + ": " + sum);
    }

    @Test
    void udpWithSeveralShardsKeepsEveryKeyInOneShard() throws Exception {
        try (Engine e = new Engine("t", settings(3), l -> { }, false)) {
            e.bind();
            int port = e.port();
            String[] packets = new String[200];
            for (int i = 0; i < packets.length; i++) {
                StringBuilder b = new StringBuilder();
                for (int k = 0; k < 20; k++) {
                    b.append("c").append(k).append(":1|c\n").append("t").append(k % 3).append(":").append(i).append("|ms\n");
                }
                packets[i] = b + "sp ace" + (i % 2) + ":1|c"; // "sp ace0" and "sp_ace0" ... are one key
                packets[i] = packets[i] + "\nsp_ace" + (i % 2) + ":1|c";
            }
            udp(port, packets);
            Map<String, Double> m = flushUntil(e, "stats_counts.statsd.metrics_received", 200 * 42);
            for (int k = 0; k < 20; k++) {
                assertEquals(200.0, m.get("stats_counts.c" + k));
            }
            assertEquals(200.0, m.get("stats_counts.sp_ace0"));
            assertEquals(200.0, m.get("stats_counts.sp_ace1"));
            assertEquals(200.0, m.get("stats_counts.statsd.packets_received"));
        }
    }

    @Test
    void tcpManyConnectionsNewlineFramed() throws Exception {
        Settings s = settings(2, "tcp", true);
        try (Engine e = new Engine("t", s, l -> { }, false)) {
            e.bind();
            Socket[] socks = new Socket[5];
            for (int i = 0; i < socks.length; i++) {
                socks[i] = new Socket(InetAddress.getLoopbackAddress(), e.port());
            }
            for (int round = 0; round < 10; round++) {
                for (Socket sk : socks) {
                    OutputStream o = sk.getOutputStream();
                    o.write("tc:1|c\ntc:2|c\ntg:".getBytes());
                    o.flush();
                    o.write("5|g\n".getBytes());
                    o.flush();
                }
            }
            socks[0].getOutputStream().write("partial:1|c".getBytes()); // never completed: dropped
            for (Socket sk : socks) {
                sk.close();
            }
            Map<String, Double> m = flushUntil(e, "stats_counts.tc", 150);
            assertEquals(150.0, m.get("stats_counts.tc"));
            assertEquals(5.0, m.get("stats.gauges.tg"));
            assertTrue(!m.containsKey("stats_counts.partial"));
        }
    }

    @Test
    void rebindKeepsTheWindowAndModifiedFlushIntervalApplies() throws Exception {
        List<List<Sample>> flushes = new CopyOnWriteArrayList<>();
        Settings s = settings(2, "flushInterval", "60s");
        try (Engine e = new Engine("t", s, flushes::add, true)) {
            e.bind();
            int first = e.port();
            udp(first, "kept:5|c", "g:7|g", "t:3|ms");
            long deadline = System.currentTimeMillis() + 3000;
            while (System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
                // wait until the receiver has counted the packets
                if (e.kernelDrops() >= 0 && receivedSoFar(e) >= 3) {
                    break;
                }
            }
            // a new receive buffer: new sockets (port 0: a different free port)
            Settings moved = settings(2, "bind", "127.0.0.1", "receiveBuffer", "2MB", "flushInterval", "200ms");
            e.update(moved);
            assertTrue(e.port() > 0);
            udp(e.port(), "kept:1|c");
            deadline = System.currentTimeMillis() + 5000;
            double total = 0;
            while (System.currentTimeMillis() < deadline && total < 6) {
                Thread.sleep(50);
                total = 0;
                for (List<Sample> f : flushes) {
                    total += byKey(f).getOrDefault("stats_counts.kept", 0.0);
                }
            }
            assertEquals(6.0, total, "aggregates survive the rebind; flushes: " + flushes.size());
            assertTrue(flushes.size() >= 1);
            // the first flush after the change divides by the new interval
            Map<String, Double> f0 = byKey(flushes.get(0));
            assertEquals(f0.get("stats_counts.kept") / 0.2, f0.get("stats.kept"), 1e-9);
        }
    }

    private static long receivedSoFar(Engine e) throws Exception {
        java.lang.reflect.Field f = Engine.class.getDeclaredField("packets");
        f.setAccessible(true);
        return ((java.util.concurrent.atomic.LongAdder) f.get(e)).sum();
    }
}
