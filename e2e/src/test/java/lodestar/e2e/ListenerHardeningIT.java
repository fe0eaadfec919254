package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import lodestar.listener.metricsd.MetricsdEncoder;
import lodestar.testkit.Fuzz;
import lodestar.testkit.LodestarProcess;
import lodestar.testkit.PickleFrames;

/**
 * Issue 11's hostile loads against the listeners of the exported platform under the service unit's heap
 * ({@code -Xmx256m}), all at once, while good clients send: 5,000 idle TCP connections (StatsD TCP and Graphite
 * plaintext), 250 connections each holding an unfinished 1 MB pickle message, and fuzzed datagrams to the StatsD,
 * Graphite, collectd and MetricsD UDP ports throughout. The good clients' data must all reach the store
 * ({@code lodestar:query} over the remote shell), the process must stay up without running out of heap, every
 * listener must stay {@code ok}, what the platform holds with the hostile connections open must stay well within
 * its 256 MB heap ({@code jcmd}: live heap after a full collection), and the status must show each guard tripping.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListenerHardeningIT {

    private static final int IDLE_CONNECTIONS = 5000;
    private static final int UNFINISHED_PICKLES = 250;
    private static final int POINTS = 600;

    private final Path home = LodestarProcess.tempDir();
    private final List<Socket> hostile = new ArrayList<>();
    private final AtomicBoolean fuzzing = new AtomicBoolean(true);
    private final AtomicLong fuzzed = new AtomicLong();
    private LodestarProcess lodestar;
    private int statsd;
    private int graphite;
    private int pickle;
    private int collectd;
    private int metricsd;
    private Thread fuzzer;

    @BeforeAll
    void start() throws Exception {
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), home, List.of("-Xmx256m"));
        statsd = LodestarProcess.freePort();
        graphite = LodestarProcess.freePort();
        pickle = LodestarProcess.freePort();
        collectd = LodestarProcess.freePort();
        metricsd = LodestarProcess.freePort();
        lodestar.config("lodestar.listener.statsd-e2e.cfg", Map.of("port", "" + statsd, "tcp", "true", "flushInterval", "1s"));
        lodestar.config("lodestar.listener.graphite-e2e.cfg", Map.of("port", "" + graphite, "picklePort", "" + pickle));
        lodestar.config("lodestar.listener.collectd-e2e.cfg", Map.of("port", "" + collectd));
        lodestar.config("lodestar.listener.metricsd-e2e.cfg", Map.of("port", "" + metricsd, "flushInterval", "1s", "hostNaming", "tag"));
        lodestar.start();
        assertTrue(lodestar.awaitReady(60_000), lodestar.output());
        long end = System.currentTimeMillis() + 60_000;
        String status = "";
        while (System.currentTimeMillis() < end) {
            status = lodestar.shell("lodestar:status");
            if (status.contains("statsd-e2e") && status.contains("graphite-e2e") && status.contains("collectd-e2e")
                    && status.contains("metricsd-e2e")) {
                break;
            }
            Thread.sleep(500);
        }
        assertTrue(status.contains("metricsd-e2e") && status.contains("graphite-e2e"), status + lodestar.output());
    }

    @AfterAll
    void stop() throws Exception {
        fuzzing.set(false);
        if (fuzzer != null) {
            fuzzer.join(5000);
        }
        for (Socket s : hostile) {
            s.close();
        }
        if (lodestar != null) {
            lodestar.close();
        }
    }

    @Test
    void goodClientsAreServedInFullWhileHostileOnesAreHeldOff() throws Exception {
        long t0 = System.nanoTime();

        // 250 connections each announcing a 1 MB pickle message and sending all of it but the last byte
        byte[] header = ByteBuffer.allocate(4).putInt(1 << 20).array();
        byte[] body = new byte[(1 << 20) - 1];
        for (int i = 0; i < UNFINISHED_PICKLES; i++) {
            Socket s = connect(pickle);
            hostile.add(s);
            try {
                s.getOutputStream().write(header);
                s.getOutputStream().write(body);
            } catch (IOException closedByTheListener) {
                // closed to keep the listener within its connectionMemory: the guard at work
            }
        }
        // the unfinished messages are held within graphite's connectionMemory (32MB), not 250 MB
        long heldWithPickles = liveHeapBytes(lodestar.pid());
        assertTrue(heldWithPickles < 128L << 20, "with 250 unfinished 1 MB messages the platform holds " + (heldWithPickles >> 20)
                + " MB of its 256 MB heap");
        Map<String, Long> withPickles = listenerCounters().get("graphite-e2e");
        assertTrue(withPickles.get("buffered_bytes") > 0 && withPickles.get("buffered_bytes") <= 32L << 20, "graphite " + withPickles);
        assertTrue(withPickles.get("buffer_evictions") > 0, "graphite " + withPickles);

        // fuzzed datagrams from now on, to the end
        fuzzer = new Thread(this::fuzz, "fuzzer");
        fuzzer.start();

        // 5,000 idle connections, half to each TCP listener, held open for the whole test
        for (int i = 0; i < IDLE_CONNECTIONS; i++) {
            hostile.add(connect(i % 2 == 0 ? statsd : graphite));
        }
        long hostileDone = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);

        // the good clients, while the idle connections stay open and the fuzzer goes on
        long now = System.currentTimeMillis() / 1000;
        StringBuilder plain = new StringBuilder();
        PickleFrames frames = new PickleFrames();
        StringBuilder counters = new StringBuilder();
        for (int i = 1; i <= POINTS; i++) {
            plain.append("e2e.good.plain ").append(i).append(' ').append(now - POINTS + i).append('\n');
            frames.add("e2e.good.pickle", (int) (now - POINTS + i), i);
            counters.append("e2e.good.tcp:1|c\n");
        }
        sendOverTcp(graphite, plain.toString().getBytes(StandardCharsets.US_ASCII));
        sendOverTcp(pickle, frames.frame());
        sendOverTcp(statsd, counters.toString().getBytes(StandardCharsets.US_ASCII));
        try (DatagramSocket u = new DatagramSocket()) {
            MetricsdEncoder metrics = new MetricsdEncoder("");
            for (int i = 1; i <= POINTS; i++) {
                send(u, graphite, ("e2e.good.udp " + i + " " + (now - POINTS + i) + "\n").getBytes(StandardCharsets.US_ASCII));
                send(u, statsd, "e2e.good.udp:1|c".getBytes(StandardCharsets.US_ASCII));
                send(u, collectd, collectdGauge("e2e.host", "e2egood", now - POINTS + i, i));
                metrics.counter("e2e.good.metricsd", 1);
                if (i % 100 == 0) {
                    Thread.sleep(20); // a good client, not a flood
                }
            }
            for (byte[] p : metrics.packets()) {
                send(u, metricsd, p);
            }
        }

        // what the platform holds while the hostile connections are open and the fuzzer sends; the fuzzer's names
        // that parse add series to StatsD and the store, which their own limits bound
        long liveHeap = liveHeapBytes(lodestar.pid());
        assertTrue(liveHeap < 192L << 20, "with the hostile connections open the platform holds " + (liveHeap >> 20)
                + " MB of its 256 MB heap");

        // everything the good clients sent is in the store
        assertEquals(POINTS, awaitPoints("e2e.good.plain", POINTS).size());
        assertEquals(sumTo(POINTS), sum(awaitPoints("e2e.good.plain", POINTS)));
        assertEquals(sumTo(POINTS), sum(awaitPoints("e2e.good.pickle", POINTS)));
        assertEquals(sumTo(POINTS), sum(awaitPoints("e2e.good.udp", POINTS)));
        assertEquals(sumTo(POINTS), sum(awaitPoints("collectd.e2e_host.e2egood.gauge", POINTS)));
        assertEquals(POINTS, awaitSum("stats_counts.e2e.good.tcp", POINTS));
        assertEquals(POINTS, awaitSum("stats_counts.e2e.good.udp", POINTS));
        assertEquals(POINTS, awaitLast("e2e.good.metricsd", POINTS));
        fuzzing.set(false);
        fuzzer.join(5000);

        // the process is up, never ran out of heap, every listener is ok, and the guards show in the status
        assertTrue(lodestar.isAlive(), "the platform died:\n" + lodestar.output());
        assertFalse(lodestar.output().contains("OutOfMemoryError"), lodestar.output());
        Map<String, Map<String, Long>> listeners = listenerCounters();
        for (String l : List.of("statsd-e2e", "graphite-e2e", "collectd-e2e", "metricsd-e2e")) {
            Map<String, Long> c = listeners.get(l);
            assertTrue(c != null && c.get("bad_input") > 0, l + " counted the fuzzed input as bad: " + c);
            assertEquals(0L, c.get("restarts"), l + " never failed: " + c);
        }
        Map<String, Long> st = listeners.get("statsd-e2e");
        Map<String, Long> gr = listeners.get("graphite-e2e");
        assertTrue(st.get("refused_connections") + st.get("replaced_connections") >= IDLE_CONNECTIONS / 2 - 256, "statsd " + st);
        assertTrue(st.get("open_connections") <= 256, "statsd " + st);
        assertTrue(gr.get("refused_connections") + gr.get("replaced_connections") > 0, "graphite " + gr);
        assertTrue(gr.get("buffer_evictions") > 0, "graphite " + gr);
        assertTrue(gr.get("buffered_bytes") <= 32L << 20, "graphite " + gr);
        String status = lodestar.shell("lodestar:status");
        for (String line : status.split("\n")) {
            if (line.startsWith("listener")) {
                assertTrue(line.split("\\s+")[2].equals("ok"), line);
            }
        }
        System.out.printf("hostile load sent in %d s; %d fuzzed datagrams; live heap %d MB with the unfinished messages, %d MB with"
                + " every hostile connection open; statsd %s; graphite %s%n", hostileDone, fuzzed.get(), heldWithPickles >> 20,
                liveHeap >> 20, st, gr);
    }

    /** The heap a JVM holds after a full collection, from {@code jcmd <pid> GC.run} and {@code GC.heap_info}. */
    private static long liveHeapBytes(long pid) throws Exception {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("total \\d+K, used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new AssertionError("no heap size in jcmd's answer:\n" + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    private static String jcmd(long pid, String command) throws Exception {
        Process p = new ProcessBuilder(LodestarProcess.javaHome().resolve("bin").resolve("jcmd").toString(), "" + pid, command)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("jcmd " + pid + " " + command + " failed:\n" + out);
        }
        return out;
    }

    /** Connects until the listener keeps the connection (a refused one is closed at once), then sends. */
    private static void sendOverTcp(int port, byte[] data) throws Exception {
        long end = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < end) {
            try (Socket s = connect(port)) {
                s.setSoTimeout(300);
                try {
                    if (s.getInputStream().read() < 0) {
                        Thread.sleep(200); // refused at the limit: try again
                        continue;
                    }
                } catch (SocketTimeoutException kept) {
                    OutputStream o = s.getOutputStream();
                    o.write(data);
                    o.flush();
                    s.shutdownOutput();
                    s.setSoTimeout(10_000);
                    s.getInputStream().read(); // until the listener has read everything and closed its side
                    return;
                }
            }
        }
        throw new AssertionError("port " + port + " never kept a connection for 30 s");
    }

    /** A connection to a port of the platform; a listener that no longer accepts fails the test in 5 s. */
    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        return s;
    }

    private static void send(DatagramSocket u, int port, byte[] d) throws IOException {
        u.send(new DatagramPacket(d, d.length, InetAddress.getLoopbackAddress(), port));
    }

    /** Fuzzed datagrams to every UDP port, made from inputs with names the good clients do not use. */
    private void fuzz() {
        Fuzz f = new Fuzz(11);
        long now = System.currentTimeMillis() / 1000;
        Map<Integer, List<byte[]>> seeds = new HashMap<>();
        List<byte[]> st = new ArrayList<>();
        List<byte[]> gr = new ArrayList<>();
        List<byte[]> cd = new ArrayList<>();
        List<byte[]> md = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            st.add(("fuzz.counter" + i + ":" + i + "|c\nfuzz.timer:" + i + "|ms|@0.5\nfuzz.gauge:+" + i + "|g|#a:b").getBytes(StandardCharsets.US_ASCII));
            gr.add(("fuzz.plain" + i + " " + i + " " + now + "\nfuzz.tagged;a=b " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            cd.add(collectdGauge("fuzz.host", "fuzz" + i, now, i));
            md.add(new MetricsdEncoder("fuzz.host").counter("fuzz.c" + i, i).timer("fuzz.t", i).packets().get(0));
        }
        seeds.put(statsd, st);
        seeds.put(graphite, gr);
        seeds.put(collectd, cd);
        seeds.put(metricsd, md);
        int[] ports = {statsd, graphite, collectd, metricsd};
        try (DatagramSocket u = new DatagramSocket()) {
            long sent = 0;
            long start = System.nanoTime();
            while (fuzzing.get()) {
                int port = ports[(int) (sent % ports.length)];
                List<byte[]> s = seeds.get(port);
                send(u, port, f.mutate(s.get((int) (sent / ports.length % s.size()))));
                sent++;
                fuzzed.set(sent);
                long ahead = sent * 100_000L - (System.nanoTime() - start); // 10,000 datagrams a second
                if (ahead > 1_000_000) {
                    Thread.sleep(ahead / 1_000_000);
                }
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("fuzzer stopped", e);
        }
    }

    /** A collectd packet: host, plugin, type {@code gauge}, a high-resolution time and one GAUGE value. */
    private static byte[] collectdGauge(String host, String plugin, long seconds, double value) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        collectdString(b, 0x0000, host);
        collectdString(b, 0x0002, plugin);
        collectdString(b, 0x0004, "gauge");
        b.writeBytes(ByteBuffer.allocate(12).putShort((short) 0x0008).putShort((short) 12).putLong(seconds << 30).array());
        b.writeBytes(ByteBuffer.allocate(6).putShort((short) 0x0006).putShort((short) 15).putShort((short) 1).array());
        b.write(1); // GAUGE
        b.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(value).array());
        return b.toByteArray();
    }

    private static void collectdString(ByteArrayOutputStream b, int type, String s) {
        byte[] v = s.getBytes(StandardCharsets.UTF_8);
        b.writeBytes(ByteBuffer.allocate(4).putShort((short) type).putShort((short) (5 + v.length)).array());
        b.writeBytes(v);
        b.write(0);
    }

    /** The values of one series over the last {@code minutes}, from {@code lodestar:query}. */
    private List<Double> points(String series, int minutes) throws IOException {
        return lodestar.query(series, minutes);
    }

    private List<Double> awaitPoints(String series, int count) throws Exception {
        long end = System.currentTimeMillis() + 20_000;
        List<Double> p = points(series, 20);
        while (p.size() < count && System.currentTimeMillis() < end) {
            Thread.sleep(500);
            p = points(series, 20);
        }
        return p;
    }

    /** Waits until the points of a StatsD count series add up to {@code expected}; returns their sum. */
    private long awaitSum(String series, long expected) throws Exception {
        long end = System.currentTimeMillis() + 20_000;
        long sum = (long) sum(points(series, 10));
        while (sum < expected && System.currentTimeMillis() < end) {
            Thread.sleep(500);
            sum = (long) sum(points(series, 10));
        }
        return sum;
    }

    /** Waits until the last point of a series is {@code expected}; returns it. */
    private long awaitLast(String series, long expected) throws Exception {
        long end = System.currentTimeMillis() + 20_000;
        long last = -1;
        while (System.currentTimeMillis() < end) {
            List<Double> p = points(series, 10);
            last = p.isEmpty() ? -1 : p.get(p.size() - 1).longValue();
            if (last == expected) {
                break;
            }
            Thread.sleep(500);
        }
        return last;
    }

    /** Every listener's counters from {@code lodestar:status}. */
    private Map<String, Map<String, Long>> listenerCounters() throws IOException {
        Map<String, Map<String, Long>> all = new HashMap<>();
        for (String line : lodestar.shell("lodestar:status").split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 4 && cols[0].equals("listener")) {
                Map<String, Long> c = new HashMap<>();
                for (String kv : cols[3].split(",")) {
                    int eq = kv.indexOf('=');
                    c.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
                }
                all.put(cols[1], c);
            }
        }
        return all;
    }

    private static double sum(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).sum();
    }

    private static double sumTo(int n) {
        return n * (n + 1) / 2.0;
    }
}
