package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import lodestar.api.RunnerProperties;
import lodestar.support.json.Json;
import lodestar.testkit.LodestarProcess;
import lodestar.testkit.servers.KairosDbServer;
import lodestar.testkit.sinks.SinkBundles;

/**
 * What every sink of the repository owes the platform, checked on the platform as a user starts it: its own
 * configuration declares none of the core's runner properties, and yet the web console's form for it shows
 * every one of them (the core adds them), after the sink's own fields. And a sink's secret (KairosDB's password)
 * reaches the backend but nothing that lists services: not {@code scr:info}, not {@code lodestar:status}, not the log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SinkContractIT {

    private static final String SECRET = "hunter2-" + Long.toHexString(System.nanoTime());

    private final Path home = LodestarProcess.tempDir();
    private final HttpClient http = HttpClient.newHttpClient();
    private LodestarProcess lodestar;
    private KairosDbServer kairos;
    private String password;

    @BeforeAll
    void start() throws Exception {
        kairos = new KairosDbServer();
        kairos.requireAuth("bob", SECRET);
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), home, List.of("-Xmx256m"));
        lodestar.config("lodestar.sink.kairosdb-secret.cfg", Map.of("url", kairos.url(), "username", "bob",
                "password", SECRET, "include", "system.**", "flushInterval", "200ms"));
        lodestar.start();
        password = lodestar.consolePassword();
    }

    @AfterAll
    void stop() throws Exception {
        lodestar.close();
        kairos.close();
    }

    @Test
    void everySinkShowsExactlyItsOwnFieldsThenEveryRunnerField() throws Exception {
        List<SinkBundles.Sink> sinks = SinkBundles.in(Path.of(System.getProperty("lodestar.bundles.dir", "../bundles")));
        assertTrue(sinks.size() >= 6, "the repository's sinks: " + sinks);
        for (SinkBundles.Sink sink : sinks) {
            assertFalse(sink.ownFields().isEmpty(), sink + " has a configuration form of its own");
            for (String field : sink.ownFields()) {
                assertFalse(RunnerProperties.ALL.contains(field), sink.pid() + " declares the runner property '" + field
                        + "' itself; the core owns it (lodestar.api.RunnerProperties)");
            }
            List<String> expected = new ArrayList<>(sink.ownFields());
            expected.addAll(RunnerProperties.ALL);
            assertEquals(expected, formFields(sink.pid()), sink.pid() + ": the web console's form");
        }
        // an existing configuration's form too (the console then asks the sink bundle it is bound to)
        SinkBundles.Sink kairosSink = sinks.stream().filter(s -> s.pid().equals("lodestar.sink.kairosdb")).findFirst().orElseThrow();
        List<String> expected = new ArrayList<>(kairosSink.ownFields());
        expected.addAll(RunnerProperties.ALL);
        assertEquals(expected, formFields("lodestar.sink.kairosdb~secret"));
    }

    @Test
    void theFormsSurviveTheCoreRestartingWhileTheSinksRunOn() throws Exception {
        List<String> before = formFields("lodestar.sink.influxdb");
        assertTrue(before.containsAll(RunnerProperties.ALL), before.toString());
        String id = bundleId("lodestar.core");
        lodestar.shell("stop " + id);
        lodestar.shell("start " + id);
        assertEquals(before, formFields("lodestar.sink.influxdb"), "the sink's own fields and the runner's, again");
        assertEquals(before.size(), formFields("lodestar.sink.influxdb").size());
    }

    private String bundleId(String symbolicName) throws Exception {
        for (String line : lodestar.shell("lb -s " + symbolicName).split("\n")) {
            String[] f = line.trim().split("\\s*\\|\\s*");
            if (f.length >= 4 && f[3].startsWith(symbolicName + " ")) {
                return f[0].trim();
            }
        }
        throw new AssertionError("no bundle " + symbolicName + " in lb -s");
    }

    @Test
    void aSinksSecretReachesTheBackendButNothingThatListsServices() throws Exception {
        assertFalse(kairos.await("system.", 1).isEmpty(), "points written with the password\n" + lodestar.output());
        assertEquals(0, kairos.authFailures(), "every request authenticated");
        String scr = lodestar.shell("scr:info lodestar.sink.kairosdb");
        assertTrue(scr.contains("username<String> = bob"), scr);
        assertFalse(scr.contains(SECRET), "scr:info shows the component's properties, but not the password:\n" + scr);
        String status = lodestar.shell("lodestar:status");
        assertTrue(status.contains("kairosdb-secret"), status);
        assertFalse(status.contains(SECRET), status);
        assertFalse(lodestar.output().contains(SECRET), "the log never carries the password");
        // the configuration itself keeps it (the console's form says it is set, masked)
        Map<String, Object> form = Json.object(Json.parse(post("/system/console/configMgr/lodestar.sink.kairosdb~secret")));
        Map<String, Object> pw = Json.object(Json.object(form.get("properties")).get("password"));
        assertEquals(Boolean.TRUE, pw.get("is_set"), form.toString());
        assertFalse(String.valueOf(form).contains(SECRET), "the console masks it");
    }

    private List<String> formFields(String pid) throws Exception {
        long end = System.currentTimeMillis() + 30_000;
        String body = "";
        while (System.currentTimeMillis() < end) {
            body = post("/system/console/configMgr/" + pid);
            if (body.contains("\"properties\"") && body.contains("\"" + RunnerProperties.TAGDROP + "\"")) {
                break;
            }
            Thread.sleep(500); // SCR tells the core about new components within a few seconds
        }
        Map<String, Object> root = Json.object(Json.parse(body));
        return new ArrayList<>(Json.object(root.get("properties")).keySet());
    }

    private String post(String path) throws Exception {
        try {
            // the console reads a form with a POST, which needs the token of an authenticated answer
            HttpRequest r = ConsoleClient.withToken(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lodestar.httpPort + path)),
                            http, lodestar.httpPort, password)
                    .header("Authorization", LodestarProcess.basicAuth("admin", password))
                    .POST(HttpRequest.BodyPublishers.noBody()).build();
            return http.send(r, HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
