package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import lodestar.testkit.CarbonProcess;
import lodestar.testkit.LodestarProcess;
import lodestar.testkit.Tools;

/**
 * The platform jar as a user runs it, with the system beacon at 1 s and two Graphite sinks (plaintext
 * and pickle) pointing at a real carbon-cache; the values are read back from Carbon's whisper files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CarbonEndToEndIT {

    private final Path tmp = LodestarProcess.tempDir();

    private CarbonProcess carbon;
    private LodestarProcess lodestar;
    private String host;

    @BeforeAll
    void start() throws Exception {
        carbon = new CarbonProcess(Tools.require("graphite-carbon", "carbon-cache"), Tools.require("python3-whisper", "whisper-fetch", "whisper-fetch.py"),
                Files.createDirectories(tmp.resolve("carbon")));
        carbon.start();
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), Files.createDirectories(tmp.resolve("home")), List.of("-Xmx256m"));
        lodestar.config("lodestar.beacon.system.cfg", Map.of("interval", "1s"));
        lodestar.config("lodestar.sink.graphite-plain.cfg", Map.of("host", "127.0.0.1", "port", "" + carbon.linePort,
                "protocol", "plaintext", "prefix", "plain", "flushInterval", "200ms", "retryMax", "2s"));
        lodestar.config("lodestar.sink.graphite-pickle.cfg", Map.of("host", "127.0.0.1", "port", "" + carbon.picklePort,
                "protocol", "pickle", "prefix", "pickle", "flushInterval", "200ms", "retryMax", "2s"));
        lodestar.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (lodestar != null) {
            lodestar.close();
        }
        if (carbon != null) {
            carbon.close();
        }
    }

    /** The host component the system beacon chose, read off Carbon's folder tree. */
    private String host(String prefix) throws Exception {
        Path dir = carbon.whisperDir.resolve(prefix).resolve("system");
        long end = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < end) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    List<Path> hosts = s.filter(p -> Files.exists(p.resolve("memory").resolve("total.wsp"))).toList();
                    if (!hosts.isEmpty()) {
                        return hosts.get(0).getFileName().toString();
                    }
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no " + prefix + ".system.<host>.memory.total in Carbon after 60 s\ncarbon:\n" + carbon.logTail()
                + "\nlodestar:\n" + lodestar.output());
    }

    private static long memTotalBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        throw new IOException("no MemTotal in /proc/meminfo");
    }

    private Map<Long, Double> recent(String path, int seconds) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        return carbon.fetch(path, now - seconds, now);
    }

    @Test
    @Order(1)
    void systemMetricsArriveThroughPlaintextAndPickle() throws Exception {
        long memTotal = memTotalBytes();
        for (String prefix : List.of("plain", "pickle")) {
            host = host(prefix);
            String base = prefix + ".system." + host + ".";
            Map<Long, Double> total = recent(base + "memory.total", 60);
            assertFalse(total.isEmpty(), base + "memory.total has no points");
            for (double v : total.values()) {
                assertEquals(memTotal, v, 0.0, base + "memory.total must be MemTotal of /proc/meminfo");
            }
            // a few seconds of 1 s collections give CPU percentages (the first collection has no delta)
            long end = System.currentTimeMillis() + 20_000;
            Map<Long, Double> user = recent(base + "cpu.user", 60);
            while (user.isEmpty() && System.currentTimeMillis() < end) {
                Thread.sleep(500);
                user = recent(base + "cpu.user", 60);
            }
            assertFalse(user.isEmpty(), base + "cpu.user has no points");
            for (double v : user.values()) {
                assertTrue(v >= 0 && v <= 100, base + "cpu.user out of 0..100: " + v);
            }
        }
    }

    @Test
    @Order(2)
    void aCarbonStoppedFor30sReceivesEverythingSentMeanwhile() throws Exception {
        String h = host != null ? host : host("plain");
        Thread.sleep(3000);
        long stoppedAt = System.currentTimeMillis() / 1000;
        carbon.stop();
        Thread.sleep(30_000);
        long startedAt = System.currentTimeMillis() / 1000;
        carbon.start();
        for (String prefix : List.of("plain", "pickle")) {
            String path = prefix + ".system." + h + ".uptime";
            // every whole second inside the outage must have its point once the runners have retried
            long first = stoppedAt + 1;
            long last = startedAt - 1;
            long expected = last - first + 1;
            long end = System.currentTimeMillis() + 45_000;
            Map<Long, Double> got = Map.of();
            while (System.currentTimeMillis() < end) {
                got = carbon.fetch(path, first, last);
                if (got.size() >= expected) {
                    break;
                }
                Thread.sleep(1000);
            }
            // a 1 s beacon whose run lands just either side of a second boundary may put two points in one
            // second and none in the next: allow that twice in 30 s, nothing more
            assertTrue(got.size() >= expected - 2, prefix + ": " + got.size() + " of " + expected
                    + " seconds of the outage arrived after Carbon came back: " + got.keySet() + "\nlodestar:\n" + lodestar.output());
        }
    }

    @Test
    @Order(3)
    void sigtermStopsCleanlyAndSaysSo() throws Exception {
        int exit = lodestar.stop(30_000);
        assertTrue(exit == 0 || exit == 143, "exit code on SIGTERM: " + exit + "\n" + lodestar.output());
        String out = lodestar.output();
        assertTrue(out.contains("sink graphite-plain removed") && out.contains("sink graphite-pickle removed"),
                "the sinks flushed and went away in order:\n" + out);
    }
}
