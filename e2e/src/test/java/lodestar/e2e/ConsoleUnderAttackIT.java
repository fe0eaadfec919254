package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import lodestar.support.json.Json;
import lodestar.testkit.LodestarProcess;

/**
 * The web part of issue 11 under load, for the combined load test: with the service unit's heap (-Xmx256m), four
 * password guessers and two pages forging state-changing requests hit the console for 30 s while a good client
 * sends Graphite plaintext; then the administrator pulls the support zip (masked in memory) eight times at once.
 * Every good value arrives in the store, no forged request runs anything, the process is alive within its heap,
 * and the console guard's status shows it tripping (read over the remote shell: the console's own address is the
 * guessers', throttled while they guess).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleUnderAttackIT {

    private static final int GOOD_POINTS = 600;
    private static final long ATTACK_MILLIS = 30_000;

    private final Path home = LodestarProcess.tempDir();
    private LodestarProcess lodestar;
    private ConsoleClient console;
    private int graphitePort;

    @BeforeAll
    void start() throws Exception {
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), home, List.of("-Xmx256m"));
        graphitePort = LodestarProcess.freePort();
        lodestar.config("lodestar.listener.graphite-good.cfg", Map.of("port", String.valueOf(graphitePort), "udp", "false",
                "picklePort", "0"));
        // 10 guesses, then one a second: the administrator (same address) is back a second after the guessing stops
        lodestar.config("lodestar.runtime.console.cfg", Map.of("maxFailedLogins", "10", "failedLoginWindow", "10s"));
        lodestar.start();
        console = new ConsoleClient(lodestar, lodestar.consolePassword());
        console.awaitReady();
        assertTrue(Eventually.within(60_000, () -> lodestar.shell("lodestar:status").contains("graphite-good")), lodestar.output());
    }

    @AfterAll
    void stop() throws Exception {
        lodestar.close();
    }

    @Test
    void theGoodClientsDataAllArrivesWhileTheConsoleIsAttacked() throws Exception {
        Path marker = home.resolve("pwned");
        AtomicBoolean attacking = new AtomicBoolean(true);
        Map<Integer, AtomicLong> guessAnswers = new ConcurrentHashMap<>();
        Map<Integer, AtomicLong> forgedAnswers = new ConcurrentHashMap<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> attackers = new ArrayList<>();
        long attackStart = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            int t = i;
            attackers.add(pool.submit(() -> {
                for (long n = 0; attacking.get(); n++) {
                    HttpRequest r = HttpRequest.newBuilder(URI.create(console.origin() + "/system/console/bundles.json"))
                            .header("Authorization", LodestarProcess.basicAuth("admin", "guess-" + t + "-" + n)).build();
                    guessAnswers.computeIfAbsent(http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode(),
                            c -> new AtomicLong()).incrementAndGet();
                }
                return null;
            }));
        }
        String form = "apply=true&action=ajaxConfigManager&factoryPid=lodestar.beacon.command&propertylist=command,interval"
                + "&command=" + URLEncoder.encode("touch " + marker, StandardCharsets.UTF_8) + "&interval=1s";
        for (int i = 0; i < 2; i++) {
            attackers.add(pool.submit(() -> {
                while (attacking.get()) {
                    HttpRequest r = console.request("/system/console/configMgr/%5BTemporary%20PID%20replacement%5D")
                            .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "http://evil.example")
                            .POST(HttpRequest.BodyPublishers.ofString(form)).build();
                    int code;
                    try {
                        code = console.send(r).statusCode();
                    } catch (java.io.IOException closed) {
                        code = -1; // a connection the server closed after refusing (a browser just asks again)
                    }
                    forgedAnswers.computeIfAbsent(code, c -> new AtomicLong()).incrementAndGet();
                }
                return null;
            }));
        }
        long base = System.currentTimeMillis() / 1000 - GOOD_POINTS;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), graphitePort)) {
            OutputStream out = s.getOutputStream();
            long pause = ATTACK_MILLIS / GOOD_POINTS;
            for (int i = 0; i < GOOD_POINTS; i++) {
                out.write(("e2e.attack.good " + i + " " + (base + i) + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(pause);
                if (i == GOOD_POINTS * 5 / 6) {
                    String row = guardRow();
                    assertTrue(row.contains("degraded/throttling-logins") && row.contains("throttled_addresses=1"),
                            "while the guessers guess: " + row);
                }
            }
        }
        attacking.set(false);
        for (Future<?> f : attackers) {
            f.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        pool.shutdown();
        // the guessers guessed for as long as the good client took, which a loaded machine stretches past 30 s
        long attackSeconds = (System.nanoTime() - attackStart + 999_999_999L) / 1_000_000_000L;

        assertTrue(lodestar.isAlive(), lodestar.output());
        // every good value, in the store
        assertTrue(Eventually.within(30_000, () -> points("e2e.attack.good") == GOOD_POINTS),
                points("e2e.attack.good") + " of " + GOOD_POINTS + "\n" + lodestar.shell("lodestar:status"));
        assertEquals((double) GOOD_POINTS - 1, lastValue("e2e.attack.good"));

        // the guard tripped: a few guesses were tried, the rest refused unchecked; nothing forged ran
        long tried = guessAnswers.getOrDefault(401, new AtomicLong()).get();
        long refused = guessAnswers.getOrDefault(429, new AtomicLong()).get();
        assertTrue(tried >= 10 && tried <= 10 + attackSeconds + 2,
                "one guess a second after the first 10, for " + attackSeconds + " s: " + guessAnswers);
        assertTrue(refused > 100, guessAnswers.toString());
        assertTrue(forgedAnswers.keySet().stream().allMatch(c -> c == 403 || c == -1), "every forged request refused: " + forgedAnswers);
        assertTrue(forgedAnswers.getOrDefault(-1, new AtomicLong()).get() * 100 < forgedAnswers.get(403).get(), forgedAnswers.toString());
        assertFalse(Files.exists(marker), "a forged request ran its command");
        Map<String, Object> guard = guardStatus();
        Map<String, Object> counters = Json.object(guard.get("counters"));
        assertEquals(tried, ((Number) counters.get("failed_logins")).longValue(), guard.toString());
        // and the administrator's own tries while the address was still throttled
        long refusedCounted = ((Number) counters.get("refused_logins")).longValue();
        assertTrue(refusedCounted >= refused && refusedCounted <= refused + 100, refused + " " + guard);
        long forged = forgedAnswers.values().stream().mapToLong(AtomicLong::get).sum();
        long csrfRefused = ((Number) counters.get("csrf_refused")).longValue();
        assertTrue(csrfRefused >= forgedAnswers.get(403).get() && csrfRefused <= forged, forgedAnswers + " " + guard);

        // the administrator pulls the support zip, eight at once: each is masked in memory
        List<Future<Integer>> downloads = new ArrayList<>();
        ExecutorService admins = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 8; i++) {
            downloads.add(admins.submit(() -> console.getBytes(
                    "/system/console/status-Configurations/configuration-status-20260101-000000.zip").statusCode()));
        }
        for (Future<Integer> d : downloads) {
            assertEquals(200, d.get(60, java.util.concurrent.TimeUnit.SECONDS));
        }
        admins.shutdown();
        assertTrue(((Number) Json.object(guardStatus().get("counters")).get("masked_secrets")).longValue() >= 8);

        // within its heap: the JVM beacon's own numbers, and no OutOfMemoryError
        assertFalse(lodestar.output().contains("OutOfMemoryError"), lodestar.output());
        double heapMax = lastValue("lodestar.jvm.heap.max");
        assertTrue(heapMax <= 256L * 1024 * 1024, "heap max " + heapMax);
        double heapUsed = maxValue("lodestar.jvm.heap.used");
        assertTrue(heapUsed < heapMax, "heap used stayed below its max");
        System.out.printf("ConsoleUnderAttackIT: %d of %d good points stored; guesses %s; forged %s; guard %s; "
                + "heap used at most %.0f MB of %.0f MB%n", points("e2e.attack.good"), GOOD_POINTS, guessAnswers, forgedAnswers,
                counters, heapUsed / 1048576, heapMax / 1048576);
    }

    /** The guard's line of {@code lodestar:status}. */
    private String guardRow() throws Exception {
        return lodestar.shell("lodestar:status").lines().filter(l -> l.matches("\\s*runtime\\s+console\\s.*")).findFirst()
                .orElse("no runtime console line");
    }

    /** The guard's status as the Lodestar page has it, once the administrator's address may log in again. */
    private Map<String, Object> guardStatus() throws Exception {
        String body = "";
        long end = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < end) {
            HttpResponse<String> r = console.get("/system/console/lodestar/status.json");
            body = r.body();
            if (r.statusCode() == 200) {
                for (Object o : Json.array(Json.object(Json.parse(body)).get("components"))) {
                    Map<String, Object> c = Json.object(o);
                    if ("runtime".equals(c.get("type")) && "console".equals(c.get("name"))) {
                        return c;
                    }
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no runtime/console in status.json: " + body);
    }

    private List<Double> values(String series) throws Exception {
        return lodestar.query(series, 30);
    }

    private int points(String series) throws Exception {
        return values(series).size();
    }

    private double lastValue(String series) throws Exception {
        List<Double> v = values(series);
        return v.isEmpty() ? Double.NaN : v.get(v.size() - 1);
    }

    private double maxValue(String series) throws Exception {
        return values(series).stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
