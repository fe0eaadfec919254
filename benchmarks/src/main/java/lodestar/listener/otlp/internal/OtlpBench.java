package lodestar.listener.otlp.internal;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import lodestar.api.ComponentStatus;
import lodestar.api.Histogram;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.core.internal.PipelineComponent;
import lodestar.store.internal.StoreComponent;
import lodestar.testkit.Configs;
import org.osgi.framework.BundleContext;

/**
 * OTLP figures (BENCHMARKS.md, "OTLP"): samples/s from OTLP/HTTP senders through the listener and the core into the
 * store, at 0 loss (every 503 retried, the store's written count checked against what was sent); and bytes per
 * sample on the wire of the OTLP sink's requests, plain and gzip, for gauges, counters and histograms.
 *
 * <pre>benchmarks/run otlp [requests=2000] [points=1000] [senders=2] [runs=3]</pre>
 */
public final class OtlpBench {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("arguments are name=value: " + arg);
            }
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        int requests = Integer.parseInt(a.getOrDefault("requests", "2000"));
        int points = Integer.parseInt(a.getOrDefault("points", "1000"));
        int senders = Integer.parseInt(a.getOrDefault("senders", "2"));
        int runs = Integer.parseInt(a.getOrDefault("runs", "3"));
        double[] rates = new double[runs];
        for (int r = 0; r < runs; r++) {
            rates[r] = ingest(requests, points, senders);
            System.out.printf("run %d: %,.0f samples/s%n", r + 1, rates[r]);
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        System.out.printf("otlp listener -> store, %d requests x %d points, %d senders, %d runs: median %,.0f samples/s (min %,.0f, max %,.0f)%n",
                requests, points, senders, runs, sorted[runs / 2], sorted[0], sorted[runs - 1]);
        wire();
    }

    static byte[] request(int points, long timeNanos, int offset) {
        Gauge.Builder g = Gauge.newBuilder();
        for (int i = 0; i < points; i++) {
            g.addDataPoints(NumberDataPoint.newBuilder().setAsDouble(i * 0.5).setTimeUnixNano(timeNanos)
                    .addAttributes(kv("host", "host" + ((offset + i) % 100))).addAttributes(kv("series", Integer.toString(offset + i))));
        }
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", "bench")))
                .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder().setName("bench.otlp.value").setGauge(g))))
                .build().toByteArray();
    }

    static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    static double ingest(int requests, int points, int senders) throws Exception {
        Path home = Files.createTempDirectory("otlp-bench");
        BundleContext context = (BundleContext) Proxy.newProxyInstance(OtlpBench.class.getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> method.getName().equals("getProperty") && "lodestar.home".equals(args[0]) ? home.toString() : null);
        StoreComponent store = new StoreComponent(Configs.of(StoreComponent.Config.class, "persistInterval", "0", "maxMemory", "512MB"), context);
        PipelineComponent pipeline = new PipelineComponent(Configs.of(PipelineComponent.Config.class,
                Map.of("selfInterval", "0", "bufferDisk", "0")), null);
        Map<String, Object> storeProps = Map.of("component.name", "lodestar.store", "batchSize", 5000, "flushInterval", "100ms",
                "bufferMemory", "64MB");
        Method add = PipelineComponent.class.getDeclaredMethod("addSink", lodestar.api.Sink.class, Map.class);
        add.setAccessible(true);
        add.invoke(pipeline, store, storeProps);
        OtlpListener listener = new OtlpListener(Configs.of(OtlpListener.Config.class, "port", 0, "maxConcurrentRequests", senders + 2),
                pipeline, Map.of());
        URI uri = URI.create("http://127.0.0.1:" + listener.port() + "/v1/metrics");
        // distinct series per sender and increasing times: every point is a new point in the store
        long t0Nanos = (System.currentTimeMillis() - 3_600_000L) * 1_000_000L;
        AtomicLong retries = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            Thread t = new Thread(() -> {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                try {
                    for (int r = sender; r < requests; r += senders) {
                        byte[] body = request(points, t0Nanos + (long) r * 1_000_000_000L, sender * points);
                        while (true) {
                            HttpResponse<Void> resp = client.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-protobuf")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
                            if (resp.statusCode() == 200) {
                                break;
                            }
                            if (resp.statusCode() != 503) {
                                throw new IllegalStateException("HTTP " + resp.statusCode());
                            }
                            retries.incrementAndGet();
                            Thread.sleep(5);
                        }
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        long expected = (long) requests * points;
        while (counter(pipeline, "written") < expected) {
            Thread.sleep(1);
        }
        long took = System.nanoTime() - start;
        long dropped = counter(pipeline, "dropped");
        long written = counter(pipeline, "written");
        listener.deactivate();
        Method deact = PipelineComponent.class.getDeclaredMethod("deactivate");
        deact.setAccessible(true);
        deact.invoke(pipeline);
        if (dropped != 0 || written != expected) {
            throw new IllegalStateException(dropped + " samples dropped: the measurement is void");
        }
        System.out.printf("  %,d samples written to the store, 0 dropped, %,d requests answered 503 and retried%n", expected, retries.get());
        return expected / (took / 1e9);
    }

    private static long counter(PipelineComponent p, String name) {
        ComponentStatus s = p.status().stream().filter(c -> c.type().equals("sink")).findFirst().orElseThrow();
        Long v = s.counters().get(name);
        return v == null ? 0 : v;
    }

    /** The OTLP sink's requests for typical batches: bytes per sample, protobuf and gzip. */
    static void wire() throws Exception {
        long now = System.currentTimeMillis();
        int n = 1000;
        List<Sample> gauges = new ArrayList<>();
        List<Sample> counters = new ArrayList<>();
        List<Sample> histograms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Tags tags = Tags.of("host", "web" + (i % 10), "cpu", Integer.toString(i % 8), "mode", "user");
            gauges.add(Sample.of("system.cpu.utilization.metric" + (i / 8), tags, 0.123 * i, now, Kind.GAUGE));
            counters.add(Sample.of("http.server.requests.metric" + (i / 8), tags, 1000 + i, now, Kind.COUNTER));
            histograms.add(Sample.histogram("http.server.duration.metric" + (i / 8), tags, Histogram.explicit(Histogram.Temporality.CUMULATIVE,
                    now - 60_000, 100, 1234.5, 1, 250, new double[] {5, 10, 25, 50, 75, 100, 250, 500, 750, 1000},
                    new long[] {10, 20, 30, 20, 10, 5, 5, 0, 0, 0, 0}), now));
        }
        System.out.println("otlp sink, bytes per sample on the wire (batches of " + n + ", 3 tags, host moved to the resource):");
        for (var e : Map.of("gauge", gauges, "counter", counters, "explicit histogram (10 bounds)", histograms).entrySet()) {
            var encoder = new lodestar.sink.otlp.internal.SamplesToOtlpAccess().encoder();
            byte[] body = encoder.apply(e.getValue());
            System.out.printf("  %-30s protobuf %6.1f B/sample, gzip %6.1f B/sample%n", e.getKey(), body.length / (double) n,
                    gzip(body).length / (double) n);
        }
    }

    static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }
}
