package lodestar.listener.statsd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import lodestar.api.Sample;

/**
 * Etsy statsd (the reference, from npm) and Lodestar side by side: the same UDP traffic to both, Etsy's
 * flush captured by a Graphite plaintext server, Lodestar's by a capturing pipeline; names and values must
 * match flush for flush (relative tolerance 1e-9).
 *
 * <p>Etsy statsd is taken from {@code -Dstatsd.ref=<dir of node_modules/statsd>} or env STATSD_REF, else
 * {@code target/statsd-ref/node_modules/statsd}, installed there with npm when missing. Without node the
 * test is skipped, or fails when CI=true.
 */
class DifferentialTest {

    static final String STATSD_VERSION = "0.9.0";
    static final int ROUNDS = 5;

    @Test
    void sameFlushesAsEtsyStatsd() throws Exception {
        Path statsd = locateStatsd();
        BlockingQueue<List<String>> etsyFlushes = new LinkedBlockingQueue<>();
        try (ServerSocket graphite = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread capture = new Thread(() -> capture(graphite, etsyFlushes), "graphite-capture");
            capture.setDaemon(true);
            capture.start();
            int etsyPort = freeUdpPort();
            int mgmtPort;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                mgmtPort = s.getLocalPort();
            }
            Path dir = Path.of("target", "statsd-ref");
            Files.createDirectories(dir);
            Path config = dir.resolve("differential-config.js").toAbsolutePath();
            Files.writeString(config, "{ port: " + etsyPort + ", address: \"127.0.0.1\", mgmt_address: \"127.0.0.1\", mgmt_port: "
                    + mgmtPort + ", graphiteHost: \"127.0.0.1\", graphitePort: " + graphite.getLocalPort()
                    + ", flushInterval: 1000, percentThreshold: [90, 99.9, -10, 50],"
                    + " histogram: [{metric: \"hist\", bins: [10, 100.5, \"inf\"]}], backends: [\"./backends/graphite\"] }\n");
            Process node = new ProcessBuilder("node", "stats.js", config.toString()).directory(statsd.toFile())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("statsd.log").toFile()).start();
            Settings s = EngineTest.settings(2, "percentThreshold", new String[] {"90", "99.9", "-10", "50"},
                    "histogram", new String[] {"hist=10,100.5,inf"});
            try (Engine lodestar = new Engine("diff", s, l -> { }, false);
                    DatagramSocket out = new DatagramSocket()) {
                lodestar.bind();
                List<String> first = etsyFlushes.poll(15, TimeUnit.SECONDS);
                assertTrue(first != null, "Etsy statsd did not flush; see target/statsd-ref/statsd.log");
                lodestar.flushNow(); // both have had one flush now (timestamp_lag appears from the second)
                Random random = new Random(42);
                int compared = 0;
                for (int round = 0; round < ROUNDS; round++) {
                    etsyFlushes.clear();
                    // send right after an Etsy flush, so the whole batch falls into its next window
                    List<String> boundary = etsyFlushes.poll(3, TimeUnit.SECONDS);
                    assertTrue(boundary != null, "no Etsy flush");
                    lodestar.flushNow(); // same window boundary for Lodestar
                    for (byte[] p : traffic(random, round)) {
                        out.send(new DatagramPacket(p, p.length, InetAddress.getLoopbackAddress(), etsyPort));
                        out.send(new DatagramPacket(p, p.length, InetAddress.getLoopbackAddress(), lodestar.port()));
                    }
                    List<String> etsy = etsyFlushes.poll(3, TimeUnit.SECONDS);
                    assertTrue(etsy != null, "no Etsy flush after round " + round);
                    Map<String, Double> expected = etsy(etsy);
                    Map<String, Double> actual = lodestar(lodestar.flushNow());
                    compared += compare(round, expected, actual);
                }
                System.out.println("differential: " + ROUNDS + " flushes, " + compared + " values equal");
                assertTrue(compared > 500, "compared only " + compared + " values");
            } finally {
                node.destroy();
                node.waitFor(5, TimeUnit.SECONDS);
                node.destroyForcibly();
            }
        }
    }

    /** Mixed traffic: every type, sample rates, deltas, sets, tags, several values per name, bad lines. */
    static List<byte[]> traffic(Random r, int round) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int k = r.nextInt(10);
            switch (r.nextInt(12)) {
                case 0, 1 -> lines.add("app.c" + k + ":" + (1 + r.nextInt(5)) + "|c");
                case 2 -> lines.add("app.c" + k + ":" + fmt(r.nextDouble() * 10) + "|c|@" + pick(r, "0.1", "0.5", "0.25", ".5"));
                case 3, 4 -> lines.add("app.t" + (k % 5) + ":" + fmt(r.nextDouble() * 1000) + "|ms" + (r.nextInt(4) == 0 ? "|@0.5" : ""));
                case 5 -> lines.add("hist.t:" + r.nextInt(200) + "|ms");
                case 6 -> lines.add("app.g" + (k % 5) + ":" + (r.nextBoolean() ? "+" : "-") + r.nextInt(10) + "|g");
                case 7 -> lines.add("app.g" + (k % 5) + ":" + fmt(r.nextDouble() * 100) + "|g");
                case 8 -> lines.add("app.s" + (k % 3) + ":user" + r.nextInt(30) + "|s");
                case 9 -> lines.add("tagged.req:" + r.nextInt(3) + "|c|#env:prod,host:h" + (k % 2));
                case 10 -> lines.add("multi.v:1|c:" + r.nextInt(9) + "|c:" + r.nextInt(50) + "|ms");
                default -> lines.add(pick(r, "bad", "bad:1", "bad:x|c", "bad:NaN|g", "bad:1|c|@x", "bad:-1|ms", "bad:1|c|@-1",
                        "x:", "bad:1|c:|c", "my bad/name:1|c", "tagged.t:" + r.nextInt(9) + "|ms|#k:v,flag"));
            }
        }
        List<byte[]> packets = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            int n = 1 + r.nextInt(20);
            packets.add(String.join("\n", lines.subList(i, Math.min(lines.size(), i + n))).getBytes(StandardCharsets.UTF_8));
            i += n;
        }
        return packets;
    }

    static String fmt(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }

    static String pick(Random r, String... s) {
        return s[r.nextInt(s.length)];
    }

    static boolean excluded(String name) {
        // Etsy-only (Graphite backend's own stats), Lodestar-only (kernel/queue drops) and wall-clock values
        return name.contains("graphiteStats") || name.contains("kernel_drops") || name.contains("queue_drops")
                || name.contains("processing_time") || name.contains("timestamp_lag");
    }

    static Map<String, Double> etsy(List<String> lines) {
        Map<String, Double> m = new TreeMap<>();
        for (String l : lines) {
            String[] f = l.split(" ");
            String[] parts = f[0].split(";");
            TreeSet<String> tags = new TreeSet<>();
            for (int i = 1; i < parts.length; i++) {
                if (!parts[i].isEmpty()) {
                    tags.add(parts[i].contains("=") ? parts[i] : parts[i] + "=");
                }
            }
            String key = parts[0] + (tags.isEmpty() ? "" : ";" + String.join(";", tags));
            if (!excluded(key)) {
                m.put(key, Double.parseDouble(f[1]));
            }
        }
        return m;
    }

    static Map<String, Double> lodestar(List<Sample> samples) {
        Map<String, Double> m = new TreeMap<>();
        for (Sample s : samples) {
            if (!excluded(s.name())) {
                m.put(s.seriesKey(), s.value());
            }
        }
        return m;
    }

    static int compare(int round, Map<String, Double> expected, Map<String, Double> actual) {
        List<String> problems = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(expected.keySet());
        names.addAll(actual.keySet());
        for (String n : names) {
            Double e = expected.get(n);
            Double a = actual.get(n);
            if (e == null || a == null) {
                problems.add(n + ": etsy=" + e + " lodestar=" + a);
            } else if (!(e.equals(a) || Math.abs(e - a) <= 1e-9 * Math.max(Math.abs(e), Math.abs(a)))) {
                problems.add(n + ": etsy=" + e + " lodestar=" + a);
            }
        }
        if (!problems.isEmpty()) {
            fail("round " + round + ": " + problems.size() + " differences of " + names.size() + ":\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(40, problems.size()))));
        }
        assertEquals(expected.keySet(), actual.keySet());
        return names.size();
    }

    static void capture(ServerSocket server, BlockingQueue<List<String>> flushes) {
        while (!server.isClosed()) {
            try (Socket s = server.accept();
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
                List<String> lines = new ArrayList<>();
                for (String l; (l = in.readLine()) != null;) {
                    if (!l.isBlank()) {
                        lines.add(l);
                    }
                }
                flushes.add(lines);
            } catch (Exception e) {
                // closed at the end of the test
            }
        }
    }

    static int freeUdpPort() throws Exception {
        try (DatagramSocket d = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return d.getLocalPort();
        }
    }

    /** Etsy statsd's folder, installing it with npm into target/statsd-ref when needed. */
    static Path locateStatsd() throws Exception {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        String given = System.getProperty("statsd.ref", System.getenv("STATSD_REF"));
        Path dir = given != null && !given.isBlank() ? Path.of(given)
                : Path.of("target", "statsd-ref", "node_modules", "statsd").toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve("stats.js")) && given == null && has("npm")) {
            Path prefix = Path.of("target", "statsd-ref").toAbsolutePath();
            Files.createDirectories(prefix);
            Process p = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix",
                    prefix.toString(), "statsd@" + STATSD_VERSION).redirectErrorStream(true)
                    .redirectOutput(prefix.resolve("npm-install.log").toFile()).start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        boolean ok = Files.isRegularFile(dir.resolve("stats.js")) && has("node");
        if (!ok) {
            String why = "Etsy statsd not available (node: " + has("node") + ", looked in " + dir + ")";
            if (ci) {
                fail(why);
            }
            Assumptions.abort(why);
        }
        return dir;
    }

    static boolean has(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    static String[] split(String s) {
        return Arrays.stream(s.split("\n")).toArray(String[]::new);
    }
}
