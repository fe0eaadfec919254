package lodestar.sink.influxdb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.testkit.Configs;
import lodestar.testkit.ServerProcess;
import lodestar.support.secrets.Secrets;

/**
 * The sink against a tiny in-test HTTP server that answers as InfluxDB does, for what a healthy real
 * server will not do on demand: 400 partial writes, 413, 5xx, authentication errors, slow answers.
 */
class InfluxDbSinkHttpTest {

    /** What the server received. */
    record Request(String method, String uri, Map<String, String> headers, String body) {
    }

    /** How the server answers the next requests: status and body, or a delay first. */
    record Answer(int status, String body, long delayMillis) {
    }

    private HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile java.util.function.Function<Request, Answer> answer = r -> new Answer(204, "", 0);
    private final List<InfluxDbSink> sinks = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        sinks.forEach(InfluxDbSink::deactivate);
        server.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            InputStream in = x.getRequestBody();
            if ("gzip".equals(x.getRequestHeaders().getFirst("Content-Encoding"))) {
                in = new GZIPInputStream(in);
            }
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new HashMap<>();
            x.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            Request r = new Request(x.getRequestMethod(), x.getRequestURI().toString(), headers, body);
            requests.add(r);
            Answer a = answer.apply(r);
            if (a.delayMillis() > 0) {
                try {
                    Thread.sleep(a.delayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] b = a.body().getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(a.status(), b.length == 0 ? -1 : b.length);
            if (b.length > 0) {
                x.getResponseBody().write(b);
            }
        }
    }

    private InfluxDbSink sink(Object... keyValues) {
        Map<String, Object> props = new HashMap<>();
        props.put("url", "http://127.0.0.1:" + server.getAddress().getPort());
        props.put("database", "db");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        InfluxDbSink s = new InfluxDbSink(Configs.of(InfluxDbSink.Config.class, props), Secrets.of(props));
        sinks.add(s);
        return s;
    }

