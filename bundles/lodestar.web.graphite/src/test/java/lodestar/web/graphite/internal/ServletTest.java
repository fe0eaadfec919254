package lodestar.web.graphite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import lodestar.testkit.Configs;
import lodestar.testkit.LogCapture;

/** The servlet over HTTP (Jetty 11) on a real store: hostile and malformed requests get a 4xx and a bounded log. */
class ServletTest {

    @TempDir
    Path home;
    StoreFixture fx;
    ApiServer server;
    GraphiteApi api;
    long t0;

    @BeforeEach
    void setUp() throws Exception {
        fx = new StoreFixture(home);
        t0 = System.currentTimeMillis() / 1000 / 10 * 10 - 300;
        fx.write("a.b.c", t0, 10, 1, 2, 3, 4, 5);
        api = new GraphiteApi(GraphiteApi.Settings.from(Configs.of(GraphiteApi.Config.class, "maxQueryLength", 4000)),
                new StoreSource(fx.store, System::currentTimeMillis));
        server = new ApiServer(api);
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
        fx.close();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void grafanasPathsAndMethodsAnswer() throws Exception {
        for (String p : List.of("/metrics/find?query=a.*", "/metrics/find/?query=a.*")) {
            HttpResponse<String> r = server.get(p);
            assertEquals(200, r.statusCode(), p);
            assertEquals("[{\"text\": \"b\", \"id\": \"a.b\", \"allowChildren\": 1, \"expandable\": 1, \"leaf\": 0}]", r.body());
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null));
        }
        HttpResponse<String> render = server.get("/render/?target=a.b.c&from=-10min&noNullPoints=true");
        assertEquals(200, render.statusCode());
        assertTrue(render.body().contains("[5, " + (t0 + 40) + "]"), render.body());
        HttpResponse<String> head = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port + "/render?target=a.b.c")).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        var status = api.status();
        assertEquals("web", status.type());
        assertEquals("graphite", status.name());
        assertEquals(4L, status.counters().get("requests"), status.toString());
        assertEquals(2L, status.counters().get("series_read"), "the render and the HEAD each read a.b.c");
        assertTrue(status.counters().get("points_read") >= 2 * 60, status.toString());
    }

    @Test
    void malformedRequestsGetA4xxAndOneLogLinePerPeriod() throws Exception {
        try (LogCapture log = new LogCapture()) {
            HttpResponse<String> bad = server.get("/render?target=" + enc("nosuch(a.*)\n\u001b[31mforged"));
            assertEquals(400, bad.statusCode());
            assertEquals("application/json", bad.headers().firstValue("Content-Type").orElse("").split(";")[0]);
            assertTrue(bad.body().startsWith("{\"error\": \"target 'nosuch(a.*)\\n\\u001b[31mforged'"), bad.body());
            assertEquals(400, server.get("/render?target=" + enc("scale(a.b.c)")).statusCode());
            assertEquals(400, server.get("/render?target=a.b.c&maxDataPoints=abc").statusCode());
            assertEquals(400, server.get("/render?target=a.b.c&maxDataPoints=0").statusCode());
            assertEquals(400, server.get("/render?target=a.b.c&from=" + enc("-1xyz")).statusCode());
            assertEquals(400, server.get("/render?target=a.b.c&format=png").statusCode());
            assertEquals(400, server.get("/metrics/find").statusCode());
            assertEquals(400, server.get("/metrics/find?query=a.*&format=pickle").statusCode());
            assertEquals(414, server.get("/render?target=" + "a".repeat(5000)).statusCode());
            List<String> lines = log.linesContaining("graphite api: refused");
            assertEquals(1, lines.size(), log.text());
            assertTrue(lines.get(0).contains("from 127.0.0.1"), lines.get(0));
            assertTrue(!log.text().contains("\u001b"), "control characters from the request are escaped in the log");
            assertTrue(!log.text().contains("Exception"), log.text());
        }
        var status = api.status();
        assertEquals(9L, status.counters().get("refused"), status.toString()); // the nine requests above
        assertEquals(0L, status.counters().get("requests"));
        assertEquals(0L, status.counters().get("failed"));
    }

    @Test
    void postBodiesAreBounded() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI render = URI.create("http://127.0.0.1:" + server.port + "/render");
        // a body of unknown length (chunked): refused before the container buffers it
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(render).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream("target=a.b.c".getBytes()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(411, chunked.statusCode());
        HttpResponse<String> big = server.post("/render", "application/x-www-form-urlencoded", "target=" + "a".repeat(5000));
        assertEquals(413, big.statusCode());
        HttpResponse<String> ok = server.post("/render", "application/x-www-form-urlencoded; charset=UTF-8", "target=a.b.c&from=-10min");
        assertEquals(200, ok.statusCode(), ok.body());
        assertTrue(ok.body().startsWith("[{\"target\": \"a.b.c\""), ok.body());
    }

    @Test
    void anUnexpectedFailureIsA500WithoutItsStackTrace() throws Exception {
        SeriesSource broken = new SeriesSource() {
            @Override
            public List<Series> fetch(PathGlob glob, long from, long until, Budget budget) {
                throw new IllegalStateException("store exploded at /secret/path");
            }

            @Override
            public List<Finder.Node> children(PathGlob glob, int maxNodes) {
                throw new IllegalStateException("store exploded");
            }
        };
        try (ApiServer s = new ApiServer(new GraphiteApi(GraphiteApi.Settings.from(Configs.of(GraphiteApi.Config.class)), broken));
                LogCapture log = new LogCapture()) {
            HttpResponse<String> r = s.get("/render?target=a.b.c");
            assertEquals(500, r.statusCode());
            assertEquals("{\"error\": \"internal error (see the platform log)\"}", r.body());
            assertTrue(log.text().contains("store exploded at /secret/path"), "the operator learns why: " + log.text());
            assertEquals(500, s.get("/metrics/find?query=*").statusCode());
        }
    }

    @Test
    void badConfigurationNamesTheProperty() {
        for (String[] bad : new String[][] {{"maxTargets", "0"}, {"maxPoints", "-1"}, {"timeZone", "Mars/Olympus"}}) {
            Object v = bad[0].equals("timeZone") ? bad[1] : bad[0].equals("maxPoints") ? (Object) Long.parseLong(bad[1])
                    : (Object) Integer.parseInt(bad[1]);
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> GraphiteApi.Settings.from(Configs.of(GraphiteApi.Config.class, bad[0], v)));
            assertTrue(e.getMessage().startsWith(bad[0] + ":"), e.getMessage());
        }
    }

}
