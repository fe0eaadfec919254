package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import lodestar.support.json.Json;
import lodestar.testkit.LodestarProcess;

/**
 * The Graphite read API on the real platform, as Grafana's Graphite data source uses it: {@code /metrics/find}
 * to browse, {@code /render} by GET and by POSTed form, over the platform's own series (its self-metrics), in
 * the read-only viewer context: no login bound to loopback; bound to every interface, the viewer's credential and
 * never the admin's. Everything on 127.0.0.1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class GraphiteApiIT {

    private static final String SERIES = "lodestar.self.pipeline.received";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LodestarProcess loopback;
    private LodestarProcess wide;
    private String viewer;

    @BeforeAll
    void start() throws Exception {
        loopback = new LodestarProcess(LodestarProcess.builtJar(), LodestarProcess.tempDir(), List.of("-Xmx256m"));
        wide = new LodestarProcess(LodestarProcess.builtJar(), LodestarProcess.tempDir(),
                List.of("-Xmx256m", "-Dorg.apache.felix.http.host=0.0.0.0"));
        loopback.start();
        wide.start();
        Path file = wide.home.resolve("data/viewer.password");
        long end = System.currentTimeMillis() + 30_000;
        while (!Files.exists(file) && System.currentTimeMillis() < end) {
            Thread.sleep(100);
        }
        viewer = LodestarProcess.basicAuth("viewer", Files.readString(file).strip());
        awaitSeries(loopback, null);
        awaitSeries(wide, viewer);
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

    /** Waits until the store has a point of the pipeline's self-metric (the core emits it every 10 s). */
    private void awaitSeries(LodestarProcess p, String auth) throws Exception {
        long end = System.currentTimeMillis() + 60_000;
        String last = "";
        while (System.currentTimeMillis() < end) {
            try {
                HttpResponse<String> r = get(p, "/render?format=json&from=-5min&noNullPoints=1&target=" + SERIES, auth);
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 200 && r.body().contains("\"target\": \"" + SERIES + "\"")) {
                    return;
                }
            } catch (IOException starting) {
                last = starting.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no " + SERIES + " through /render: " + last + "\n" + p.output());
    }

    private HttpResponse<String> get(LodestarProcess p, String path, String auth) throws IOException, InterruptedException {
        return send(p, "GET", path, auth, null, null);
    }

    private HttpResponse<String> send(LodestarProcess p, String method, String path, String auth, String type, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.httpPort + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (type != null) {
            b.header("Content-Type", type);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void grafanaBrowsesAndGraphsOnALoopbackBoundPlatformWithoutLogin() throws Exception {
        HttpResponse<String> top = get(loopback, "/metrics/find?query=*", null);
        assertEquals(200, top.statusCode(), top.body());
        assertEquals("application/json", top.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        List<Object> nodes = Json.array(Json.parse(top.body()));
        assertTrue(nodes.stream().anyMatch(n -> "lodestar".equals(Json.object(n).get("text"))
                && Long.valueOf(0).equals(Json.object(n).get("leaf"))), top.body());
        HttpResponse<String> pipeline = get(loopback, "/metrics/find?query=lodestar.self.pipeline.*", null);
        assertTrue(pipeline.body().contains("{\"text\": \"received\", \"id\": \"" + SERIES + "\", \"allowChildren\": 0, "
                + "\"expandable\": 0, \"leaf\": 1}"), pipeline.body());

        String query = "target=" + enc("alias(sumSeries(lodestar.self.pipeline.{received,dropped}),'in')")
                + "&from=-5min&until=now&format=json&maxDataPoints=100";
        HttpResponse<String> byGet = get(loopback, "/render?" + query, null);
        assertEquals(200, byGet.statusCode(), byGet.body());
        Map<String, Object> series = Json.object(Json.array(Json.parse(byGet.body())).get(0));
        assertEquals("in", series.get("target"));
        List<Object> points = Json.array(series.get("datapoints"));
        assertTrue(points.stream().anyMatch(pt -> Json.array(pt).get(0) instanceof Number), byGet.body());

        // Grafana POSTs the same as a form: through the console guard and the viewer context, read like the GET
        HttpResponse<String> byPost = send(loopback, "POST", "/render", null, "application/x-www-form-urlencoded", query);
        assertEquals(200, byPost.statusCode(), byPost.body());
        assertEquals("in", Json.object(Json.array(Json.parse(byPost.body())).get(0)).get("target"));
        // Grafana's "Save & test" of a Graphite data source
        HttpResponse<String> saveAndTest = send(loopback, "POST", "/render", null, "application/x-www-form-urlencoded",
                "target=" + enc("constantLine(100)") + "&from=-1h&until=now&format=json&maxDataPoints=300");
        assertEquals(200, saveAndTest.statusCode(), saveAndTest.body());
        assertTrue(saveAndTest.body().startsWith("[{\"target\": \"100.0\""), saveAndTest.body());
        // anything else but a form read stays refused: the console guard's 403 (no token) comes first, and the
        // read-only context's 405 behind it
        assertEquals(403, send(loopback, "POST", "/render", null, "application/json", "{}").statusCode());
        assertEquals(403, send(loopback, "PUT", "/render?" + query, null, null, null).statusCode());
        assertEquals(403, send(loopback, "DELETE", "/metrics/find?query=*", null, null, null).statusCode());
        assertEquals(403, send(loopback, "POST", "/board", null, "application/x-www-form-urlencoded", query).statusCode(),
                "a form elsewhere is no Graphite read");

        HttpResponse<String> bad = get(loopback, "/render?format=json&target=" + enc("nosuch(lodestar.*)"), null);
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().startsWith("{\"error\": \"unknown function nosuch()"), bad.body());
        HttpResponse<String> script = get(loopback, "/render?format=json&target=" + enc("alias(" + SERIES + ",'<script>x</script>')")
                + "&from=-5min", null);
        assertEquals(200, script.statusCode());
        assertEquals("application/json", script.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertEquals("nosniff", script.headers().firstValue("X-Content-Type-Options").orElse(null));

        // the API is a Monitored part: its counters come back as the core's self-metrics, readable through itself
        String self = "/render?format=json&from=-5min&noNullPoints=1&target=lodestar.self.web.graphite.refused";
        long end = System.currentTimeMillis() + 40_000;
        String last = "";
        boolean counted = false;
        while (!counted && System.currentTimeMillis() < end) {
            HttpResponse<String> r = get(loopback, self, null);
            last = r.body();
            List<Object> found = Json.array(Json.parse(last));
            if (!found.isEmpty() && Json.array(Json.object(found.get(0)).get("datapoints")).stream()
                    .anyMatch(pt -> ((Number) Json.array(pt).get(0)).doubleValue() >= 1)) {
                counted = true;
            } else {
                Thread.sleep(1000);
            }
        }
        assertTrue(counted, "lodestar.self.web.graphite.refused counts the refused requests: " + last);
        assertTrue(loopback.shell("lodestar:status").contains("graphite"), "lodestar:status lists the API");
    }

    @Test
    void boundWiderItTakesTheViewerAndNeverTheAdmin() throws Exception {
        String path = "/render?format=json&from=-5min&target=" + SERIES;
        assertEquals(401, get(wide, path, null).statusCode());
        assertEquals(200, get(wide, path, viewer).statusCode());
        String admin = LodestarProcess.basicAuth("admin", wide.consolePassword());
        assertEquals(401, get(wide, path, admin).statusCode());
        assertEquals(401, send(wide, "POST", "/render", null, "application/x-www-form-urlencoded", "target=" + SERIES).statusCode());
        HttpResponse<String> post = send(wide, "POST", "/render", viewer, "application/x-www-form-urlencoded",
                "format=json&from=-5min&target=" + SERIES);
        assertEquals(200, post.statusCode(), post.body());
        assertTrue(post.body().contains("\"target\": \"" + SERIES + "\""), post.body());
        assertEquals(200, get(wide, "/metrics/find?query=lodestar.*", viewer).statusCode());
    }
}
