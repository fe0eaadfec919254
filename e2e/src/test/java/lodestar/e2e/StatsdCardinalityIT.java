package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import lodestar.testkit.LodestarProcess;

/**
 * Issue 11, finding 2 and the cardinality guard, end to end under the service unit's heap ({@code -Xmx256m}):
 * 10^6 new StatsD names over UDP while a good client sends over TCP. The good client's data all arrives in the
 * store, the process stays alive with its live heap well inside the limit, and {@code lodestar:status} shows the
 * StatsD listener's guard tripping (degraded, {@code cardinality-limit}, {@code series_refused}) with the default
 * limits. On ea8311d every name became a key held until restart: the heap ran out and StatsD went silent.
 * About a minute.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatsdCardinalityIT {

    static final int FLOOD_NAMES = 1_000_000;
    static final int NAMES_PER_DATAGRAM = 40;
    /** the flood is paced over this long, so the kernel's socket buffer is not what limits it */
    static final long FLOOD_MILLIS = 25_000;

    private final Path tmp = LodestarProcess.tempDir();
    private LodestarProcess lodestar;
    private int port;

    @BeforeAll
    void start() throws Exception {
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), Files.createDirectories(tmp.resolve("home")), List.of("-Xmx256m"));
        port = LodestarProcess.freePort();
        // the guard's limits are the defaults: what the service unit runs with
        lodestar.config("lodestar.listener.statsd-flood.cfg", Map.of("port", "" + port, "tcp", "true", "flushInterval", "2s"));
        lodestar.start();
        assertTrue(lodestar.awaitReady(60_000), lodestar.output());
        assertTrue(lodestar.awaitOutput("statsd listener statsd-flood on", 60_000), lodestar.output());
    }

    @AfterAll
    void stop() throws Exception {
        if (lodestar != null) {
            lodestar.close();
        }
    }

    @Test
    void aMillionNewNamesLeaveTheGoodClientAndTheHeapAlone() throws Exception {
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicLong goodSent = new AtomicLong();
        Thread good = new Thread(() -> goodClient(sending, goodSent), "good-client");
        good.start();
        Thread.sleep(3000); // the good client's keys exist before the flood
        long floodStart = System.nanoTime();
        flood();
        long floodMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - floodStart);
        Thread.sleep(3000);
        sending.set(false);
        good.join(10_000);
        assertFalse(good.isAlive());
        assertTrue(goodSent.get() > 0);

        // every value of the good client reached the store
        long expected = goodSent.get();
        // counters and gauges are flushed by different shards, so they may reach the store a flush apart
        double stored = 0;
        String level = "";
        long end = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < end) {
            stored = sum(lodestar.shell("lodestar:query stats_counts.good.requests 10"));
            level = lodestar.shell("lodestar:query stats.gauges.good.level 10");
            if (stored >= expected && lastValue(level) >= expected / 10 - 1) {
                break;
            }
            Thread.sleep(1000);
        }
        assertEquals((double) expected, stored, "the good client's counts, through the store (flood took " + floodMillis + " ms)");
        assertEquals((double) (expected / 10 - 1), lastValue(level), "the good gauge's last value: " + level);

        // alive, no OutOfMemoryError anywhere, and the live heap after a full collection well inside 256 MB
        assertTrue(lodestar.isAlive(), tail(lodestar.output()));
        assertFalse(lodestar.output().contains("OutOfMemoryError"), tail(lodestar.output()));

        // the guard trips and says so
        String status = awaitStatus(s -> counter(s, "lines") >= FLOOD_NAMES / 2 && s.contains("cardinality-limit"), 20_000);
        assertTrue(status.contains("degraded/cardinality-limit"), status);
        long held = counter(status, "series");
        long refused = counter(status, "series_refused");
        assertTrue(held <= 100_000, "at most maxSeries (default 100000) keys: " + held);
        assertTrue(refused >= FLOOD_NAMES / 2, "the flood's names were refused and counted: " + refused + "\n" + status);
        assertTrue(lodestar.awaitOutput("statsd-flood: cardinality limit.*top new-series prefixes: flood", 70_000),
                "the once-a-minute report names the offending prefix\n" + tail(lodestar.output()));

        long live = liveHeapBytesAfterFullGc(lodestar.pid());
        System.out.printf("flood of %d names in %d ms; good client: %d counts sent, %.0f stored; live heap after full GC %d MB;%n  %s%n",
                FLOOD_NAMES, floodMillis, expected, stored, live >> 20, status.strip().replaceAll("\\s+", " "));
        assertTrue(live < 200L << 20, "live heap after a full GC: " + (live >> 20) + " MB");
        assertFalse(status(lodestar.shell("lodestar:status")).contains("failed"), lodestar.shell("lodestar:status"));
    }

    /** Over TCP, every 100 ms ten counts and the gauge set to the round's number, until told to stop. */
    private void goodClient(AtomicBoolean sending, AtomicLong sent) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream o = s.getOutputStream();
            long round = 0;
            while (sending.get()) {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < 10; i++) {
                    b.append("good.requests:1|c\n");
                }
                b.append("good.level:").append(round).append("|g\n");
                o.write(b.toString().getBytes(StandardCharsets.US_ASCII));
                o.flush();
                sent.addAndGet(10);
                round++;
                Thread.sleep(100);
            }
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("good client: " + e, e);
        }
    }

    /** {@link #FLOOD_NAMES} names never seen before, paced evenly over {@link #FLOOD_MILLIS}. */
    private void flood() throws IOException, InterruptedException {
        int datagrams = FLOOD_NAMES / NAMES_PER_DATAGRAM;
        long start = System.nanoTime();
        try (DatagramSocket d = new DatagramSocket()) {
            InetAddress lo = InetAddress.getLoopbackAddress();
            StringBuilder b = new StringBuilder(2048);
            int name = 0;
            for (int i = 0; i < datagrams; i++) {
                b.setLength(0);
                for (int k = 0; k < NAMES_PER_DATAGRAM; k++) {
                    b.append("flood.").append(name++).append(".requests:1|c\n");
                }
                byte[] p = b.toString().getBytes(StandardCharsets.US_ASCII);
                d.send(new DatagramPacket(p, p.length, lo, port));
                if (i % 100 == 99) {
                    long due = start + TimeUnit.MILLISECONDS.toNanos(FLOOD_MILLIS * (i + 1) / datagrams);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
            }
        }
    }

    /** The {@code statsd-flood} line of {@code lodestar:status}, once {@code ok} says it is what we wait for. */
    private String awaitStatus(java.util.function.Predicate<String> ok, long millis) throws Exception {
        long end = System.currentTimeMillis() + millis;
        String line = "";
        while (System.currentTimeMillis() < end) {
            line = status(lodestar.shell("lodestar:status"));
            if (ok.test(line)) {
                return line;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("status never as expected: " + line);
    }

    private static String status(String all) {
        for (String l : all.split("\n")) {
            if (l.contains("statsd-flood")) {
                return l;
            }
        }
        return "";
    }

    private static long counter(String statusLine, String name) {
        Matcher m = Pattern.compile("[ ,]" + Pattern.quote(name) + "=(-?\\d+)").matcher(statusLine);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The sum of the values of {@code lodestar:query}'s output (time, then value, per line after the header). */
    private static double sum(String queryOutput) {
        double s = 0;
        for (String line : queryOutput.strip().split("\n")) {
            String[] cols = line.trim().split("\\s+");
            try {
                s += Double.parseDouble(cols[cols.length - 1]);
            } catch (NumberFormatException e) {
                // the header, or "no points ..."
            }
        }
        return s;
    }

    /** The value on the last line of {@code lodestar:query}'s output. */
    private static double lastValue(String queryOutput) {
        String[] lines = queryOutput.strip().split("\n");
        String[] cols = lines[lines.length - 1].trim().split("\\s+");
        try {
            return Double.parseDouble(cols[cols.length - 1]);
        } catch (NumberFormatException e) {
            return Double.NaN; // "no points ..."
        }
    }

    /** Asks the JVM for a full collection, then reads the heap in use (young + old generation) with jstat. */
    private static long liveHeapBytesAfterFullGc(long pid) throws Exception {
        Path bin = LodestarProcess.javaHome().resolve("bin");
        run(bin.resolve("jcmd").toString(), "" + pid, "GC.run");
        String[] lines = run(bin.resolve("jstat").toString(), "-gc", "" + pid).strip().split("\n");
        String[] head = lines[0].trim().split("\\s+");
        String[] values = lines[1].trim().split("\\s+");
        double kb = 0;
        for (int i = 0; i < head.length; i++) {
            if (List.of("S0U", "S1U", "EU", "OU").contains(head[i])) {
                kb += Double.parseDouble(values[i]);
            }
        }
        return (long) (kb * 1024);
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", cmd));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    private static String tail(String s) {
        return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
    }
}
