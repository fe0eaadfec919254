package lodestar.beacon.http.internal;

import lodestar.testkit.Recorder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import lodestar.api.CheckResult;
import lodestar.api.CheckStatus;
import lodestar.api.Kind;

/** The check against a real HTTP server on 127.0.0.1 and a closed port. */
class HttpCheckServerTest {

    private static HttpServer server;
    private static String base;
    private static volatile int toggle = 200;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.createContext("/ok", ex -> reply(ex, 200, "all systems green"));
        server.createContext("/slow", ex -> {
            sleep(400);
            reply(ex, 200, "late but fine");
        });
        server.createContext("/toggle", ex -> reply(ex, toggle, "x"));
        server.createContext("/fail", ex -> reply(ex, 500, "boom"));
        server.createContext("/chunked", ex -> {
            ex.sendResponseHeaders(200, 0); // 0: chunked
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 5; i++) {
                    out.write("0123456789".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
        });
        server.createContext("/r/", ex -> {
            int n = Integer.parseInt(ex.getRequestURI().getPath().substring(3));
            ex.getResponseHeaders().add("Location", n == 0 ? "/ok" : "/r/" + (n - 1));
            reply(ex, 302, "");
        });
        server.createContext("/loop", ex -> {
            ex.getResponseHeaders().add("Location", "/loop");
            reply(ex, 301, "");
        });
        server.createContext("/echo", ex -> reply(ex, 200, ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("X-Probe")
                + " " + ex.getRequestHeaders().getFirst("Host")));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0) {
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
        ex.close();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A check and what it told about its transitions. */
    static final class Run {
        final HttpCheck check;
        final List<String> transitions = new ArrayList<>();

        Run(Object... kv) {
            this(null, kv);
        }

        Run(Tls tls, Object... kv) {
            // thresholds far above any response time on a loaded CI machine, unless a test is about them
            Object[] all = new Object[kv.length + 4];
            all[0] = "name";
            all[1] = "t";
            all[2] = "thresholds";
            all[3] = "0ms,30s,60s";
            System.arraycopy(kv, 0, all, 4, kv.length);
            check = new HttpCheck(Settings.from(SettingsTest.config(all), Map.of()), tls,
                    (r, prev) -> transitions.add(prev + "->" + r.status()));
        }

        Recorder collect() {
            Recorder r = new Recorder();
            check.collect(r);
            return r;
        }
    }

    @Test
    void fastOkEmitsEveryPlainHttpPhaseButTls() {
        Run run = new Run("url", base + "/ok", "bodyRegex", "green");
        assertNull(run.check.result());
        Recorder r = run.collect();
        CheckResult res = run.check.result();
        assertEquals(CheckStatus.OK, res.status(), res.message());
        assertTrue(res.message().startsWith("200 OK in "), res.message());
        assertEquals(200, r.value("check.t.status_code"));
        assertEquals(17, r.value("check.t.size_bytes"));
        assertEquals(0, r.value("check.t.status"));
        assertEquals(Kind.STATUS, r.byName().get("check.t.status").kind());
        for (String phase : new String[] {"dns_ms", "connect_ms", "ttfb_ms", "total_ms"}) {
            assertTrue(r.value("check.t." + phase) >= 0, phase);
        }
        assertFalse(r.has("check.t.tls_ms"), "no TLS on http");
        double total = r.value("check.t.total_ms");
        assertTrue(total >= r.value("check.t.ttfb_ms") + r.value("check.t.connect_ms"), "total covers the phases");
        assertEquals(total, res.value());
    }

    @Test
    void slowResponsePastWarningIsWarningAndTheChangeIsLoggedOnce() {
        Run run = new Run("url", base + "/slow", "thresholds", "0ms,200ms,5s");
        Recorder r = run.collect();
        assertEquals(CheckStatus.WARNING, run.check.result().status());
        assertTrue(run.check.result().message().contains("slower than warning 200ms"), run.check.result().message());
        assertTrue(r.value("check.t.ttfb_ms") >= 350, "the server's sleep is time to first byte");
        assertEquals(1, r.value("check.t.status"));
        long since = run.check.result().since();
        run.collect();
        assertEquals(since, run.check.result().since(), "still WARNING since the first run");
        assertEquals(List.of("null->WARNING"), run.transitions);
    }

    @Test
    void slowerThanTheTimeoutIsCriticalNotAnException() {
        Run run = new Run("url", base + "/slow", "timeout", "150ms");
        Recorder r = run.collect();
        CheckResult res = run.check.result();
        assertEquals(CheckStatus.CRITICAL, res.status());
        assertTrue(res.message().startsWith("timed out after 150ms"), res.message());
        assertTrue(Double.isNaN(res.value()));
        assertFalse(r.has("check.t.status_code"));
        assertEquals(2, r.value("check.t.status"));
        assertTrue(r.value("check.t.total_ms") < 1000);
    }

    @Test
    void serverErrorIsCriticalWithItsCode() {
        Run run = new Run("url", base + "/fail");
        Recorder r = run.collect();
        assertEquals(CheckStatus.CRITICAL, run.check.result().status());
        assertTrue(run.check.result().message().contains("status 500 not in 200-399"), run.check.result().message());
        assertEquals(500, r.value("check.t.status_code"));
        assertEquals(4, r.value("check.t.size_bytes"));
    }

    @Test
    void expectedStatusCanAcceptAnError() {
        Run run = new Run("url", base + "/fail", "expectedStatus", "500");
        run.collect();
        assertEquals(CheckStatus.OK, run.check.result().status());
    }

    @Test
    void redirectChainIsFollowedAndTimesAddUp() {
        Run run = new Run("url", base + "/r/3");
        Recorder r = run.collect();
        CheckResult res = run.check.result();
        assertEquals(CheckStatus.OK, res.status(), res.message());
        assertTrue(res.message().contains("4 redirects"), res.message());
        assertEquals(200, r.value("check.t.status_code"));
        assertEquals(17, r.value("check.t.size_bytes"));
    }

    @Test
    void redirectLoopIsCritical() {
        Run run = new Run("url", base + "/loop");
        Recorder r = run.collect();
        CheckResult res = run.check.result();
        assertEquals(CheckStatus.CRITICAL, res.status());
        assertTrue(res.message().startsWith("more than 5 redirects"), res.message());
        assertEquals(301, r.value("check.t.status_code"));
    }

    @Test
    void redirectNotFollowedIsTheResponse() {
        Run run = new Run("url", base + "/r/0", "followRedirects", false);
        Recorder r = run.collect();
        assertEquals(CheckStatus.OK, run.check.result().status());
        assertEquals(302, r.value("check.t.status_code"));
        Run strict = new Run("url", base + "/r/0", "followRedirects", false, "expectedStatus", "200");
        strict.collect();
        assertEquals(CheckStatus.CRITICAL, strict.check.result().status());
    }

    @Test
    void bodyRegexMismatchIsCriticalAndRecoveryIsLogged() {
        Run run = new Run("url", base + "/ok", "bodyRegex", "red|amber");
        run.collect();
        assertEquals(CheckStatus.CRITICAL, run.check.result().status());
        assertTrue(run.check.result().message().endsWith("body does not match /red|amber/"), run.check.result().message());
        assertEquals(List.of("null->CRITICAL"), run.transitions);
    }

    @Test
    void chunkedBodyIsDechunkedAndMatched() {
        Run run = new Run("url", base + "/chunked", "bodyRegex", "^(0123456789){5}$");
        Recorder r = run.collect();
        assertEquals(CheckStatus.OK, run.check.result().status(), run.check.result().message());
        assertEquals(50, r.value("check.t.size_bytes"));
    }

    @Test
    void methodAndHeadersAreSent() {
        Run run = new Run("url", base + "/echo", "method", "post", "headers", new String[] {"X-Probe: yes"},
                "bodyRegex", "^POST yes 127\\.0\\.0\\.1:\\d+$");
        run.collect();
        assertEquals(CheckStatus.OK, run.check.result().status(), run.check.result().message());
        Run head = new Run("url", base + "/ok", "method", "HEAD");
        Recorder r = head.collect();
        assertEquals(CheckStatus.OK, head.check.result().status(), head.check.result().message());
        assertEquals(0, r.value("check.t.size_bytes"));
    }

    @Test
    void closedPortIsCriticalRefused() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        Run run = new Run("url", "http://127.0.0.1:" + port + "/");
        Recorder r = run.collect();
        CheckResult res = run.check.result();
        assertEquals(CheckStatus.CRITICAL, res.status());
        assertEquals("connection to 127.0.0.1:" + port + " refused", res.message());
        assertFalse(r.has("check.t.connect_ms"), "a connect that failed has no connect time");
        assertFalse(r.has("check.t.status_code"));
        assertTrue(r.has("check.t.dns_ms"));
    }

    @Test
    void unknownHostIsCritical() {
        Run run = new Run("url", "http://no-such-host.invalid/");
        run.collect();
        assertEquals(CheckStatus.CRITICAL, run.check.result().status());
        assertTrue(run.check.result().message().startsWith("DNS lookup of no-such-host.invalid"), run.check.result().message());
    }

    @Test
    void stateChangesAreReportedOncePerChangeAndSinceFollowsThem() {
        toggle = 200;
        Run run = new Run("url", base + "/toggle");
        run.collect();
        run.collect();
        toggle = 503;
        run.collect();
        long downSince = run.check.result().since();
        run.collect();
        assertEquals(downSince, run.check.result().since());
        toggle = 200;
        run.collect();
        run.collect();
        assertEquals(List.of("null->OK", "OK->CRITICAL", "CRITICAL->OK"), run.transitions);
        assertTrue(run.check.result().since() >= downSince);
    }
}
