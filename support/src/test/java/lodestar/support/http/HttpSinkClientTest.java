package lodestar.support.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** The shared HTTP sink client against the JDK's HTTP server on loopback. */
class HttpSinkClientTest {

    /** What the server received. */
    record Received(String method, String path, String contentType, String contentEncoding, String authorization,
            String body) {
    }

    private HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile int status = 204;
    private volatile String answer = "";
    private volatile long delayMillis;
    private HttpSinkClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        server.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String encoding = x.getRequestHeaders().getFirst("Content-Encoding");
            InputStream in = "gzip".equals(encoding) ? new GZIPInputStream(x.getRequestBody()) : x.getRequestBody();
            received.add(new Received(x.getRequestMethod(), x.getRequestURI().toString(),
                    x.getRequestHeaders().getFirst("Content-Type"), encoding,
                    x.getRequestHeaders().getFirst("Authorization"), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] b = answer.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
            if (b.length > 0) {
                x.getResponseBody().write(b);
            }
        }
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/prefix/");
    }

    private HttpSinkClient client(long timeoutMillis, boolean gzip, String authorization) {
        client = new HttpSinkClient("Test", HttpSinkClient.endpoint(base(), "/api/put?details"), "application/json",
                timeoutMillis, gzip, authorization);
        return client;
    }

    @Test
    void postsTheBodyWithItsHeadersAndReturnsStatusAndBody() throws Exception {
        status = 200;
        answer = "{\"success\":1,\"é\":true}";
        HttpSinkClient c = client(5000, false, HttpSinkClient.basicAuthorization("username", "ann", "s3cr:t"));
        HttpSinkClient.Response r = c.post("[{\"v\":1}]".getBytes(StandardCharsets.UTF_8));
        assertEquals(new HttpSinkClient.Response(200, "{\"success\":1,\"é\":true}"), r);
        assertTrue(r.isSuccess());
        Received got = received.get(0);
        assertEquals("POST", got.method());
        assertEquals("/prefix/api/put?details", got.path());
        assertEquals("application/json", got.contentType());
        assertNull(got.contentEncoding());
        assertEquals("Basic " + Base64.getEncoder().encodeToString("ann:s3cr:t".getBytes(StandardCharsets.UTF_8)),
                got.authorization());
        assertEquals("[{\"v\":1}]", got.body());
    }

    @Test
    void gzipAndASliceOfABufferWithAToken() throws Exception {
        HttpSinkClient c = client(5000, true, "Token tok==");
        byte[] buffer = "xxhello\nworld\nyy".getBytes(StandardCharsets.UTF_8);
        HttpSinkClient.Response r = c.post(buffer, 2, 12);
        assertEquals(new HttpSinkClient.Response(204, ""), r);
        assertEquals("gzip", received.get(0).contentEncoding());
        assertEquals("Token tok==", received.get(0).authorization());
        assertEquals("hello\nworld\n", received.get(0).body());
        assertTrue(c.gzip());
    }

    @Test
    void errorStatusesAreAnswersNotExceptions() throws Exception {
        status = 503;
        answer = "busy";
        HttpSinkClient c = client(5000, false, null);
        HttpSinkClient.Response r = c.post(new byte[0]);
        assertEquals(503, r.status());
        assertEquals("busy", r.body());
        assertFalse(r.isSuccess());
        assertNull(received.get(0).authorization());
        c.renew();
        status = 202;
        assertTrue(c.post(new byte[] {'x'}).isSuccess(), "works again after renew");
    }

    @Test
    void noAnswerThrowsNamingTheBackendAndTheNextRequestWorks() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        client = new HttpSinkClient("Test", URI.create("http://127.0.0.1:" + port + "/w"), "text/plain", 2000, false, null);
        IOException e = assertThrows(IOException.class, () -> client.post(new byte[] {1}));
        assertTrue(e.getMessage().startsWith("Test at http://127.0.0.1:" + port + "/w: "), e.getMessage());
        assertEquals("Test at http://127.0.0.1:" + port + "/w", client.toString());
    }

    @Test
    void aSlowAnswerTimesOut() {
        delayMillis = 1500;
        HttpSinkClient c = client(300, false, null);
        long start = System.nanoTime();
        assertThrows(IOException.class, () -> c.post(new byte[] {1}));
        assertTrue(System.nanoTime() - start < 1_400_000_000L);
    }

    @Test
    void anInterruptedWriterGetsAnInterruptedIOExceptionAndKeepsItsFlag() {
        HttpSinkClient c = client(5000, false, null);
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedIOException.class, () -> c.post(new byte[] {1}));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void baseUrlsAreCheckedWithErrorsNamingTheProperty() {
        assertEquals(URI.create("http://h:8086"), HttpSinkClient.baseUrl(" http://h:8086 ", null));
        assertEquals(URI.create("https://h/influx/"), HttpSinkClient.baseUrl("https://h/influx/", null));
        assertEquals(URI.create("http://u:p@h:1"), HttpSinkClient.baseUrl("http://u:p@h:1", null));
        assertUrlRejected("url: must be an http:// or https:// URL with a host, got 'ftp://h'", "ftp://h", null);
        assertUrlRejected("url: must be an http:// or https:// URL with a host, got 'localhost:8086'", "localhost:8086", null);
        assertUrlRejected("url: must be an http:// or https:// URL with a host, got ''", null, null);
        assertUrlRejected("url: not a URL: 'http://a b'", "http://a b", null);
        assertUrlRejected("url: must not have a query or fragment, got 'http://h/?db=x'", "http://h/?db=x", null);
        assertUrlRejected("url: must not have a query or fragment, got 'http://h/#x'", "http://h/#x", null);
        assertUrlRejected("url: must not have a query, fragment or user (use user/token), got 'http://u:p@h:1'",
                "http://u:p@h:1", "user/token");
        assertUrlRejected("url: must not have a query, fragment or user (use user/token), got 'http://h?x'",
                "http://h?x", "user/token");
    }

    private static void assertUrlRejected(String messageStart, String url, String credentials) {
        String m = assertThrows(IllegalArgumentException.class, () -> HttpSinkClient.baseUrl(url, credentials)).getMessage();
        assertTrue(m.startsWith(messageStart), m);
    }

    @Test
    void endpointsAppendToTheBasePath() {
        assertEquals("http://h:9/influx/api/v2/write?bucket=b%2F1",
                HttpSinkClient.endpoint(URI.create("http://h:9/influx/"), "/api/v2/write?bucket=b%2F1").toString());
        assertEquals("http://h:9/write?db=x", HttpSinkClient.endpoint(URI.create("http://h:9"), "/write?db=x").toString());
        assertEquals("https://h/a%20b/v1/metrics", HttpSinkClient.endpoint(URI.create("https://h/a%20b//"), "/v1/metrics").toString());
    }

    @Test
    void basicAuthorization() {
        assertNull(HttpSinkClient.basicAuthorization("username", "", ""));
        assertNull(HttpSinkClient.basicAuthorization("username", null, null));
        assertEquals("Basic " + Base64.getEncoder().encodeToString("é:".getBytes(StandardCharsets.UTF_8)),
                HttpSinkClient.basicAuthorization("username", "é", null));
        assertEquals("username: required when password is set", assertThrows(IllegalArgumentException.class,
                () -> HttpSinkClient.basicAuthorization("username", "", "pw")).getMessage());
        assertEquals("user: must not contain ':' (HTTP basic authentication)", assertThrows(IllegalArgumentException.class,
                () -> HttpSinkClient.basicAuthorization("user", "a:b", "pw")).getMessage());
    }

    @Test
    void abbreviate() {
        assertEquals("", HttpSinkClient.abbreviate(null));
        assertEquals("x".repeat(300), HttpSinkClient.abbreviate("x".repeat(300)));
        assertEquals("x".repeat(300) + "...", HttpSinkClient.abbreviate("x".repeat(301)));
        assertEquals("abc...", HttpSinkClient.abbreviate("abcd", 3));
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThrows(IllegalArgumentException.class,
                () -> new HttpSinkClient("Test", base(), "text/plain", 0, false, null));
    }

    /** Issue 11, finding 11: every retry of a dead sink made an HttpClient whose thread lived until GC. */
    @Test
    void aDeadBackendRetriedAgainAndAgainCostsNoNewThreads() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        client = new HttpSinkClient("Test", URI.create("http://127.0.0.1:" + port + "/w"), "text/plain", 2000, false, null);
        assertThrows(IOException.class, () -> client.post(new byte[] {1}));
        long before = selectorThreads();
        for (int i = 0; i < 20; i++) {
            assertThrows(IOException.class, () -> client.post(new byte[] {1}));
            client.renew(); // what a sink does after a 5xx: at most once a minute on Java 17, closed on 21+
        }
        assertTrue(selectorThreads() <= before + 1, "selector threads: " + before + " before, " + selectorThreads() + " after");
    }

    private static long selectorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().contains("SelectorManager")).count();
    }
}
