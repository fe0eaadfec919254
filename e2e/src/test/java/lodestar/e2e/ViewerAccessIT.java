package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import lodestar.testkit.LodestarProcess;

/**
 * The access rules of the read-only pages (context {@code lodestar.view} of lodestar.runtime, here through the
 * status board), on two real platforms: one bound to loopback (the default: no login) and one bound to every
 * interface ({@code -Dorg.apache.felix.http.host=0.0.0.0}: the viewer's credential, never the admin's). Both are
 * reached only through 127.0.0.1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class ViewerAccessIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LodestarProcess loopback;
    private LodestarProcess wide;
    private String loopbackAdmin;
    private String wideAdmin;

    @BeforeAll
    void start() throws Exception {
        loopback = new LodestarProcess(LodestarProcess.builtJar(), LodestarProcess.tempDir(), List.of("-Xmx256m"));
        wide = new LodestarProcess(LodestarProcess.builtJar(), LodestarProcess.tempDir(),
                List.of("-Xmx256m", "-Dorg.apache.felix.http.host=0.0.0.0"));
        loopback.start();
        wide.start();
        loopbackAdmin = loopback.consolePassword();
        wideAdmin = wide.consolePassword();
        awaitBoard(loopback, null);
        awaitBoard(wide, LodestarProcess.basicAuth("viewer", viewerPassword(wide)));
    }

    @AfterAll
    void stop() throws Exception {
        if (loopback != null) {
            loopback.close();
        }
        if (wide != null) {
            wide.close();
        }
    }

    private static String viewerPassword(LodestarProcess p) throws Exception {
        Path file = p.home.resolve("data/viewer.password");
        long end = System.currentTimeMillis() + 30_000;
        while (!Files.exists(file) && System.currentTimeMillis() < end) {
            Thread.sleep(100);
        }
        return Files.readString(file).strip();
    }

    private void awaitBoard(LodestarProcess p, String auth) throws Exception {
        long end = System.currentTimeMillis() + 60_000;
        int last = -1;
        while (System.currentTimeMillis() < end) {
            try {
                last = send(p, "GET", "/board/state.json", auth, null).statusCode();
                if (last == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the board does not answer (last HTTP " + last + ")\n" + p.output());
    }

    private HttpResponse<String> send(LodestarProcess p, String method, String path, String auth, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.httpPort + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (token != null) {
            b.header(ConsoleClient.TOKEN_HEADER, token).header("Origin", "http://127.0.0.1:" + p.httpPort);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String token(LodestarProcess p, String admin) throws Exception {
        ConsoleClient console = new ConsoleClient(p, admin);
        console.awaitReady();
        String t = console.token();
        assertTrue(t != null && !t.isEmpty(), "the console hands out its token");
        return t;
    }

    private static void assertSecurityHeaders(HttpResponse<?> r) {
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null));
        assertEquals("SAMEORIGIN", r.headers().firstValue("X-Frame-Options").orElse(null));
        assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").startsWith("default-src 'self'"),
                r.headers().map().toString());
    }

    @Test
    @Order(1)
    void loopbackNeedsNoLogin() throws Exception {
        HttpResponse<String> page = send(loopback, "GET", "/board", null, null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("/board/board.js"), page.body());
        assertSecurityHeaders(page);
        assertEquals(200, send(loopback, "HEAD", "/board", null, null).statusCode());
        assertEquals(200, send(loopback, "GET", "/board/board.js", null, null).statusCode());
        HttpResponse<String> traversal = send(loopback, "GET", "/board/../../etc/passwd", null, null);
        assertTrue(traversal.statusCode() == 400 || traversal.statusCode() == 404, "HTTP " + traversal.statusCode());
        assertFalse(traversal.body().contains("root:"));
        HttpResponse<String> encoded = send(loopback, "GET", "/board/%2e%2e/%2e%2e/etc/passwd", null, null);
        assertTrue(encoded.statusCode() == 400 || encoded.statusCode() == 404, "HTTP " + encoded.statusCode());
        assertFalse(encoded.body().contains("root:"));
        assertEquals(404, send(loopback, "GET", "/board/README.md", null, null).statusCode());
        assertTrue(Files.exists(loopback.home.resolve("data/viewer.password")), "generated on first start anyway");
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(loopback.home.resolve("data/viewer.password"))));
    }

    @Test
    @Order(2)
    void loopbackIsReadOnly() throws Exception {
        // without the console's token the console guard refuses it already (a page elsewhere cannot send one) ...
        for (String m : List.of("POST", "PUT", "DELETE")) {
            assertEquals(403, send(loopback, m, "/board", null, null).statusCode(), m);
        }
        // ... and with it (the admin's own browser), the viewer context refuses anything but GET and HEAD
        String token = token(loopback, loopbackAdmin);
        for (String m : List.of("POST", "PUT", "DELETE", "PATCH")) {
            HttpResponse<String> r = send(loopback, m, "/board/events", null, token);
            assertEquals(405, r.statusCode(), m + ": " + r.body());
            assertEquals("GET, HEAD", r.headers().firstValue("Allow").orElse(null));
        }
    }

    @Test
    @Order(3)
    void boundWiderAsksForTheViewerNeverTheAdmin() throws Exception {
        String viewer = viewerPassword(wide);
        assertNotEquals(wideAdmin, viewer);
        HttpResponse<String> none = send(wide, "GET", "/board", null, null);
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm=\"Lodestar viewer\""));
        assertSecurityHeaders(none);
        assertFalse(none.body().contains("<script"), "no page before the login");
        assertEquals(401, send(wide, "GET", "/board", LodestarProcess.basicAuth("admin", wideAdmin), null).statusCode(),
                "the admin's credential is not accepted here");
        assertEquals(401, send(wide, "GET", "/board/state.json", LodestarProcess.basicAuth("viewer", wideAdmin), null)
                .statusCode(), "nor the admin's password as the viewer");
        assertEquals(401, send(wide, "GET", "/board", LodestarProcess.basicAuth("viewer", viewer + "x"), null).statusCode());
        HttpResponse<String> ok = send(wide, "GET", "/board/state.json", LodestarProcess.basicAuth("viewer", viewer), null);
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().startsWith("{\"title\":"), ok.body());
        assertSecurityHeaders(ok);
        // and the console still takes the admin only
        assertEquals(200, new ConsoleClient(wide, wideAdmin).get("/system/console/bundles.json").statusCode());
    }

    @Test
    @Order(4)
    void boundWiderIsReadOnlyEvenLoggedIn() throws Exception {
        String token = token(wide, wideAdmin);
        HttpResponse<String> r = send(wide, "POST", "/board", LodestarProcess.basicAuth("viewer", viewerPassword(wide)), token);
        assertEquals(405, r.statusCode(), r.body());
        assertEquals(403, send(wide, "POST", "/board", LodestarProcess.basicAuth("viewer", viewerPassword(wide)), null)
                .statusCode(), "no token: the console guard");
    }

    @Test
    @Order(5)
    void aConfiguredPasswordTakesThePlaceOfTheGeneratedOneAtOnce() throws Exception {
        String generated = viewerPassword(wide);
        wide.config("lodestar.runtime.viewer.cfg", java.util.Map.of("password", "wall-screen-42"));
        String chosen = LodestarProcess.basicAuth("viewer", "wall-screen-42");
        long end = System.currentTimeMillis() + 20_000;
        int status = -1;
        while (System.currentTimeMillis() < end && status != 200) {
            status = send(wide, "GET", "/board/state.json", chosen, null).statusCode();
            Thread.sleep(200);
        }
        assertEquals(200, status, "the configured password works without a restart\n" + wide.output());
        assertEquals(401, send(wide, "GET", "/board/state.json", LodestarProcess.basicAuth("viewer", generated), null)
                .statusCode(), "the generated one no longer does");
        assertFalse(wide.output().contains("wall-screen-42"), "never logged");
    }

    @Test
    @Order(6)
    void loginAlwaysAsksOnLoopbackToo() throws Exception {
        loopback.config("lodestar.runtime.viewer.cfg", java.util.Map.of("login", "always"));
        long end = System.currentTimeMillis() + 20_000;
        int status = -1;
        while (System.currentTimeMillis() < end && status != 401) {
            status = send(loopback, "GET", "/board", null, null).statusCode();
            Thread.sleep(200);
        }
        assertEquals(401, status, "behind a local reverse proxy\n" + loopback.output());
        assertEquals(200, send(loopback, "GET", "/board", LodestarProcess.basicAuth("viewer", viewerPassword(loopback)), null)
                .statusCode());
    }

    @Test
    @Order(7)
    void wrongPasswordsAreThrottledPerAddress() throws Exception {
        String viewer = "wall-screen-42"; // configured above
        int throttled = 0;
        for (int i = 0; i < 12; i++) {
            int s = send(wide, "GET", "/board/state.json", LodestarProcess.basicAuth("viewer", "guess" + i), null).statusCode();
            assertTrue(s == 401 || s == 429, "HTTP " + s);
            throttled += s == 429 ? 1 : 0;
        }
        assertTrue(throttled >= 1, "the 11th wrong password waits (10 per minute by default)");
        HttpResponse<String> right = send(wide, "GET", "/board/state.json", LodestarProcess.basicAuth("viewer", viewer), null);
        assertEquals(429, right.statusCode(), "even the right password waits: an answer must not tell a right guess");
        assertTrue(right.headers().firstValue("Retry-After").isPresent());
        assertTrue(wide.awaitOutput("Viewer pages: failed login from 127\\.0\\.0\\.1", 5_000), wide.output());
    }
}
