package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import lodestar.testkit.LodestarProcess;
import lodestar.testkit.PythonOtlp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * OTLP through the real platform under {@code -Xmx256m}: OpenTelemetry's Java SDK exports to the OTLP listener;
 * the values reach the store, and the OTLP sink writes them on, histograms whole, to a receiver that decodes them
 * with OpenTelemetry's Python classes. Then hostile bodies (gzip bombs, oversized, truncated) in parallel: each
 * refused with its status, counted, and the platform still serving.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpEndToEndIT {

    private final Path tmp = LodestarProcess.tempDir();
    private LodestarProcess lodestar;
    private Process receiver;
    private Path received;
    private int otlpPort;

    @BeforeAll
    void start() throws Exception {
        int receiverPort = LodestarProcess.freePort();
        received = tmp.resolve("received.jsonl");
        receiver = PythonOtlp.startReceiver(tmp, receiverPort, received, tmp.resolve("no-status"));
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), Files.createDirectories(tmp.resolve("home")), List.of("-Xmx256m"));
        otlpPort = LodestarProcess.freePort();
        // the listener's default bounds: what the README promises holds under -Xmx256m
        lodestar.config("lodestar.listener.otlp-apps.cfg", Map.of("port", "" + otlpPort));
        lodestar.config("lodestar.sink.otlp-out.cfg", Map.of("url", "http://127.0.0.1:" + receiverPort + "/v1/metrics",
                "include", "e2e.**", "flushInterval", "200ms", "gzip", "true"));
        lodestar.start();
        assertTrue(lodestar.awaitOutput("sink otlp-out started", 60_000), lodestar.output());
        assertTrue(lodestar.awaitOutput("OTLP listener otlp-apps on", 60_000), lodestar.output());
    }

    @AfterAll
    void stop() throws Exception {
        if (lodestar != null) {
            lodestar.close();
        }
        if (receiver != null) {
            receiver.destroy();
        }
    }

    @Test
    void theJavaSdksValuesReachTheStoreAndTheOtlpSinkWhole() throws Exception {
        var exporter = OtlpHttpMetricExporter.builder().setEndpoint("http://127.0.0.1:" + otlpPort + "/v1/metrics").build();
        try (SdkMeterProvider provider = SdkMeterProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "e2e-app")))
                .registerView(InstrumentSelector.builder().setName("e2e.otel.size").build(),
                        View.builder().setAggregation(Aggregation.base2ExponentialBucketHistogram(160, 20)).build())
                .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build()).build()) {
            Meter meter = provider.get("e2e");
            Attributes a = Attributes.of(AttributeKey.stringKey("route"), "/pay");
            meter.counterBuilder("e2e.otel.requests").build().add(42, a);
            meter.upDownCounterBuilder("e2e.otel.queue").build().add(-3);
            var latency = meter.histogramBuilder("e2e.otel.latency").setExplicitBucketBoundariesAdvice(List.of(10.0, 100.0)).build();
            latency.record(5, a);
            latency.record(50, a);
            latency.record(500, a);
            var size = meter.histogramBuilder("e2e.otel.size").build();
            size.record(2);
            size.record(8);
            assertTrue(provider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess(), lodestar.output());
        }
        String key = "e2e.otel.requests;route=/pay;service.name=e2e-app";
        double got = 0;
        for (long end = System.currentTimeMillis() + 15_000; System.currentTimeMillis() < end && got != 42; Thread.sleep(300)) {
            got = lastValue(lodestar.shell("lodestar:query '" + key + "' 10"));
        }
        assertEquals(42, got, lodestar.shell("lodestar:series 'e2e.*'"));
        // the store cannot keep a histogram whole: the core flattened it (docs/HISTOGRAMS.md)
        String tags = ";route=/pay;service.name=e2e-app";
        assertEquals(3, lastValue(lodestar.shell("lodestar:query 'e2e.otel.latency.count" + tags + "' 10")), lodestar.shell("lodestar:series 'e2e.*'"));
        assertEquals(555, lastValue(lodestar.shell("lodestar:query 'e2e.otel.latency.sum" + tags + "' 10")));
        assertEquals(2, lastValue(lodestar.shell("lodestar:query 'e2e.otel.latency.bucket;le=100" + tags + "' 10")));

        String lines = "";
        for (long end = System.currentTimeMillis() + 15_000; System.currentTimeMillis() < end; Thread.sleep(300)) {
            lines = Files.exists(received) ? Files.readString(received) : "";
            if (lines.contains("e2e.otel.latency") && lines.contains("e2e.otel.size") && lines.contains("e2e.otel.queue")) {
                break;
            }
        }
        // decoded by opentelemetry-proto (Python), as protobuf's JSON mapping writes it
        assertTrue(lines.contains("\"bucketCounts\": [\"1\", \"1\", \"1\"]"), lines);
        assertTrue(lines.contains("\"explicitBounds\": [10.0, 100.0]"), lines);
        assertTrue(lines.contains("\"sum\": 555.0"), lines);
        assertTrue(lines.contains("\"exponentialHistogram\""), lines);
        assertTrue(lines.contains("\"asDouble\": 42.0"), lines);
        assertTrue(lines.contains("\"asDouble\": -3.0"), lines);
    }

    /**
     * The worst a request within the bounds can cost: just under maxDecompressedSize (8 MB) once inflated, every
     * byte of it small data points (about 150,000, over maxDataPoints: refused with 413, but only after decoding).
     */
    private static byte[] heavyRequest() throws Exception {
        var g = io.opentelemetry.proto.metrics.v1.Gauge.newBuilder();
        int n = 0;
        long size = 0;
        while (size < 7_900_000) {
            var p = io.opentelemetry.proto.metrics.v1.NumberDataPoint.newBuilder().setAsDouble(n).setTimeUnixNano(1L + n)
                    .addAttributes(io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey("k").setValue(
                            io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue(Integer.toString(n)))).build();
            g.addDataPoints(p);
            size += p.getSerializedSize() + 3;
            n++;
        }
        byte[] raw = io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.newBuilder().addResourceMetrics(
                io.opentelemetry.proto.metrics.v1.ResourceMetrics.newBuilder().addScopeMetrics(io.opentelemetry.proto.metrics.v1.ScopeMetrics
                        .newBuilder().addMetrics(io.opentelemetry.proto.metrics.v1.Metric.newBuilder().setName("heavy").setGauge(g))))
                .build().toByteArray();
        assertTrue(raw.length < 8 << 20 && n > 100_000, raw.length + " bytes, " + n + " points");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(raw);
        }
        return out.toByteArray();
    }

    private static double lastValue(String queryOutput) {
        try {
            return ZibratoWireIT.lastValue(queryOutput);
        } catch (RuntimeException e) {
            return Double.NaN; // "no points" yet
        }
    }

    @Test
    void hostileBodiesAreRefusedCountedAndTheHeapHolds() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + otlpPort + "/v1/metrics");
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bomb)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 500; i++) {
                z.write(zeros); // 500 MB of zeros in about 500 KB
            }
        }
        byte[] heavy = heavyRequest();
        // 8 senders at once against 2 decoding permits: a 503 is retried as an OTLP sender would, so every request
        // ends with its own answer
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int kind = i % 4;
            int n = i;
            answers.add(pool.submit(() -> {
                for (int attempt = 0; attempt < 200; attempt++) {
                    HttpRequest.Builder r = HttpRequest.newBuilder(uri).header("Content-Type", "application/x-protobuf")
                            .timeout(Duration.ofSeconds(60));
                    switch (kind) {
                        case 0 -> r.header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(n % 8 == 0 ? bomb.toByteArray() : heavy));
                        case 1 -> r.POST(HttpRequest.BodyPublishers.ofByteArray(new byte[5 << 20])); // over maxBodySize
                        case 2 -> r.POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {0x0a, 0x7f, 0x0a})); // truncated
                        default -> r.header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {0x1f, (byte) 0x8b, 8, 0}));
                    }
                    int status = client.send(r.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status != 503) {
                        return status;
                    }
                    Thread.sleep(100);
                }
                return 503;
            }));
        }
        for (int i = 0; i < answers.size(); i++) {
            int status = answers.get(i).get(120, TimeUnit.SECONDS);
            assertEquals(i % 4 < 2 ? 413 : 400, status, "request " + i);
        }
        pool.shutdown();
        assertTrue(lodestar.isAlive(), lodestar.output());
        assertTrue(!lodestar.output().contains("OutOfMemoryError"), lodestar.output());
        String status = lodestar.shell("lodestar:status");
        assertTrue(status.contains("otlp-apps") && status.contains("too_large=20,"), status);
        HttpResponse<String> ok = client.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"resourceMetrics\":[]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode(), ok.body());
    }
}
