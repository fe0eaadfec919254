package lodestar.listener.otlp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPOutputStream;
import lodestar.api.ComponentStatus;
import lodestar.api.SamplesLostException;
import lodestar.support.json.Json;
import lodestar.testkit.CapturingPipeline;
import lodestar.testkit.Configs;
import lodestar.testkit.Heap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The listener's HTTP contract: statuses, partial success, backpressure, and hostile bodies. */
class OtlpHttpTest {

    private final CapturingPipeline pipeline = new CapturingPipeline();
    private final HttpClient client = HttpClient.newHttpClient();
    private OtlpListener listener;

    private void start(Object... config) {
        Object[] kv = Arrays.copyOf(new Object[] {"port", 0}, 2 + config.length);
        System.arraycopy(config, 0, kv, 2, config.length);
        listener = new OtlpListener(Configs.of(OtlpListener.Config.class, kv), pipeline, Map.of());
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.deactivate();
        }
    }

    private HttpResponse<byte[]> post(String type, String encoding, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.port() + "/v1/metrics"))
                .header("Content-Type", type).timeout(java.time.Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (encoding != null) {
            b.header("Content-Encoding", encoding);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static ExportMetricsServiceRequest gauges(int n) {
        Gauge.Builder g = Gauge.newBuilder();
        for (int i = 0; i < n; i++) {
            g.addDataPoints(NumberDataPoint.newBuilder().setAsDouble(i).setTimeUnixNano(1_700_000_000_000_000_000L + i * 1_000_000L)
                    .addAttributes(kv("i", Integer.toString(i))));
        }
        return request(Metric.newBuilder().setName("test.gauge").setGauge(g).build());
    }

    static io.opentelemetry.proto.common.v1.KeyValue kv(String k, String v) {
        return io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey(k)
                .setValue(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue(v)).build();
    }

    static ExportMetricsServiceRequest request(Metric... metrics) {
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(io.opentelemetry.proto.resource.v1.Resource.newBuilder().addAttributes(kv("service.name", "svc")))
                .addScopeMetrics(ScopeMetrics.newBuilder().addAllMetrics(Arrays.asList(metrics)))).build();
    }

    static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    private long counter(String name) {
        ComponentStatus s = listener.status();
        return s.counters().get(name);
    }

    @Test
    void protobufRequestBecomesSamplesAndAnEmptyAnswer() throws Exception {
        start();
        HttpResponse<byte[]> r = post("application/x-protobuf", null, gauges(3).toByteArray());
        assertEquals(200, r.statusCode());
        assertEquals(ExportMetricsServiceResponse.getDefaultInstance(), ExportMetricsServiceResponse.parseFrom(r.body()));
        assertEquals(3, pipeline.samples.size());
        assertEquals("svc", pipeline.samples.get(2).tags().get("service.name"));
        assertEquals(2.0, pipeline.samples.get(2).value());
        assertEquals(1_700_000_000_002L, pipeline.samples.get(2).timestamp());
        assertEquals(3, counter("samples"));
    }

    @Test
    void jsonRequestWithStringInt64sAndCamelCase() throws Exception {
        start();
        String json = """
                {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"web"}}]},
                 "scopeMetrics":[{"scope":{"name":"s"},"metrics":[
                  {"name":"http.requests","sum":{"aggregationTemporality":2,"isMonotonic":true,
                   "dataPoints":[{"asInt":"9007199254740993","timeUnixNano":"1700000000000000000",
                     "attributes":[{"key":"code","value":{"intValue":"200"}}]}]}},
                  {"name":"http.latency","histogram":{"aggregation_temporality":1,"dataPoints":[
                   {"count":"3","sum":6.5,"bucketCounts":["1","2"],"explicitBounds":[1.0],"timeUnixNano":"1700000000000000000"}]}}
                 ]}]}]}""";
        HttpResponse<byte[]> r = post("application/json; charset=utf-8", null, json.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals("{}", new String(r.body(), StandardCharsets.UTF_8));
        var requests = pipeline.matching(s -> s.name().equals("http.requests")).get(0);
        assertEquals(lodestar.api.Kind.COUNTER, requests.kind());
        assertEquals(9007199254740993.0, requests.value());
        assertEquals("200", requests.tags().get("code"));
        assertEquals("web", requests.tags().get("service.name"));
        var latency = pipeline.matching(s -> s.name().equals("http.latency")).get(0).histogram();
        assertEquals(lodestar.api.Histogram.Temporality.DELTA, latency.temporality());
        assertEquals(3, latency.count());
        assertEquals(6.5, latency.sum());
        assertEquals(2, latency.bucketCount(1));
    }

    @Test
    void partialSuccessCountsTheRefusedPoints() throws Exception {
        start();
        Metric bad = Metric.newBuilder().setName("bad.histogram").setHistogram(io.opentelemetry.proto.metrics.v1.Histogram.newBuilder()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addDataPoints(HistogramDataPoint.newBuilder().setCount(5).addExplicitBounds(1).addBucketCounts(1).addBucketCounts(1))
                .addDataPoints(HistogramDataPoint.newBuilder().setCount(2).addExplicitBounds(1).addBucketCounts(1).addBucketCounts(1)))
                .build();
        Metric noValue = Metric.newBuilder().setName("no.value").setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder()))
                .build();
        HttpResponse<byte[]> r = post("application/x-protobuf", null, request(bad, noValue).toByteArray());
        assertEquals(200, r.statusCode());
        var answer = ExportMetricsServiceResponse.parseFrom(r.body()).getPartialSuccess();
        assertEquals(2, answer.getRejectedDataPoints());
        assertTrue(answer.getErrorMessage().contains("bad.histogram"), answer.getErrorMessage());
        assertEquals(1, pipeline.samples.size(), "the good point went on");
        assertEquals(2, counter("rejected_points"));

        HttpResponse<byte[]> j = post("application/json", null, "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"\",\"gauge\":{\"dataPoints\":[{\"asDouble\":1}]}}]}]}]}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(200, j.statusCode());
        Map<String, Object> partial = Json.object(Json.object(Json.parse(new String(j.body(), StandardCharsets.UTF_8))).get("partialSuccess"));
        assertEquals("1", partial.get("rejectedDataPoints"), "int64 as a string in OTLP/JSON");
        assertEquals("metric without a name", partial.get("errorMessage"));
    }

    @Test
    void malformedTruncatedAndWrongTypeBodiesAreRefusedAndCounted() throws Exception {
        start();
        byte[] good = gauges(50).toByteArray();
        assertEquals(400, post("application/x-protobuf", null, Arrays.copyOf(good, good.length - 7)).statusCode(), "truncated");
        assertEquals(400, post("application/x-protobuf", null, new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3}).statusCode(), "garbage");
        assertEquals(400, post("application/json", null, "{\"resourceMetrics\":[".getBytes(StandardCharsets.UTF_8)).statusCode());
        assertEquals(400, post("application/json", null, "{\"resourceMetrics\":[{\"scopeMetrics\":7}]}".getBytes(StandardCharsets.UTF_8))
                .statusCode());
        assertEquals(400, post("application/x-protobuf", "gzip", good).statusCode(), "not gzip");
        assertEquals(400, post("application/x-protobuf", "gzip", Arrays.copyOf(gzip(good), 30)).statusCode(), "truncated gzip");
        assertEquals(415, post("text/plain", null, good).statusCode());
        assertEquals(415, post("application/x-protobuf", "br", good).statusCode());
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.port() + "/v1/metrics"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        HttpResponse<String> other = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.port() + "/v1/traces"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(good)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, other.statusCode());
        assertTrue(pipeline.samples.isEmpty());
        assertEquals(6 + 2, counter("bad_input"), "400s and 415s");
        assertEquals(2, counter("unsupported_media"));
        assertEquals(200, post("application/x-protobuf", null, good).statusCode(), "still serving");
    }

    @Test
    void oversizedBodiesBombsAndTooManyPointsAre413WithBoundedMemory() throws Exception {
        start("maxBodySize", "64KB", "maxDecompressedSize", "1MB", "maxDataPoints", 100);
        byte[] big = new byte[200 * 1024];
        assertEquals(413, post("application/x-protobuf", null, big).statusCode());
        // 1 GB of zeros gzips to about 1 MB: more than maxBodySize; 60 MB gzips to ~60 KB and passes it, then the
        // inflated size stops at 1 MB
        byte[] bomb = bomb(60L * 1024 * 1024);
        assertTrue(bomb.length < 64 * 1024, "bomb " + bomb.length);
        long before = Heap.usedAfterGc();
        for (int i = 0; i < 20; i++) {
            assertEquals(413, post("application/x-protobuf", "gzip", bomb).statusCode());
        }
        long after = Heap.usedAfterGc();
        assertTrue(after - before < 16L * 1024 * 1024, "heap grew by " + (after - before));
        assertEquals(413, post("application/x-protobuf", null, gauges(101).toByteArray()).statusCode());
        assertEquals(200, post("application/x-protobuf", "gzip", gzip(gauges(100).toByteArray())).statusCode());
        assertEquals(22, counter("too_large"));
        assertEquals(100, pipeline.samples.size());
    }

    static byte[] bomb(long zeros) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[1 << 20];
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            for (long n = 0; n < zeros; n += chunk.length) {
                z.write(chunk);
            }
        }
        return out.toByteArray();
    }

    @Test
    void fullPipelineIs503WithRetryAfterAndNothingHandedOn() throws Exception {
        start();
        pipeline.full = true;
        HttpResponse<byte[]> r = post("application/x-protobuf", null, gauges(2).toByteArray());
        assertEquals(503, r.statusCode());
        assertTrue(r.headers().firstValue("Retry-After").isPresent());
        assertEquals(1, counter("pipeline_full"));
        assertEquals(0, counter("samples"));
        pipeline.full = false;
        assertEquals(200, post("application/x-protobuf", null, gauges(2).toByteArray()).statusCode());
    }

    @Test
    void withAnAckTimeoutTheAnswerWaitsForTheSinks() throws Exception {
        start("ackTimeout", "300ms");
        CompletableFuture<Void> never = new CompletableFuture<>();
        pipeline.settlement = () -> never;
        assertEquals(503, post("application/x-protobuf", null, gauges(1).toByteArray()).statusCode());
        assertEquals(1, counter("ack_timeouts"));
        pipeline.settlement = () -> CompletableFuture.failedFuture(new SamplesLostException("dropped", 1));
        assertEquals(503, post("application/x-protobuf", null, gauges(1).toByteArray()).statusCode());
        assertEquals(1, counter("lost"));
        pipeline.settlement = () -> CompletableFuture.completedFuture(null);
        assertEquals(200, post("application/x-protobuf", null, gauges(1).toByteArray()).statusCode());
    }

    @Test
    void slowClientsHoldingConnectionsDoNotStopOthers() throws Exception {
        start();
        List<java.net.Socket> slow = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < OtlpServer.SPARE_THREADS; i++) {
                java.net.Socket s = new java.net.Socket("127.0.0.1", listener.port());
                s.getOutputStream().write("POST /v1/metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                slow.add(s); // headers never finished
            }
            Thread.sleep(300);
            assertEquals(200, post("application/x-protobuf", null, gauges(1).toByteArray()).statusCode());
            assertEquals("60", System.getProperty("sun.net.httpserver.maxReqTime"), "the JDK server ends slow requests");
        } finally {
            for (java.net.Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void badSettingsAreRefusedNamingTheProperty() {
        for (Object[] kv : new Object[][] {{"maxBodySize", "4"}, {"maxDecompressedSize", "1KB"}, {"maxConcurrentRequests", 0},
                {"maxDataPoints", 0}, {"port", 70000}, {"ackTimeout", "5"}}) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Settings.from(Configs.of(OtlpListener.Config.class, kv)));
            assertTrue(e.getMessage().startsWith((String) kv[0]), e.getMessage());
        }
    }

    @Test
    void aNewPortIsTakenLiveAndTheOldOneClosed() throws Exception {
        start();
        int before = listener.port();
        int free;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            free = probe.getLocalPort();
        }
        listener.modified(Configs.of(OtlpListener.Config.class, "port", free, "resourceTags", new String[] {"service.name,region"}));
        assertEquals(free, listener.port());
        assertEquals(200, post("application/x-protobuf", null, gauges(1).toByteArray()).statusCode());
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + before + "/v1/metrics")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()));
    }
}
