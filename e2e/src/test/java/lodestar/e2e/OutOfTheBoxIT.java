package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import lodestar.testkit.LodestarProcess;

/**
 * What a new user gets with no configuration at all: host metrics collected into the embedded store,
 * visible with {@code lodestar:series}; default configuration files; a web console that does not
 * accept admin/admin; a clean stop on SIGTERM. The smoke test of a JDK: {@code .ci/run} runs it on every
 * JDK the platform supports ({@link LodestarProcess#javaHome()}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutOfTheBoxIT {

    private final Path home = LodestarProcess.tempDir();

    private LodestarProcess lodestar;

    @BeforeAll
    void start() throws Exception {
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), home, List.of("-Xmx256m"));
        lodestar.start();
    }

    @AfterAll
    void stop() throws Exception {
        lodestar.close();
    }

    @Test
    @Order(1)
    void hostMetricsLandInTheStoreWithNoConfiguration() throws Exception {
        long end = System.currentTimeMillis() + 40_000;
        String series = "";
        while (System.currentTimeMillis() < end) {
            series = lodestar.shell("lodestar:series 'system.**'");
            if (series.contains(".memory.total") && series.contains(".load.1min")) {
                break;
            }
            Thread.sleep(1000);
        }
        assertTrue(series.contains(".memory.total"), "lodestar:series after start:\n" + series + "\n" + lodestar.output());
        assertTrue(series.contains(".load.1min"), series);
        String status = lodestar.shell("lodestar:status");
        assertTrue(status.contains("system") && status.contains("store"), status);
    }

    @Test
    @Order(1)
    void firstStartWritesDefaultsAndSecuresTheWebConsole() throws Exception {
        Path pw = home.resolve("data").resolve("webconsole.password");
        long end = System.currentTimeMillis() + 30_000;
        while (!Files.exists(pw) && System.currentTimeMillis() < end) {
            Thread.sleep(200);
        }
        assertTrue(Files.exists(home.resolve("conf").resolve("lodestar.beacon.system.cfg")), "default beacon config");
        assertTrue(Files.isDirectory(home.resolve("deploy")), "deploy/ folder");
        assertTrue(Files.exists(pw), "generated web console password");
        String password = Files.readString(pw, StandardCharsets.UTF_8).trim();
        assertTrue(password.length() >= 12, "a real password");
        HttpClient http = HttpClient.newHttpClient();
        String url = "http://127.0.0.1:" + lodestar.httpPort + "/system/console/bundles.json";
        int adminAdmin = 0;
        int withPassword = 0;
        String body = "";
        while (System.currentTimeMillis() < end + 30_000) {
            try {
                adminAdmin = http.send(get(url, "admin", "admin"), HttpResponse.BodyHandlers.discarding()).statusCode();
                HttpResponse<String> r = http.send(get(url, "admin", password), HttpResponse.BodyHandlers.ofString());
                withPassword = r.statusCode();
                body = r.body();
                if (withPassword == 200) {
                    break;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(300);
        }
        assertEquals(200, withPassword, "the generated password opens it");
        // asked again now that the console is surely up: the request in the loop may have come just before
        // the console registered its servlet (a 404 then)
        adminAdmin = http.send(get(url, "admin", "admin"), HttpResponse.BodyHandlers.discarding()).statusCode();
        assertEquals(401, adminAdmin, "admin/admin must not open the console");
        for (String b : List.of("lodestar.api", "lodestar.core", "lodestar.store", "lodestar.beacon.system", "lodestar.sink.graphite", "lodestar.shell")) {
            assertTrue(body.contains("\"symbolicName\":\"" + b + "\""), b + " listed by the web console");
        }
    }

    @Test
    @Order(1)
    void theWebConsoleHasAConfigurationFormForEveryComponent() throws Exception {
        Path pw = home.resolve("data").resolve("webconsole.password");
        long end = System.currentTimeMillis() + 30_000;
        while (!Files.exists(pw) && System.currentTimeMillis() < end) {
            Thread.sleep(200);
        }
        String password = Files.readString(pw, StandardCharsets.UTF_8).trim();
        HttpClient http = HttpClient.newHttpClient();
        List<String> pids = List.of("lodestar.core", "lodestar.store", "lodestar.beacon.system", "lodestar.beacon.jvm",
                "lodestar.beacon.script", "lodestar.beacon.command", "lodestar.beacon.http", "lodestar.beacon.log",
                "lodestar.sink.graphite", "lodestar.sink.influxdb", "lodestar.sink.prometheus", "lodestar.sink.opentsdb",
                "lodestar.sink.kairosdb", "lodestar.sink.librato", "lodestar.listener.statsd", "lodestar.listener.collectd", "lodestar.listener.graphite",
                "lodestar.listener.metricsd", "lodestar.processor.naming", "lodestar.listener.remotewrite", "lodestar.sink.remotewrite");
        for (String pid : pids) {
            String body = "";
            while (System.currentTimeMillis() < end + 30_000) {
                try {
                    // the console reads a form with a POST, which needs the token of an authenticated answer
                    HttpRequest post = ConsoleClient.withToken(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                    + lodestar.httpPort + "/system/console/configMgr/" + pid)), http, lodestar.httpPort, password)
                            .header("Authorization", LodestarProcess.basicAuth("admin", password))
                            .POST(HttpRequest.BodyPublishers.noBody()).build();
                    body = http.send(post, HttpResponse.BodyHandlers.ofString()).body();
                } catch (java.io.IOException e) {
                    body = e.toString();
                }
                if (body.contains("\"properties\"")) {
                    break;
                }
                Thread.sleep(300);
            }
            assertTrue(body.contains("\"title\":\"Lodestar") && body.contains("\"properties\":{\""),
                    pid + ": the configuration form (metatype) the web console shows: " + body);
        }
    }

    @Test
    @Order(2)
    void sigtermStopsTheFrameworkAndTheStoreSavesWhatItHolds() throws Exception {
        assertTrue(lodestar.isAlive(), "the platform died before the stop\n" + lodestar.output());
        Path snapshot = home.resolve("data").resolve("store").resolve("store.snap");
        long before = Files.exists(snapshot) ? Files.getLastModifiedTime(snapshot).toMillis() : 0;
        long stopAt = System.currentTimeMillis();
        int exit = lodestar.stop(30_000);
        assertEquals(143, exit, "exit code on SIGTERM\n" + lodestar.output());
        String out = lodestar.output();
        assertTrue(out.contains("sink store removed") && out.contains("StopOnSignal - framework stopped in"),
                "the framework stopped in order:\n" + out);
        assertTrue(Files.exists(snapshot) && Files.size(snapshot) > 0, "the store's snapshot on the way out: " + snapshot);
        long written = Files.getLastModifiedTime(snapshot).toMillis();
        // file times may be coarser than the clock: a second of slack, and newer than any earlier snapshot
        assertTrue(written >= stopAt - 1000 && written > before, "snapshot written at " + written + ", stop at " + stopAt);
    }

    private static HttpRequest get(String url, String user, String password) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization",
                LodestarProcess.basicAuth(user, password)).build();
    }
}
