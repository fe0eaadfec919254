package lodestar.listener.otlp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lodestar.api.Histogram;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.testkit.CapturingPipeline;
import lodestar.testkit.Configs;
import lodestar.testkit.PythonOtlp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OTLP/JSON as another implementation writes it: a request built by OpenTelemetry's Python classes and printed by
 * protobuf's own JSON printer (enums by name, int64 as strings, NaN and Infinity as strings), posted to the
 * listener: every value arrives.
 */
class PythonJsonTest {

    @TempDir
    Path dir;

    @Test
    void pythonsOtlpJsonArrivesWhole() throws Exception {
        Path script = dir.resolve("otlp_json_request.py");
        try (InputStream in = PythonJsonTest.class.getResourceAsStream("otlp_json_request.py")) {
            Files.copy(in, script);
        }
        Process p = new ProcessBuilder(PythonOtlp.python().toString(), script.toString()).redirectErrorStream(true).start();
        String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, json);
        assertTrue(json.contains("\"AGGREGATION_TEMPORALITY_DELTA\""), "enums by name: " + json);

        CapturingPipeline pipeline = new CapturingPipeline();
        OtlpListener listener = new OtlpListener(Configs.of(OtlpListener.Config.class, "port", 0), pipeline, Map.of());
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + listener.port() + "/v1/metrics")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("{}", r.body());
        } finally {
            listener.deactivate();
        }
        long t = 1_700_000_000_000L;
        Sample gauge = one(pipeline, "py.gauge");
        assertEquals(1.25, gauge.value());
        assertEquals("7", gauge.tags().get("k"));
        assertEquals("py", gauge.tags().get("service.name"));
        assertEquals(t, gauge.timestamp());
        Sample counter = one(pipeline, "py.counter");
        assertEquals(Kind.COUNTER, counter.kind());
        assertEquals(9007199254740993.0, counter.value());
        Histogram lat = one(pipeline, "py.latency").histogram();
        assertEquals(Histogram.Temporality.DELTA, lat.temporality());
        assertArrayEquals(new double[] {1, 5}, lat.bounds());
        assertArrayEquals(new long[] {1, 3, 2}, lat.bucketCounts());
        assertEquals(21.5, lat.sum());
        assertEquals(0.5, lat.min());
        assertEquals(12, lat.max());
        Histogram size = one(pipeline, "py.size").histogram();
        assertEquals(3, size.scale());
        assertEquals(-2, size.positiveOffset());
        assertArrayEquals(new long[] {1, 0, 1}, size.positiveCounts());
        assertEquals(4, size.negativeOffset());
        assertArrayEquals(new long[] {2}, size.negativeCounts());
        assertEquals(1, size.zeroCount());
        Histogram summary = one(pipeline, "py.summary").histogram();
        assertTrue(Double.isNaN(summary.sum()));
        assertArrayEquals(new double[] {3, Double.POSITIVE_INFINITY}, summary.quantileValues());
    }

    private static Sample one(CapturingPipeline pipeline, String name) {
        List<Sample> l = pipeline.matching(s -> s.name().equals(name));
        assertEquals(1, l.size(), name + ": " + pipeline.samples);
        return l.get(0);
    }
}
