package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import lodestar.testkit.LodestarProcess;

/**
 * Issue 13, wire compatibility with Zibrato: a Python 3 application instrumented as Zibrato documents it
 * (decorators, context managers, gauges; Debian's python3-zmq) publishes to the platform's ZeroMQ broker. Every
 * counter total, timer count and gauge value arrives in the store under its level and source tags, and a
 * Zibrato-style worker subscribed to {@code info} on the upper port receives exactly the {@code info} messages, byte
 * for byte. A Prometheus sink with {@code levels=info,warning} (Zibrato's worker {@code --levels}) exposes the info
 * and warning series and none of the others. About 20 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZibratoWireIT {

    static final Path PYTHON_DIR = Path.of("src/test/python").toAbsolutePath();

    private final Path tmp = LodestarProcess.tempDir();
    private LodestarProcess lodestar;
    private int port;

    @BeforeAll
    void start() throws Exception {
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), Files.createDirectories(tmp.resolve("home")), List.of("-Xmx256m"));
        port = freePortPair();
        lodestar.config("lodestar.listener.zeromq-zibrato.cfg", Map.of("port", "" + port, "flushInterval", "1s"));
        // a sink that routes by level, as Zibrato's Librato worker with --levels info,warning
        lodestar.config("lodestar.sink.prometheus-levels.cfg", Map.of("path", "/zibrato", "levels", "info,warning"));
        lodestar.start();
        assertTrue(lodestar.awaitOutput("zeromq listener zeromq-zibrato: broker on", 60_000), lodestar.output());
    }

    @AfterAll
    void stop() throws Exception {
        if (lodestar != null) {
            lodestar.close();
        }
    }

    /** Python 3 with Debian's python3-zmq (run-tests installs it). */
    static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /** Two free consecutive ports: the broker's lower and upper. */
    static int freePortPair() throws Exception {
        for (int i = 0; i < 50; i++) {
            int p = LodestarProcess.freePort();
            if (p < 65535) {
                try (java.net.ServerSocket a = new java.net.ServerSocket(p + 1, 1, java.net.InetAddress.getLoopbackAddress())) {
                    return p;
                } catch (java.io.IOException busy) {
                    // try another
                }
            }
        }
        throw new IllegalStateException("no two free consecutive ports");
    }

    @Test
    void aZibratoApplicationAndWorkerTalkToLodestarUnchanged() throws Exception {
        Process worker = new ProcessBuilder(python(), PYTHON_DIR.resolve("zibrato_worker.py").toString(), "" + (port + 1), "info", "3")
                .directory(PYTHON_DIR.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader workerOut = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", workerOut.readLine());
        Process app = new ProcessBuilder(python(), PYTHON_DIR.resolve("zibrato_app.py").toString(), "" + port, "50")
                .directory(PYTHON_DIR.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String expectedJson = new String(app.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(app.waitFor(30, TimeUnit.SECONDS) && app.exitValue() == 0, "the application: " + expectedJson);

        List<String> received = new ArrayList<>();
        for (String line; (line = workerOut.readLine()) != null; ) {
            received.add(line);
        }
        assertTrue(worker.waitFor(30, TimeUnit.SECONDS));
        List<String> info = strings(section(expectedJson, "info"));
        assertEquals(150, info.size(), "the application's info messages (orders, render, queue.depth)");
        assertEquals(info, received, "the worker receives exactly the info messages, byte for byte, in order");

        Map<String, Double> counters = numbers(section(expectedJson, "counters"));
        Map<String, Double> timers = numbers(section(expectedJson, "timers"));
        Map<String, Double> gauges = numbers(section(expectedJson, "gauges"));
        assertEquals(Map.of("orders;level=info;source=shop", 50.0, "orders.failed;level=warning;source=not_specified", 10.0,
                "retries;level=critical;source=web2", 150.0), counters);
        assertEquals(2, timers.size());
        assertEquals(2, gauges.size());
        for (var e : counters.entrySet()) {
            assertEquals(e.getValue(), awaitSum(e.getKey(), e.getValue()), "counter total " + e.getKey());
        }
        for (var e : timers.entrySet()) {
            String key = e.getKey().replaceFirst(";", ".count;");
            assertEquals(e.getValue(), awaitSum(key, e.getValue()), "timer count " + key);
        }
        for (var e : gauges.entrySet()) {
            assertEquals(e.getValue(), lastValue(lodestar.shell("lodestar:query '" + e.getKey() + "' 10")), "gauge " + e.getKey());
        }
        // the sink with levels=info,warning got the info and warning series, not the critical or debug ones
        String exposed = awaitExposition(s -> s.contains("level=\"warning\"") && s.contains("level=\"info\""));
        assertTrue(exposed.matches("(?s).*\\norders\\{[^}]*level=\"info\".*"), exposed);
        assertFalse(exposed.contains("level=\"critical\""), exposed);
        assertFalse(exposed.contains("level=\"debug\""), exposed);
        String status = lodestar.shell("lodestar:status");
        assertTrue(status.matches("(?s).*listener\\s+zeromq-zibrato\\s+ok\\s+packets=310,.*bad_input=0,.*forwarded=310,.*"), status);
    }

    private String awaitExposition(java.util.function.Predicate<String> ok) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String body = "";
        long end = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < end) {
            body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + lodestar.httpPort + "/zibrato")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            if (ok.test(body)) {
                break;
            }
            Thread.sleep(500);
        }
        return body;
    }

    private double awaitSum(String key, double expected) throws Exception {
        double got = 0;
        long end = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < end) {
            got = sum(lodestar.shell("lodestar:query '" + key + "' 10"));
            if (got >= expected) {
                break;
            }
            Thread.sleep(500);
        }
        return got;
    }

    static String section(String json, String name) {
        int at = json.indexOf("\"" + name + "\": ");
        int open = at + name.length() + 4;
        char close = json.charAt(open) == '[' ? ']' : '}';
        return json.substring(open + 1, json.indexOf(close, open));
    }

    static Map<String, Double> numbers(String body) {
        Map<String, Double> m = new java.util.HashMap<>();
        Matcher x = Pattern.compile("\"([^\"]+)\": ([-0-9.e]+)").matcher(body);
        while (x.find()) {
            m.put(x.group(1), Double.parseDouble(x.group(2)));
        }
        return m;
    }

    static List<String> strings(String body) {
        List<String> l = new ArrayList<>();
        Matcher x = Pattern.compile("\"([^\"]*)\"").matcher(body);
        while (x.find()) {
            l.add(x.group(1));
        }
        return l;
    }

    static double sum(String queryOutput) {
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

    static double lastValue(String queryOutput) {
        String[] lines = queryOutput.strip().split("\n");
        String[] cols = lines[lines.length - 1].trim().split("\\s+");
        return Double.parseDouble(cols[cols.length - 1]);
    }
}
