package lodestar.sink.remotewrite.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import lodestar.api.Histogram;
import lodestar.api.Histogram.Temporality;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.proto.prompb.Remote;
import lodestar.proto.prompb.Types;
import lodestar.proto.remotewrite.NativeHistograms;
import lodestar.support.secrets.Secrets;
import lodestar.testkit.Configs;

/** What the sink sends, decoded independently (snappy-java, the generated messages), and how it takes answers. */
class RemoteWriteSinkTest {

    private HttpServer server;
    private final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
    private final List<byte[]> bodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(204);
    private RemoteWriteSink sink;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/write", ex -> {
            Map<String, String> h = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(), v.get(0)));
            headers.add(h);
            bodies.add(ex.getRequestBody().readAllBytes());
            int s = status.get();
            byte[] answer = s == 204 ? new byte[0] : "out of order sample".getBytes();
            ex.sendResponseHeaders(s, s == 204 ? -1 : answer.length);
            if (s != 204) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(answer);
                }
            }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (sink != null) {
            sink.deactivate();
        }
        server.stop(0);
    }

    private RemoteWriteSink sink(Map<String, Object> props) {
        Map<String, Object> p = new java.util.HashMap<>(props);
        p.put("url", "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/write");
        return new RemoteWriteSink(Configs.of(RemoteWriteSink.Config.class, p), Secrets.of(p));
    }

    static final Histogram EXP = Histogram.exponential(Temporality.CUMULATIVE, 0, 6, 10.5, Double.NaN, Double.NaN, 2, 0.001, 1, -3,
            new long[] {2, 0, 3}, 0, new long[0]);
    static final Histogram EXPLICIT = Histogram.explicit(Temporality.CUMULATIVE, 0, 6, 4.5, Double.NaN, Double.NaN,
            new double[] {0.1, 1}, new long[] {1, 3, 2});
    static final Histogram SUMMARY = Histogram.summary(0, 10, 20, new double[] {0.5, 0.99}, new double[] {1.5, 3});

    static List<Sample> batch(long ts) {
        return List.of(new Sample("sys.cpu.user", Tags.of("host", "a-1", "cpu.id", "0", "empty", ""), 12.5, ts, Kind.GAUGE),
                new Sample("http.requests", Tags.of("code", "200"), 42, ts, Kind.COUNTER),
                new Sample("sys.cpu.user", Tags.of("host", "a-1", "cpu.id", "0"), 13.5, ts - 1000, Kind.GAUGE),
                Sample.histogram("rpc.latency", Tags.of("svc", "x"), EXP, ts),
                Sample.histogram("db.latency", Tags.EMPTY, EXPLICIT, ts),
                Sample.histogram("gc.pause", Tags.EMPTY, SUMMARY, ts));
    }

    @Test
    void version1Request() throws Exception {
        sink = sink(Map.of());
        sink.write(batch(100_000));
        assertEquals(1, bodies.size());
        Map<String, String> h = headers.get(0);
        assertEquals("snappy", h.get("content-encoding"));
        assertEquals("application/x-protobuf", h.get("content-type"));
        assertEquals("0.1.0", h.get("x-prometheus-remote-write-version"));
        Remote.WriteRequest req = Remote.WriteRequest.parseFrom(org.xerial.snappy.Snappy.uncompress(bodies.get(0)));
        Map<String, Types.TimeSeries> series = new TreeMap<>();
        for (Types.TimeSeries ts : req.getTimeseriesList()) {
            StringBuilder k = new StringBuilder();
            String previous = "";
            for (Types.Label l : ts.getLabelsList()) {
                assertTrue(l.getName().compareTo(previous) > 0, "labels sorted: " + ts.getLabelsList());
                previous = l.getName();
                k.append(l.getName()).append('=').append(l.getValue()).append(',');
            }
            series.put(k.toString(), ts);
        }
        Types.TimeSeries cpu = series.get("__name__=sys_cpu_user,cpu_id=0,host=a-1,");
        assertEquals(List.of(99_000L, 100_000L), cpu.getSamplesList().stream().map(Types.Sample::getTimestamp).toList(),
                "two samples of one series, in time order");
        assertEquals(13.5, cpu.getSamples(0).getValue());
        assertEquals(42, series.get("__name__=http_requests_total,code=200,").getSamples(0).getValue());
        Types.TimeSeries rpc = series.get("__name__=rpc_latency,svc=x,");
        assertEquals(1, rpc.getHistogramsCount());
        assertEquals(EXP, NativeHistograms.fromV1(rpc.getHistograms(0), 100_000));
        assertEquals(1, series.get("__name__=db_latency_bucket,le=0.1,").getSamples(0).getValue());
        assertEquals(4, series.get("__name__=db_latency_bucket,le=1,").getSamples(0).getValue());
        assertEquals(6, series.get("__name__=db_latency_bucket,le=+Inf,").getSamples(0).getValue());
        assertEquals(4.5, series.get("__name__=db_latency_sum,").getSamples(0).getValue());
        assertEquals(6, series.get("__name__=db_latency_count,").getSamples(0).getValue());
        assertEquals(3, series.get("__name__=gc_pause,quantile=0.99,").getSamples(0).getValue());
        assertEquals(10, series.get("__name__=gc_pause_count,").getSamples(0).getValue());
        Map<String, Types.MetricMetadata.MetricType> meta = new TreeMap<>();
        req.getMetadataList().forEach(m -> meta.put(m.getMetricFamilyName(), m.getType()));
        assertEquals(Types.MetricMetadata.MetricType.COUNTER, meta.get("http_requests_total"));
        assertEquals(Types.MetricMetadata.MetricType.HISTOGRAM, meta.get("db_latency"));
        assertEquals(Types.MetricMetadata.MetricType.SUMMARY, meta.get("gc_pause"));
        assertEquals(Types.MetricMetadata.MetricType.GAUGE, meta.get("sys_cpu_user"));
        assertEquals(6, sink.samplesSent());
    }

    @Test
    void version2Request() throws Exception {
        sink = sink(Map.of("protocol", "2.0", "bearerToken", "s3cret", "tenant", "team-a"));
        sink.write(batch(100_000));
        Map<String, String> h = headers.get(0);
        assertEquals("application/x-protobuf;proto=io.prometheus.write.v2.Request", h.get("content-type"));
        assertEquals("2.0.0", h.get("x-prometheus-remote-write-version"));
        assertEquals("Bearer s3cret", h.get("authorization"));
        assertEquals("team-a", h.get("x-scope-orgid"));
        var req = lodestar.proto.prompb.v2.Types.Request.parseFrom(org.xerial.snappy.Snappy.uncompress(bodies.get(0)));
        assertEquals("", req.getSymbols(0));
        assertEquals(req.getSymbolsCount(), req.getSymbolsList().stream().distinct().count(), "interned once each");
        boolean found = false;
        for (var ts : req.getTimeseriesList()) {
            List<String> labels = ts.getLabelsRefsList().stream().map(req::getSymbols).toList();
            if (labels.equals(List.of("__name__", "rpc_latency", "svc", "x"))) {
                assertEquals(EXP, NativeHistograms.fromV2(ts.getHistograms(0), 1));
                assertEquals(lodestar.proto.prompb.v2.Types.Metadata.MetricType.METRIC_TYPE_HISTOGRAM, ts.getMetadata().getType());
                found = true;
            }
            if (labels.equals(List.of("__name__", "http_requests_total", "code", "200"))) {
                assertEquals(lodestar.proto.prompb.v2.Types.Metadata.MetricType.METRIC_TYPE_COUNTER, ts.getMetadata().getType());
            }
        }
        assertTrue(found);
    }

    @Test
    void requestsAreSplitAtMaxSamples() throws Exception {
        sink = sink(Map.of("maxSamplesPerRequest", 2));
        sink.write(batch(100_000));
        assertEquals(3, bodies.size());
    }

    @Test
    void refusedDataIsCountedNotRetriedAndServerErrorsAre() {
        sink = sink(Map.of());
        status.set(400);
        assertDoesNotThrow(() -> sink.write(batch(1)));
        assertEquals(6, sink.refusedSamples());
        status.set(500);
        assertThrows(IOException.class, () -> sink.write(batch(1)));
        status.set(429);
        assertThrows(IOException.class, () -> sink.write(batch(1)));
        status.set(404);
        IOException e = assertThrows(IOException.class, () -> sink.write(batch(1)));
        assertTrue(e.getMessage().contains("--web.enable-remote-write-receiver"), e.getMessage());
    }

    @Test
    void exponentialHistogramsCoarserThanSchemaMinus4AreRefused() {
        sink = sink(Map.of());
        Histogram coarse = Histogram.exponential(Temporality.CUMULATIVE, 0, 1, 1, Double.NaN, Double.NaN, -5, 0, 0, 0,
                new long[] {1}, 0, new long[0]);
        assertFalse(sink.accepts(Sample.histogram("x", Tags.EMPTY, coarse, 1)));
        assertTrue(sink.accepts(Sample.histogram("x", Tags.EMPTY, EXP, 1)));
    }

    @Test
    void badConfiguration() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sink(Map.of("protocol", "3")));
        assertTrue(e.getMessage().startsWith("protocol"));
        e = assertThrows(IllegalArgumentException.class, () -> sink(Map.of("username", "u", "bearerToken", "t")));
        assertTrue(e.getMessage().startsWith("bearerToken"));
        e = assertThrows(IllegalArgumentException.class, () -> new RemoteWriteSink(Configs.of(RemoteWriteSink.Config.class,
                Map.of("url", "ftp://x")), Secrets.of(Map.of())));
        assertTrue(e.getMessage().startsWith("url"));
    }

}