    private static List<Sample> samples(int n) {
        List<Sample> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(Sample.of("m" + i, Tags.EMPTY, i, 1000L + i, Kind.GAUGE));
        }
        return l;
    }

    @Test
    void version1RequestWithBasicAuthentication() throws Exception {
        InfluxDbSink sink = sink("database", "my db", "retentionPolicy", "rp1", "username", "ann", "password", "s3cr:t");
        sink.write(List.of(Sample.of("cpu", Tags.of("host", "a"), 1.5, 1234, Kind.GAUGE)));
        Request r = requests.get(0);
        assertEquals("POST", r.method());
        assertEquals("/write?db=my+db&rp=rp1&precision=ms", r.uri());
        assertEquals("Basic " + Base64.getEncoder().encodeToString("ann:s3cr:t".getBytes(StandardCharsets.UTF_8)),
                r.headers().get("authorization"));
        assertEquals("cpu,host=a value=1.5 1234\n", r.body());
    }

    @Test
    void version2RequestWithToken() throws Exception {
        InfluxDbSink sink = sink("database", "", "bucket", "b/1", "org", "acme", "token", "tok==");
        sink.write(samples(1));
        Request r = requests.get(0);
        assertEquals("/api/v2/write?org=acme&bucket=b%2F1&precision=ms", r.uri());
        assertEquals("Token tok==", r.headers().get("authorization"));
    }

    @Test
    void batchesAreSplitIntoRequestsOfAtMostMaxLines() throws Exception {
        InfluxDbSink sink = sink("maxLinesPerRequest", 3);
        List<Sample> batch = new ArrayList<>(samples(7));
        batch.add(3, Sample.of("nan", Tags.EMPTY, Double.NaN, 1, Kind.GAUGE));
        sink.write(batch);
        assertEquals(List.of(3L, 2L, 2L), requests.stream().map(r -> r.body().lines().count()).toList());
        assertEquals(1, sink.skippedNonFinite());
        assertFalse(requests.stream().anyMatch(r -> r.body().contains("nan")));
    }

    @Test
    void gzipBodies() throws Exception {
        sink("gzip", true).write(samples(2));
        assertEquals("gzip", requests.get(0).headers().get("content-encoding"));
        assertEquals("m0 value=0 1000\nm1 value=1 1001\n", requests.get(0).body());
    }

    @Test
    void aPartialWriteIsLoggedAndCountedNotThrown() throws Exception {
        answer = r -> new Answer(400, "{\"error\":\"partial write: unable to parse 'm1 value=x 1001': invalid"
                + " number\\nunable to parse 'm2 value=y 1002': invalid number dropped=0\"}\n", 0);
        InfluxDbSink sink = sink();
        sink.write(samples(5)); // must not throw: sending it again would be refused again, forever
        assertEquals(2, sink.rejectedPoints());
        answer = r -> new Answer(400, "{\"error\":\"partial write: field type conflict: input field \\\"value\\\" on"
                + " measurement \\\"m0\\\" is type float, already exists as type integer dropped=3\"}", 0);
        sink.write(samples(5));
        assertEquals(5, sink.rejectedPoints());
        answer = r -> new Answer(422, "{\"code\":\"unprocessable entity\",\"message\":\"points beyond retention policy\"}", 0);
        sink.write(samples(4));
        assertEquals(9, sink.rejectedPoints(), "an answer that does not say how many: the whole request");
    }

    @Test
    void tooLargeRequestsAreHalvedUntilTheyFit() throws Exception {
        answer = r -> r.body().lines().count() > 2 ? new Answer(413, "{\"error\":\"Request Entity Too Large\"}", 0)
                : new Answer(204, "", 0);
        InfluxDbSink sink = sink();
        sink.write(samples(5));
        List<String> taken = requests.stream().filter(r -> r.body().lines().count() <= 2).map(Request::body).toList();
        assertEquals(String.join("", samples(5).stream().map(s -> s.name() + " value=" + (int) s.value() + " "
                + s.timestamp() + "\n").toList()), String.join("", taken));
        assertEquals(0, sink.rejectedPoints());
    }

    @Test
    void serverErrorsAuthenticationAndUnknownDatabasesThrowForARetry() {
        InfluxDbSink sink = sink();
        int[] statuses = {500, 503, 401, 403, 404, 429};
        for (int status : statuses) {
            answer = r -> new Answer(status, "{\"error\":\"nope " + status + "\"}", 0);
            IOException e = assertThrows(IOException.class, () -> sink.write(samples(1)), "HTTP " + status);
            assertTrue(e.getMessage().contains("HTTP " + status) && e.getMessage().contains("nope " + status), e.getMessage());
        }
        assertEquals(0, sink.rejectedPoints());
    }

    @Test
    void aSlowServerTimesOut() {
        answer = r -> new Answer(204, "", 1500);
        InfluxDbSink sink = sink("timeout", "300ms");
        long start = System.nanoTime();
        assertThrows(IOException.class, () -> sink.write(samples(1)));
        assertTrue(System.nanoTime() - start < 1_400_000_000L);
    }

    @Test
    void aClosedPortThrows() throws Exception {
        int port = ServerProcess.freePort();
        InfluxDbSink sink = sink("url", "http://127.0.0.1:" + port);
        assertThrows(IOException.class, () -> sink.write(samples(1)));
    }

    @Test
    void errorMessagesAreReadFromBothApiVersions() {
        assertEquals("a \"b\"\nc", InfluxErrors.message("{\"error\":\"a \\\"b\\\"\\nc\"}"));
        assertEquals("bad", InfluxErrors.message("{\"code\":\"invalid\",\"message\":\"bad\"}"));
        assertEquals("plain text", InfluxErrors.message("plain text\n"));
        assertNull(InfluxErrors.jsonString("{\"x\":1}", "error"));
        assertEquals(3, InfluxErrors.rejectedPoints("partial write: x dropped=3", 10));
        assertEquals(10, InfluxErrors.rejectedPoints("partial write: x dropped=30", 10));
    }
}
