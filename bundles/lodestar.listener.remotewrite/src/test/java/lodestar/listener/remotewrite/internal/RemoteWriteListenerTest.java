package lodestar.listener.remotewrite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import lodestar.api.Histogram;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.SamplesLostException;
import lodestar.api.Tags;
import lodestar.proto.prompb.Remote;
import lodestar.proto.prompb.Types;
import lodestar.support.snappy.Snappy;
import lodestar.testkit.CapturingPipeline;

class RemoteWriteListenerTest {

    private final CapturingPipeline pipeline = new CapturingPipeline();
    private final HttpClient http = HttpClient.newHttpClient();
    private RemoteWriteListener listener;

    private String url() {
        return "http://127.0.0.1:" + listener.port() + "/api/v1/write";
    }

    private void start(boolean wait, String settleTimeout, String maxBody, String maxDecompressed, int maxSeries) {
        listener = new RemoteWriteListener(config(wait, settleTimeout, maxBody, maxDecompressed, maxSeries), pipeline,
                Map.of());
    }

    private void start() {
        start(true, "5s", "4MB", "16MB", 50_000);
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.deactivate();
        }
    }

    private long counter(String name) {
        Long v = listener.status().counters().get(name);
        return v == null ? -1 : v;
    }

    @Test
    void version1SamplesMetadataAndHistograms() throws Exception {
        start();
        Remote.WriteRequest req = Remote.WriteRequest.newBuilder()
                .addMetadata(Types.MetricMetadata.newBuilder().setMetricFamilyName("queue_size").setType(Types.MetricMetadata.MetricType.COUNTER))
                .addTimeseries(Requests.series("http_requests_total", 42, 1000, "job", "api", "code", "200"))
                .addTimeseries(Requests.series("temperature", 21.5, 1000, "room", "b", "empty", ""))
                .addTimeseries(Requests.series("queue_size", 7, 1000))
                .addTimeseries(Requests.series("latency_bucket", 3, 1000, "le", "0.5"))
                .addTimeseries(Requests.series("gone", Double.longBitsToDouble(Decoder.STALE_NAN), 1000))
                .addTimeseries(Types.TimeSeries.newBuilder().addLabels(Requests.label("__name__", "rpc_seconds"))
                        .addHistograms(Types.Histogram.newBuilder().setSchema(0).setCountInt(3).setSum(4.5).setZeroCountInt(1)
                                .setTimestamp(2000).addPositiveSpans(Types.BucketSpan.newBuilder().setOffset(1).setLength(2))
                                .addPositiveDeltas(1).addPositiveDeltas(0)))
                .build();
        HttpResponse<String> r = Requests.post(http, url(), Requests.V1_TYPE, Snappy.compress(req.toByteArray()));
        assertEquals(204, r.statusCode(), r.body());
        Map<String, Sample> got = byKey(pipeline.samples);
        assertEquals(5, got.size(), got.toString());
        Sample c = got.get("http_requests_total;code=200;job=api");
        assertEquals(42, c.value());
        assertEquals(1000, c.timestamp());
        assertEquals(Kind.COUNTER, c.kind());
        assertEquals(Kind.GAUGE, got.get("temperature;room=b").kind(), "an empty label is an absent one");
        assertEquals(Kind.COUNTER, got.get("queue_size").kind(), "metadata says counter");
        assertEquals(Kind.COUNTER, got.get("latency_bucket;le=0.5").kind());
        Histogram h = got.get("rpc_seconds").histogram();
        assertNotNull(h);
        assertEquals(3, h.count());
        assertEquals(0, h.positiveOffset());
        assertEquals(List.of(1L, 1L), List.of(h.positiveCounts()[0], h.positiveCounts()[1]));
        assertEquals(2000, got.get("rpc_seconds").timestamp());
        assertEquals(1, counter("stale_markers"));
        assertEquals(4, counter("samples") - counter("histograms"));
        assertEquals(1, counter("histograms"));
    }

    @Test
    void version2SymbolsMetadataAndWrittenHeaders() throws Exception {
        start();
        var req = lodestar.proto.prompb.v2.Types.Request.newBuilder()
                .addAllSymbols(List.of("", "__name__", "jobs_done_total", "job", "batch", "load", "rpc"))
                .addTimeseries(lodestar.proto.prompb.v2.Types.TimeSeries.newBuilder().addAllLabelsRefs(List.of(1, 2, 3, 4))
                        .setMetadata(lodestar.proto.prompb.v2.Types.Metadata.newBuilder().setType(
                                lodestar.proto.prompb.v2.Types.Metadata.MetricType.METRIC_TYPE_COUNTER))
                        .addSamples(lodestar.proto.prompb.v2.Types.Sample.newBuilder().setValue(5).setTimestamp(10))
                        .addSamples(lodestar.proto.prompb.v2.Types.Sample.newBuilder().setValue(6).setTimestamp(20)))
                .addTimeseries(lodestar.proto.prompb.v2.Types.TimeSeries.newBuilder().addAllLabelsRefs(List.of(1, 5))
                        .setMetadata(lodestar.proto.prompb.v2.Types.Metadata.newBuilder().setType(
                                lodestar.proto.prompb.v2.Types.Metadata.MetricType.METRIC_TYPE_GAUGE))
                        .addSamples(lodestar.proto.prompb.v2.Types.Sample.newBuilder().setValue(0.25).setTimestamp(10)))
                .addTimeseries(lodestar.proto.prompb.v2.Types.TimeSeries.newBuilder().addAllLabelsRefs(List.of(1, 6))
                        .addHistograms(lodestar.proto.prompb.v2.Types.Histogram.newBuilder().setSchema(2).setCountFloat(2)
                                .setSum(3).setZeroCountFloat(2).setTimestamp(10)))
                .build();
        HttpResponse<String> r = Requests.post(http, url(), Requests.V2_TYPE, Snappy.compress(req.toByteArray()));
        assertEquals(204, r.statusCode(), r.body());
        assertEquals("3", r.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written").orElse(null));
        assertEquals("1", r.headers().firstValue("X-Prometheus-Remote-Write-Histograms-Written").orElse(null));
        assertEquals("0", r.headers().firstValue("X-Prometheus-Remote-Write-Exemplars-Written").orElse(null));
        assertEquals(4, pipeline.samples.size());
        assertTrue(pipeline.samples.contains(new Sample("jobs_done_total", Tags.of("job", "batch"), 6, 20, Kind.COUNTER)));
        assertTrue(pipeline.samples.contains(new Sample("load", Tags.EMPTY, 0.25, 10, Kind.GAUGE)));
        assertEquals(2, byKey(pipeline.samples).get("rpc").histogram().zeroCount());
    }

    @Test
    void badRequestsGetTheirStatusAndAreCounted() throws Exception {
        start(true, "5s", "64KB", "1MB", 10);
        byte[] good = Snappy.compress(Remote.WriteRequest.newBuilder().addTimeseries(Requests.series("x", 1, 1)).build().toByteArray());
        assertEquals(415, Requests.post(http, url(), "application/json", good).statusCode());
        assertEquals(415, Requests.post(http, url(), "application/x-protobuf;proto=foo.Bar", good).statusCode());
        assertEquals(415, http.send(HttpRequest.newBuilder(URI.create(url())).header("Content-Type", Requests.V1_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(good)).build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
                "no Content-Encoding");
        assertEquals(400, Requests.post(http, url(), Requests.V1_TYPE, "not snappy at all".getBytes()).statusCode());
        assertEquals(400, Requests.post(http, url(), Requests.V1_TYPE, Snappy.compress(new byte[] {(byte) 0xff, 0x01, 0x02}))
                .statusCode(), "snappy, but not protobuf");
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        assertEquals(400, Requests.post(http, url(), Requests.V1_TYPE, truncated).statusCode());
        // a bomb: declares 1 GB in a few bytes
        byte[] bomb = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x04, 0, 0};
        assertEquals(413, Requests.post(http, url(), Requests.V1_TYPE, bomb).statusCode());
        // a real 2 MB of zeros compresses to ~100 KB... here to well under 64 KB, but decompresses past 1 MB
        assertEquals(413, Requests.post(http, url(), Requests.V1_TYPE, Snappy.compress(new byte[2_000_000])).statusCode());
        assertEquals(413, Requests.post(http, url(), Requests.V1_TYPE, new byte[100_000]).statusCode(), "over maxBodySize");
        assertEquals(413, Requests.post(http, url(), Requests.V1_TYPE, Requests.v1Batch(11, 1, 1)).statusCode(), "11 series");
        assertEquals(405, http.send(HttpRequest.newBuilder(URI.create(url())).GET().build(), HttpResponse.BodyHandlers.ofString())
                .statusCode());
        assertEquals(404, Requests.post(http, url().replace("/write", "/read"), Requests.V1_TYPE, good).statusCode());
        assertEquals(0, pipeline.samples.size());
        assertEquals(12, counter("bad_input"));
        assertEquals(4, counter("too_large"));
        // and it still serves
        assertEquals(204, Requests.post(http, url(), Requests.V1_TYPE, good).statusCode());
        assertEquals(1, pipeline.samples.size());
    }

    @Test
    void invalidSeriesAreSkippedTheRestKeptAnd400() throws Exception {
        start();
        Remote.WriteRequest req = Remote.WriteRequest.newBuilder()
                .addTimeseries(Requests.series("ok", 1, 1))
                .addTimeseries(Types.TimeSeries.newBuilder().addLabels(Requests.label("job", "x"))
                        .addSamples(Types.Sample.newBuilder().setValue(1).setTimestamp(1)))
                .addTimeseries(Requests.series("dup", 1, 1, "a", "1", "a", "2"))
                .build();
        HttpResponse<String> r = Requests.post(http, url(), Requests.V1_TYPE, Snappy.compress(req.toByteArray()));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("2 invalid series"), r.body());
        assertEquals(1, pipeline.samples.size());
        assertEquals(2, counter("invalid_series"));
    }

    @Test
    void aFullPipelineIsAnswered503AndTheRetryTakesIt() throws Exception {
        start();
        byte[] body = Requests.v1Batch(3, 2, 1000);
        pipeline.full = true;
        HttpResponse<String> r = Requests.post(http, url(), Requests.V1_TYPE, body);
        assertEquals(503, r.statusCode());
        assertEquals(0, pipeline.samples.size());
        assertEquals(1, counter("pipeline_full"));
        pipeline.full = false;
        assertEquals(204, Requests.post(http, url(), Requests.V1_TYPE, body).statusCode());
        assertEquals(6, pipeline.samples.size());
    }

    @Test
    void the204WaitsForSettlementAndLossOrTimeoutIs503() throws Exception {
        start(true, "1s", "4MB", "16MB", 100);
        CompletableFuture<Void> settle = new CompletableFuture<>();
        pipeline.settlement = () -> settle;
        CompletableFuture<HttpResponse<String>> pending = CompletableFuture.supplyAsync(() -> {
            try {
                return Requests.post(http, url(), Requests.V1_TYPE, Requests.v1Batch(1, 1, 1));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertTrue(pipeline.await(s -> true, 5000));
        Thread.sleep(200);
        assertFalse(pending.isDone(), "answered before the sinks settled");
        assertEquals(1, listener.status().counters().get("in_flight"));
        settle.complete(null);
        assertEquals(204, pending.get().statusCode());

        pipeline.settlement = () -> CompletableFuture.failedFuture(new SamplesLostException("x", 1));
        assertEquals(503, Requests.post(http, url(), Requests.V1_TYPE, Requests.v1Batch(1, 1, 2)).statusCode());
        assertEquals(1, counter("lost"));

        pipeline.settlement = CompletableFuture::new; // never settles
        assertEquals(503, Requests.post(http, url(), Requests.V1_TYPE, Requests.v1Batch(1, 1, 3)).statusCode());
        assertEquals(1, counter("settle_timeouts"));
        assertEquals(0, listener.status().counters().get("in_flight"));
    }

    @Test
    void mutatedRequestsDecodeOrAreRefusedNeverAnythingElse() throws Exception {
        Decoder decoder = new Decoder(1000, 10_000, 100);
        byte[] v1 = Remote.WriteRequest.newBuilder()
                .addMetadata(Types.MetricMetadata.newBuilder().setMetricFamilyName("a").setType(Types.MetricMetadata.MetricType.HISTOGRAM))
                .addTimeseries(Requests.series("a_bucket", 1, 1, "le", "1"))
                .addTimeseries(Types.TimeSeries.newBuilder().addLabels(Requests.label("__name__", "h"))
                        .addHistograms(Types.Histogram.newBuilder().setSchema(1).setCountInt(3).setZeroCountInt(1)
                                .addPositiveSpans(Types.BucketSpan.newBuilder().setOffset(-2).setLength(2))
                                .addPositiveDeltas(1).addPositiveDeltas(0).addCustomValues(1)))
                .build().toByteArray();
        byte[] v2 = lodestar.proto.prompb.v2.Types.Request.newBuilder().addAllSymbols(List.of("", "__name__", "x", "le", "1"))
                .addTimeseries(lodestar.proto.prompb.v2.Types.TimeSeries.newBuilder().addAllLabelsRefs(List.of(1, 2, 3, 4))
                        .addSamples(lodestar.proto.prompb.v2.Types.Sample.newBuilder().setValue(1).setTimestamp(1))
                        .addHistograms(lodestar.proto.prompb.v2.Types.Histogram.newBuilder().setSchema(-53).setCountFloat(2)
                                .addCustomValues(1).addCustomValues(2)
                                .addPositiveSpans(lodestar.proto.prompb.v2.Types.BucketSpan.newBuilder().setOffset(0).setLength(2))
                                .addPositiveCounts(1).addPositiveCounts(1)))
                .build().toByteArray();
        java.util.Random r = new java.util.Random(11);
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            boolean second = (i & 1) == 1;
            byte[] m = (second ? v2 : v1).clone();
            for (int k = 1 + r.nextInt(4); k > 0; k--) {
                m[r.nextInt(m.length)] = (byte) r.nextInt(256);
            }
            try {
                Decoder.Result res = second ? decoder.decodeV2(m) : decoder.decodeV1(m);
                decoded++;
                assertTrue(res.samples.size() <= 10_000);
            } catch (com.google.protobuf.InvalidProtocolBufferException | Decoder.TooManyException refused) {
                // the listener's 400 and 413
            }
        }
        assertTrue(decoded > 1000, "most mutations still parse, and their series are checked: " + decoded);
    }

    @Test
    void contentTypes() {
        assertEquals(Boolean.FALSE, RemoteWriteListener.version("application/x-protobuf"));
        assertEquals(Boolean.FALSE, RemoteWriteListener.version("application/x-protobuf;proto=prometheus.WriteRequest"));
        assertEquals(Boolean.TRUE, RemoteWriteListener.version("application/x-protobuf; proto=io.prometheus.write.v2.Request"));
        assertNull(RemoteWriteListener.version("text/plain"));
        assertNull(RemoteWriteListener.version(null));
    }

    @Test
    void badConfigurationIsRefusedWithThePropertyName() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new RemoteWriteListener(config(true, "5", "4MB", "16MB", 1), pipeline, Map.of()));
        assertTrue(e.getMessage().startsWith("settleTimeout"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new RemoteWriteListener(config(true, "5s", "4MB", "16MB", 0), pipeline, Map.of()));
        assertTrue(e.getMessage().startsWith("maxSeriesPerRequest"), e.getMessage());
    }

    static Map<String, Sample> byKey(List<Sample> samples) {
        Map<String, Sample> m = new java.util.TreeMap<>();
        for (Sample s : samples) {
            m.put(s.seriesKey(), s);
        }
        return m;
    }

    static RemoteWriteListener.Config config(boolean wait, String settleTimeout, String maxBody, String maxDecompressed,
            int maxSeries) {
        return new RemoteWriteListener.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return RemoteWriteListener.Config.class;
            }

            @Override
            public String bind() {
                return "127.0.0.1";
            }

            @Override
            public int port() {
                return 0;
            }

            @Override
            public String maxBodySize() {
                return maxBody;
            }

            @Override
            public String maxDecompressedSize() {
                return maxDecompressed;
            }

            @Override
            public int maxSeriesPerRequest() {
                return maxSeries;
            }

            @Override
            public int maxSamplesPerRequest() {
                return 100_000;
            }

            @Override
            public int decodeThreads() {
                return 2;
            }

            @Override
            public int maxInFlight() {
                return 8;
            }

            @Override
            public boolean waitForSettlement() {
                return wait;
            }

            @Override
            public String settleTimeout() {
                return settleTimeout;
            }

            @Override
            public int maxMetadata() {
                return 1000;
            }
        };
    }
}
