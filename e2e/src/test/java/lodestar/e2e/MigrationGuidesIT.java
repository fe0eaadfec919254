package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.sun.net.httpserver.HttpServer;

import lodestar.testkit.CarbonProcess;
import lodestar.testkit.LodestarProcess;
import lodestar.testkit.Tools;
import lodestar.testkit.servers.ApiServer.Point;
import lodestar.testkit.servers.OpenTsdbServer;

/**
 * Each page of docs/migrating/ as a user follows it: the platform starts with exactly the Lodestar files the
 * page shows (read from the markdown, so page and test cannot drift; only port numbers and the one internet
 * URL are swapped for loopback ones) and does what the page promises. One platform per page, short
 * intervals where the page has them; every wait is bounded.
 */
class MigrationGuidesIT {

    private static final Path PAGES = Path.of("..", "docs", "migrating");
    /** A fenced block whose info string names a file of the home folder: ```properties conf/x.cfg */
    private static final Pattern FILE_BLOCK = Pattern.compile(
            "(?m)^```[A-Za-z]+ ((?:conf|scripts|logs)/[^\\s`]+)\\n(.*?)^```", Pattern.DOTALL);

    private final Path tmp = LodestarProcess.tempDir();

    /** The Lodestar files of a page, in page order: home-relative path to content. */
    static Map<String, String> files(String page) throws IOException {
        String md = Files.readString(PAGES.resolve(page), StandardCharsets.UTF_8);
        Map<String, String> files = new LinkedHashMap<>();
        Matcher m = FILE_BLOCK.matcher(md);
        while (m.find()) {
            files.put(m.group(1), m.group(2));
        }
        return files;
    }

    /** Writes the page's files into a new home, with {@code swap} applied (each key replaced by its value). */
    private LodestarProcess platform(String page, Map<String, String> swap) throws IOException {
        Map<String, String> files = files(page);
        assertFalse(files.isEmpty(), "no Lodestar files in " + page);
        Path home = Files.createDirectories(tmp.resolve(page.replace(".md", "")));
        LodestarProcess p = new LodestarProcess(LodestarProcess.builtJar(), home, List.of("-Xmx256m"));
        for (Map.Entry<String, String> f : files.entrySet()) {
            String text = f.getValue();
            for (Map.Entry<String, String> s : swap.entrySet()) {
                text = text.replace(s.getKey(), s.getValue());
            }
            Path target = home.resolve(f.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, text, StandardCharsets.UTF_8);
            if (f.getKey().startsWith("scripts/")) {
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x")); // the page's chmod +x
            }
        }
        return p;
    }

