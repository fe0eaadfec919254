package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import lodestar.support.json.Json;
import lodestar.testkit.LodestarProcess;

/**
 * Issue 11, finding 11, the web console's part: wrong passwords are limited and logged; secrets stay masked in the
 * console's configuration status printers and its support zip; a bad configuration is one log line naming the file
 * and the property, and shows as failed in {@code lodestar:status} and on the Lodestar page until it is fixed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleHardeningIT {

    private static final String SINK_PASSWORD = "influx-pw-Q7x2";
    private static final String SINK_TOKEN = "influx-token-Z9k4";
    private static final String OTHER_TOKEN = "other-api-token-M3v8";

    private final Path home = LodestarProcess.tempDir();
    private final HttpClient http = HttpClient.newHttpClient();
    private LodestarProcess lodestar;
    private ConsoleClient console;

    @BeforeAll
    void start() throws Exception {
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), home, List.of("-Xmx256m"));
        // a short window, so that a throttled address gets its next try within the test
        lodestar.config("lodestar.runtime.console.cfg", Map.of("maxFailedLogins", "5", "failedLoginWindow", "5s"));
        // sinks that run, one with a token, one with a password (nothing listens on port 9: they keep retrying)
        lodestar.config("lodestar.sink.influxdb-secret.cfg", Map.of("url", "http://127.0.0.1:9", "bucket", "b", "org", "o",
                "token", SINK_TOKEN));
        lodestar.config("lodestar.sink.kairosdb-secret.cfg", Map.of("url", "http://127.0.0.1:9", "username", "bob",
                "password", SINK_PASSWORD));
        // a configuration no Lodestar component reads, so nothing strips its secret
        lodestar.config("org.example.vendor.cfg", Map.of("endpoint", "https://api.example.com", "apiToken", OTHER_TOKEN));
        // port 70000 does not exist
        lodestar.config("lodestar.listener.statsd-bad.cfg", Map.of("port", "70000"));
        lodestar.start();
        console = new ConsoleClient(lodestar, lodestar.consolePassword());
        console.awaitReady();
    }

    @AfterAll
    void stop() throws Exception {
        lodestar.close();
    }

    @Test
    void wrongPasswordsAreLimitedPerAddressAndLogged() throws Exception {
        Map<Integer, Integer> codes = new LinkedHashMap<>();
        long start = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            codes.merge(login("guess" + i), 1, Integer::sum);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        // 5 wrong passwords in 5 s are allowed; within the same second at most one more has come back
        int unauthorized = codes.getOrDefault(401, 0);
        assertTrue(unauthorized >= 5 && unauthorized <= 6 + millis / 1000, codes + " in " + millis + " ms");
        assertEquals(200 - unauthorized, codes.getOrDefault(429, 0), codes.toString());
        assertTrue(lodestar.countOutput("Web console: failed login as 'admin' from 127\\.0\\.0\\.1") >= 1, lodestar.output());
        assertTrue(lodestar.countOutput("Web console: too many failed logins from 127\\.0\\.0\\.1") >= 1, lodestar.output());
        // while throttled even the right password is refused: an answer must not tell a guess that was right
        HttpResponse<String> refused = console.get("/system/console/bundles.json");
        assertEquals(429, refused.statusCode());
        assertTrue(refused.headers().firstValue("Retry-After").isPresent(), refused.headers().map().toString());
        // one try comes back every window / maxFailedLogins = 1 s
        long end = System.currentTimeMillis() + 10_000;
        int code = 0;
        while (System.currentTimeMillis() < end && (code = console.get("/system/console/bundles.json").statusCode()) != 200) {
            Thread.sleep(250);
        }
        assertEquals(200, code, "the administrator gets back in once the address slows down");
        Map<String, Object> guard = console.component("runtime", "console");
        assertTrue(ConsoleClient.counter(guard, "failed_logins") >= 5, guard.toString());
        assertTrue(ConsoleClient.counter(guard, "refused_logins") >= 194, guard.toString());
    }

    private int login(String pw) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(console.origin() + "/system/console/bundles.json"))
                .header("Authorization", LodestarProcess.basicAuth("admin", pw)).build();
        return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void secretsAreMaskedInTheStatusPrintersAndTheSupportZip() throws Exception {
        // the sinks are running, so their properties are in every printer
        assertTrue(awaitStatus(s -> s.contains("influxdb-secret") && s.contains("kairosdb-secret")), lodestar.shell("lodestar:status"));
        Map<String, String> texts = new LinkedHashMap<>();
        for (String printer : List.of("Services", "scr", "Configurations", "Bundles", "Framework%20Properties", "System%20Properties")) {
            for (String ext : List.of(".txt", ".json", "")) {
                String path = "/system/console/status-" + printer + ext;
                HttpResponse<String> r = console.get(path);
                assertEquals(200, r.statusCode(), path);
                texts.put(path, r.body());
            }
        }
        for (String zip : List.of("/system/console/status-Configurations.zip",
                "/system/console/status-Configurations/configuration-status-20260101-000000.zip")) {
            HttpResponse<byte[]> r = console.getBytes(zip);
            assertEquals(200, r.statusCode(), zip);
            unzip(r.body()).forEach((entry, text) -> texts.put(zip + "!" + entry, text));
        }
        assertTrue(texts.size() > 20, texts.keySet().toString());
        // the printers still show what they show, with the values of secrets masked
        assertTrue(texts.get("/system/console/status-Configurations.txt").contains("apiToken = ********"),
                texts.get("/system/console/status-Configurations.txt"));
        assertTrue(texts.get("/system/console/status-Services.txt").contains("username: admin"), "the console's own service");
        assertTrue(texts.get("/system/console/status-Configurations.txt").contains("endpoint = https://api.example.com"));
        for (Map.Entry<String, String> t : texts.entrySet()) {
            for (String secret : List.of(SINK_PASSWORD, SINK_TOKEN, OTHER_TOKEN, "{sha-256}")) {
                assertFalse(t.getValue().contains(secret), t.getKey() + " shows " + secret + ":\n" + excerpt(t.getValue(), secret));
            }
        }
        assertTrue(ConsoleClient.counter(console.component("runtime", "console"), "masked_secrets") > 0);
    }

    private static String excerpt(String text, String secret) {
        int i = text.indexOf(secret);
        return text.substring(Math.max(0, i - 200), Math.min(text.length(), i + 100));
    }

    private static Map<String, String> unzip(byte[] zip) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null;) {
                entries.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return entries;
    }

    @Test
    void aBadConfigurationIsOneLineNamingFileAndPropertyAndShowsAsFailedUntilFixed() throws Exception {
        Path file = home.resolve("conf").resolve("lodestar.listener.statsd-bad.cfg");
        String line = "Configuration " + Pattern.quote(file.toString()) + ": port: must be between 0 and 65535, got 70000";
        assertTrue(Eventually.within(30_000, () -> lodestar.countOutput(line) >= 1), lodestar.output());
        Thread.sleep(2_000); // SCR tries it more than once
        assertEquals(1, lodestar.countOutput(line), lodestar.output());
        for (String trace : List.of("InvocationTargetException", "Error during instantiation", "\tat org.apache.felix.scr")) {
            assertFalse(lodestar.output().contains(trace), "a stack trace in the log: " + trace + "\n" + lodestar.output());
        }
        String status = lodestar.shell("lodestar:status");
        String row = status.lines().filter(l -> l.contains("statsd-bad")).findFirst().orElse("");
        assertTrue(row.matches("\\s*listener\\s+statsd-bad\\s+failed/invalid-settings\\s.*"), status);
        assertTrue(row.contains(file.getFileName() + ": port: must be between 0 and 65535, got 70000"), row);
        Map<String, Object> page = console.component("listener", "statsd-bad");
        assertEquals("failed", page.get("state"), page.toString());
        assertEquals("bad", page.get("badge"), page.toString());
        assertTrue(String.valueOf(page.get("lastError")).contains("port: must be between 0 and 65535"), page.toString());

        // fixed: the listener runs, its own status replaces the failure
        lodestar.config("lodestar.listener.statsd-bad.cfg", Map.of("port", "0"));
        assertTrue(awaitStatus(s -> s.lines().anyMatch(l -> l.matches("\\s*listener\\s+statsd-bad\\s+ok\\s.*"))),
                lodestar.shell("lodestar:status"));
        assertTrue(Eventually.within(30_000, () -> lodestar.countOutput("Configuration " + Pattern.quote(file.toString()) + ": fixed") == 1), lodestar.output());
        assertEquals(1, lodestar.shell("lodestar:status").lines().filter(l -> l.contains("statsd-bad")).count());
    }




    private boolean awaitStatus(java.util.function.Predicate<String> ok) throws Exception {
        return Eventually.within(30_000, () -> ok.test(lodestar.shell("lodestar:status")));
    }
}
