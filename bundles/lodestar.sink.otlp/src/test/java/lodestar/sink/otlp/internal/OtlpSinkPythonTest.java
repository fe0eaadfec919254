package lodestar.sink.otlp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lodestar.api.Histogram;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.json.Json;
import lodestar.support.secrets.Secrets;
import lodestar.testkit.Configs;
import lodestar.testkit.LodestarProcess;
import lodestar.testkit.PythonOtlp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the sink sends, decoded by OpenTelemetry's Python classes (opentelemetry-proto, a decoder that shares no
 * code with Lodestar's) in a small receiver: every value, bucket and attribute as written; and how the sink takes
 * the receiver's statuses.
 */
class OtlpSinkPythonTest {

    private static final long T = 1_700_000_000_000L;

    @TempDir
    Path dir;
    private Process receiver;
    private Path out;
    private Path status;
    private int port;

    @BeforeEach
    void start() throws Exception {
        port = LodestarProcess.freePort();
        out = dir.resolve("requests.jsonl");
        status = dir.resolve("status");
        receiver = PythonOtlp.startReceiver(dir, port, out, status);
    }

    @AfterEach
    void stop() throws Exception {
        receiver.destroy();
        receiver.waitFor();
    }

    private OtlpSink sink(Object... kv) {
        Object[] all = java.util.Arrays.copyOf(new Object[] {"url", "http://127.0.0.1:" + port}, 2 + kv.length);
        System.arraycopy(kv, 0, all, 2, kv.length);
        return new OtlpSink(Configs.of(OtlpSink.Config.class, all), Secrets.of(Map.of()));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> requests() throws IOException {
        return Files.readAllLines(out).stream().map(l -> (Map<String, Object>) Json.parse(l)).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metric(Map<String, Object> line, String name) {
        Map<String, Object> req = Json.object(line.get("request"));
        for (Object rm : Json.array(req.get("resourceMetrics"))) {
            for (Object sm : Json.array(Json.object(rm).get("scopeMetrics"))) {
                for (Object m : Json.array(Json.object(sm).get("metrics"))) {
                    if (name.equals(Json.object(m).get("name"))) {
                        return (Map<String, Object>) m;
                    }
                }
            }
        }
        throw new AssertionError(name + " not in " + line);
    }

    private static Map<String, Object> point(Map<String, Object> metric, String type) {
        return Json.object(Json.array(Json.object(metric.get(type)).get("dataPoints")).get(0));
    }

    @Test
    void pythonDecodesEveryValueTheSinkWrote() throws Exception {
        OtlpSink sink = sink("gzip", true, "headers", new String[] {"X-Api-Key=k1"});
        Tags tags = Tags.of("host", "web1", "route", "/a");
        sink.write(List.of(
                Sample.of("cpu.user", tags, 12.5, T, Kind.GAUGE),
                Sample.of("net.bytes", tags, 1e12, T, Kind.COUNTER),
                Sample.of("hits", tags, 3, T, Kind.DELTA),
                Sample.histogram("lat", tags, Histogram.explicit(Histogram.Temporality.CUMULATIVE, T - 1000, 3, 6, 1, 3,
                        new double[] {1, 2}, new long[] {1, 1, 1}), T),
                Sample.histogram("size", tags, Histogram.exponential(Histogram.Temporality.CUMULATIVE, T - 1000, 4, 10, 0.5, 7,
                        2, 0.001, 1, -1, new long[] {1, 0, 2}, 3, new long[0]), T),
                Sample.histogram("q", tags, Histogram.summary(T - 5000, 10, 55, new double[] {0.5, 0.99}, new double[] {5, 9.9}), T)));
        sink.write(List.of(Sample.of("hits", tags, 4, T + 10_000, Kind.DELTA)));
        sink.deactivate();

        List<Map<String, Object>> lines = requests();
        assertEquals(2, lines.size());
        Map<String, Object> first = lines.get(0);
        assertEquals("/v1/metrics", first.get("path"));
        assertEquals("application/x-protobuf", first.get("contentType"));
        assertEquals("gzip", first.get("encoding"));
        assertEquals("k1", first.get("apiKey"));
        Map<String, Object> resource = Json.object(Json.object(Json.array(Json.object(first.get("request")).get("resourceMetrics")).get(0))
                .get("resource"));
        assertTrue(resource.toString().contains("host.name") && resource.toString().contains("web1"), resource.toString());
        assertTrue(resource.toString().contains("service.name") && resource.toString().contains("lodestar"), resource.toString());

        assertEquals(12.5, ((Number) point(metric(first, "cpu.user"), "gauge").get("asDouble")).doubleValue());
        assertEquals(Long.toString(T * 1_000_000L), point(metric(first, "cpu.user"), "gauge").get("timeUnixNano"));
        assertTrue(point(metric(first, "cpu.user"), "gauge").get("attributes").toString().contains("/a"));
        Map<String, Object> bytes = metric(first, "net.bytes");
        assertEquals(true, Json.object(bytes.get("sum")).get("isMonotonic"));
        assertEquals("AGGREGATION_TEMPORALITY_CUMULATIVE", Json.object(bytes.get("sum")).get("aggregationTemporality"));
        assertEquals(1e12, ((Number) point(bytes, "sum").get("asDouble")).doubleValue());
        assertEquals(3.0, ((Number) point(metric(first, "hits"), "sum").get("asDouble")).doubleValue());

        Map<String, Object> lat = point(metric(first, "lat"), "histogram");
        assertEquals("3", lat.get("count"));
        assertEquals(List.of("1", "1", "1"), lat.get("bucketCounts"));
        assertEquals(List.of(1.0, 2.0), Json.array(lat.get("explicitBounds")).stream().map(o -> ((Number) o).doubleValue()).toList());
        assertEquals(6.0, ((Number) lat.get("sum")).doubleValue());
        assertEquals(Long.toString((T - 1000) * 1_000_000L), lat.get("startTimeUnixNano"));

        Map<String, Object> size = point(metric(first, "size"), "exponentialHistogram");
        assertEquals(2L, size.get("scale"));
        assertEquals("4", size.get("count"));
        assertEquals("1", size.get("zeroCount"));
        assertEquals(-1L, Json.object(size.get("positive")).get("offset"));
        assertEquals(List.of("1", "0", "2"), Json.object(size.get("positive")).get("bucketCounts"));
        assertEquals(0.5, ((Number) size.get("min")).doubleValue());
        assertEquals(7.0, ((Number) size.get("max")).doubleValue());

        Map<String, Object> q = point(metric(first, "q"), "summary");
        assertEquals("10", q.get("count"));
        assertEquals(55.0, ((Number) q.get("sum")).doubleValue());
        assertEquals(9.9, ((Number) Json.object(Json.array(q.get("quantileValues")).get(1)).get("value")).doubleValue());

        // the second request carries the running total of the delta series
        assertEquals(7.0, ((Number) point(metric(lines.get(1), "hits"), "sum").get("asDouble")).doubleValue());
    }

    @Test
    void a400IsCountedAndDroppedA503IsRetriedAndTotalsAreNotCountedTwice() throws Exception {
        OtlpSink sink = sink();
        Tags tags = Tags.of("k", "v");
        Files.writeString(status, "503");
        List<Sample> batch = List.of(Sample.of("hits", tags, 5, T, Kind.DELTA));
        assertThrows(IOException.class, () -> sink.write(batch), "503: the runner retries");
        Files.writeString(status, "400");
        sink.write(batch); // refused for good: not thrown, counted
        assertEquals(1, sink.rejectedPoints());
        Files.delete(status);
        sink.write(List.of(Sample.of("hits", tags, 1, T + 1000, Kind.DELTA)));
        sink.deactivate();
        List<Map<String, Object>> lines = requests();
        assertEquals(1, lines.size());
        // 5 refused by the receiver counts as sent (it can never be taken), the 503 attempt did not count
        assertEquals(6.0, ((Number) point(metric(lines.get(0), "hits"), "sum").get("asDouble")).doubleValue());
    }

    @Test
    void a413HalvesTheBatchUntilOneSampleIsRefusedForGood() throws Exception {
        OtlpSink sink = sink();
        Files.writeString(status, "413");
        List<Sample> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            batch.add(Sample.of("g" + i, Tags.EMPTY, i, T, Kind.GAUGE));
        }
        sink.write(batch); // 4, then 2 + 2, then 1 + 1 + 1 + 1: each single one refused and counted, nothing thrown
        assertEquals(4, sink.rejectedPoints());
        Files.writeString(status, "200");
        sink.write(batch.subList(0, 2));
        sink.deactivate();
        assertEquals(1, requests().size(), "only the request answered 200 was stored by the receiver");
        assertEquals(0.0, ((Number) point(metric(requests().get(0), "g0"), "gauge").get("asDouble")).doubleValue());
    }
}