    @Test
    @Timeout(60)
    void pharosFalseTurnsCriticalAndDisplayNamesKeepTheirWords() throws Exception {
        // Pharos's watcher fetched google.com; a loopback server answers 200 instead (e2e tests stay on loopback),
        // a few ms late so that the page's "good" threshold (1ms: faster is suspicious) is passed
        HttpServer web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.createContext("/", ex -> {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "up".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        web.start();
        String url = "http://127.0.0.1:" + web.getAddress().getPort() + "/";
        try (LodestarProcess lodestar = platform("pharos.md", Map.of("http://www.google.com/", url))) {
            lodestar.start();
            String[] checks = {""};
            boolean seen = Eventually.within(40_000, () -> {
                checks[0] = lodestar.shell("lodestar:checks");
                // the shell's table shows blanks in a name as '_' (only its last column may hold blanks)
                return line(checks[0], "Is_False?").contains("CRITICAL") && line(checks[0], "Is_True?").contains("OK")
                        && line(checks[0], "Is_Google_Up").contains("OK");
            });
            assertTrue(seen, "lodestar:checks:\n" + checks[0] + "\n" + lodestar.output());
            assertTrue(line(checks[0], "Is_False?").contains("exit code 1"), checks[0]);
            // the metric names stay sanitized
            String[] series = {""};
            assertTrue(Eventually.within(15_000, () -> {
                series[0] = lodestar.shell("lodestar:series 'check.**'");
                return series[0].contains("check.Is_False.status") && series[0].contains("check.Is_True.status")
                        && series[0].contains("check.Is_Google_Up.status_code");
            }), series[0]);
        } finally {
            web.stop(0);
        }
    }

    @Test
    @Timeout(75)
    void buckysStatsdSettingsFlushEvery10sToCarbonWithBuckysNames() throws Exception {
        CarbonProcess carbon = new CarbonProcess(Tools.require("graphite-carbon", "carbon-cache"),
                Tools.require("python3-whisper", "whisper-fetch", "whisper-fetch.py"),
                Files.createDirectories(tmp.resolve("carbon")));
        carbon.start();
        int statsd = LodestarProcess.freePort();
        try (carbon; LodestarProcess lodestar = platform("bucky.md", Map.of("port=8125", "port=" + statsd,
                "port=2003", "port=" + carbon.linePort, "port=25826", "port=" + LodestarProcess.freePort()))) {
            lodestar.start();
            assertTrue(lodestar.awaitOutput("statsd listener .* flush every 10000 ms", 30_000), lodestar.output());
            long sent = System.currentTimeMillis() / 1000;
            try (DatagramSocket udp = new DatagramSocket()) {
                for (int i = 0; i < 3; i++) {
                    byte[] line = "orders:1|c".getBytes(StandardCharsets.UTF_8);
                    udp.send(new DatagramPacket(line, line.length, InetAddress.getLoopbackAddress(), statsd));
                }
            }
            // the next flush is at most 10 s away; Carbon writes its cache out a moment later
            Map<Long, Double>[] counts = new Map[1];
            assertTrue(Eventually.within(30_000, () -> {
                counts[0] = carbon.fetch("stats_counts.orders", sent - 60, sent + 60);
                return counts[0].containsValue(3.0);
            }), "stats_counts.orders in Carbon: " + counts[0] + "\ncarbon:\n" + carbon.logTail() + "\nlodestar:\n"
                    + lodestar.output());
            Map<Long, Double>[] rate = new Map[1];
            assertTrue(Eventually.within(10_000, () -> {
                rate[0] = carbon.fetch("stats.orders", sent - 60, sent + 60);
                return rate[0].values().stream().anyMatch(v -> Math.abs(v - 0.3) < 1e-9);
            }), "stats.orders (3 per 10 s) in Carbon: " + rate[0]);
        }
    }

    @Test
    @Timeout(60)
    void puypuysCheckScriptsReachOpenTsdbWithAuthAndTags() throws Exception {
        try (OpenTsdbServer tsdb = new OpenTsdbServer()) {
            tsdb.requireAuth("netangels", "bololo");
            try (LodestarProcess lodestar = platform("puypuy.md", Map.of("http://127.0.0.1:4242", tsdb.url()))) {
                lodestar.start();
                // points of the first run may leave before FileInstall has handed the core its configuration
                // (cluster_name, host_group): wait for one that has it, then every later one must
                assertTrue(Eventually.within(40_000, () -> !tsdb.points(p -> p.name().equals("random_gen")
                        && p.tags().containsKey("cluster_name")).isEmpty()),
                        "no random_gen with cluster_name in OpenTSDB\n" + tsdb.points() + "\n" + tsdb.rejections() + "\n"
                                + lodestar.output());
                List<Point> got = tsdb.points(p -> p.name().equals("random_gen") && p.tags().containsKey("cluster_name"));
                assertFalse(got.isEmpty(), "no random_gen in OpenTSDB within its wait\n" + tsdb.rejections() + "\n"
                        + lodestar.output());
                Map<String, String> tags = got.get(0).tags();
                assertEquals("my_bash_random", tags.get("check_type"), tags.toString());
                assertEquals("testcluster", tags.get("cluster_name"), tags.toString());
                assertEquals("testing", tags.get("host_group"), tags.toString());
                assertTrue(tags.get("host") != null && !tags.get("host").isBlank(), tags.toString());
                double v = got.get(0).value();
                assertTrue(v >= 0 && v <= 32767 && v == Math.rint(v), "bash's $RANDOM: " + v);
                // a second round has run by now: the helper outside pattern=check_* never did
                Thread.sleep(6_000);
                assertTrue(tsdb.points(p -> p.name().equals("never_run")).isEmpty(), "lib_common.sh ran");
                List<Point> all = tsdb.points(p -> p.name().equals("random_gen"));
                assertTrue(all.size() >= 2, all.toString());
                assertTrue(all.get(all.size() - 1).tags().containsKey("host_group"), all.toString());
            }
        }
    }

    @Test
    @Timeout(60)
    void pylonsSystemAndLogBeaconsFillTheStore() throws Exception {
        try (LodestarProcess lodestar = platform("pylon.md", Map.of())) {
            Path log = Files.createDirectories(lodestar.home.resolve("logs")).resolve("app.log");
            Files.writeString(log, "INFO start\nERROR disk full\nWARN request timed out after 250 ms\nERROR again\n");
            lodestar.start();
            String[] series = {"", ""};
            assertTrue(Eventually.within(40_000, () -> {
                series[0] = lodestar.shell("lodestar:series 'system.**'");
                series[1] = lodestar.shell("lodestar:series 'log.**'");
                return series[0].contains(".memory.total") && series[1].contains("log.errors.count")
                        && series[1].contains("log.timeouts.max");
            }), series[0] + "\n" + series[1] + "\n" + lodestar.output());
            String errors = lodestar.shell("lodestar:query 'log.errors.count' 60");
            assertTrue(values(errors).contains(2.0), "two ERROR lines counted: " + errors);
            String timeouts = lodestar.shell("lodestar:query 'log.timeouts.max' 60");
            assertTrue(values(timeouts).contains(250.0), "the longest timeout: " + timeouts);
        }
    }

    /** The VALUE column of a {@code lodestar:query} answer. */
    private static List<Double> values(String query) {
        return query.lines().map(String::trim).filter(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\S+\\s+\\S+"))
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).toList();
    }

    /** The line of a {@code lodestar:checks} table that starts with {@code check}, or "". */
    private static String line(String table, String check) {
        return table.lines().filter(l -> l.startsWith(check)).findFirst().orElse("");
    }
}
