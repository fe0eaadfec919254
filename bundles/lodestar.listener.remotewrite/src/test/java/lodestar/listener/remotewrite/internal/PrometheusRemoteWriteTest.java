package lodestar.listener.remotewrite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.json.Json;
import lodestar.testkit.CapturingPipeline;
import lodestar.testkit.PrometheusServer;

/**
 * A real Prometheus (Debian's 2.42) scrapes a tiny exporter every second and remote-writes to the listener:
 * every sample Prometheus stored (read back raw through its query API) arrives with the same series, timestamp
 * and value, counters as counters.
 */
class PrometheusRemoteWriteTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void everyScrapedSampleArrivesWithItsValue() throws Exception {
        PrometheusServer.require();
        CapturingPipeline pipeline = new CapturingPipeline();
        RemoteWriteListener listener = new RemoteWriteListener(RemoteWriteListenerTest.config(true, "5s", "4MB", "16MB", 50_000),
                pipeline, Map.of());
        AtomicInteger scrapes = new AtomicInteger();
        HttpServer exporter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        exporter.createContext("/metrics", ex -> {
            int n = scrapes.incrementAndGet();
            String body = """
                    # HELP rw_requests_total Requests.
                    # TYPE rw_requests_total counter
                    rw_requests_total{code="200"} %d
                    rw_requests_total{code="500"} %d
                    # HELP rw_temperature A level.
                    # TYPE rw_temperature gauge
                    rw_temperature{room="a b \\"c\\""} %s
                    # HELP rw_latency_seconds A classic histogram.
                    # TYPE rw_latency_seconds histogram
                    rw_latency_seconds_bucket{le="0.1"} %d
                    rw_latency_seconds_bucket{le="1"} %d
                    rw_latency_seconds_bucket{le="+Inf"} %d
                    rw_latency_seconds_sum %s
                    rw_latency_seconds_count %d
                    """.formatted(n * 10, n, 20 + n * 0.25, n, 2 * n, 3 * n, n * 1.75, 3 * n);
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        exporter.start();
        String yml = """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: rwtest
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                remote_write:
                  - url: http://127.0.0.1:%d/api/v1/write
                    queue_config:
                      batch_send_deadline: 500ms
                    metadata_config:
                      send_interval: 1s
                """.formatted(exporter.getAddress().getPort(), listener.port());
        try (PrometheusServer prometheus = new PrometheusServer(dir, yml)) {
            prometheus.start();
            while (scrapes.get() < 5) {
                Thread.sleep(200);
            }
            Thread.sleep(1500);
            // what Prometheus stored, raw
            Map<String, Double> stored = new TreeMap<>();
            for (Map<String, Object> series : prometheus.query("{job=\"rwtest\"}[5m]")) {
                Map<String, Object> metric = Json.object(series.get("metric"));
                Tags tags = Tags.EMPTY;
                for (Map.Entry<String, Object> l : metric.entrySet()) {
                    if (!l.getKey().equals("__name__")) {
                        tags = tags.with(l.getKey(), (String) l.getValue());
                    }
                }
                String key = Sample.seriesKey((String) metric.get("__name__"), tags);
                for (Object v : Json.array(series.get("values"))) {
                    List<Object> point = Json.array(v);
                    long ts = Math.round(((Number) point.get(0)).doubleValue() * 1000);
                    stored.put(key + "@" + ts, Double.parseDouble((String) point.get(1)));
                }
            }
            assertTrue(stored.size() >= 5 * 11, "Prometheus stored " + stored.size() + " samples: " + stored.keySet());
            // every one of them reaches the listener (remote write runs behind the TSDB: wait for it)
            long deadline = System.currentTimeMillis() + 20_000;
            Map<String, Double> received = new HashMap<>();
            while (true) {
                received.clear();
                for (Sample s : pipeline.samples) {
                    received.put(s.seriesKey() + "@" + s.timestamp(), s.value());
                }
                if (received.keySet().containsAll(stored.keySet()) || System.currentTimeMillis() > deadline) {
                    break;
                }
                Thread.sleep(250);
            }
            for (Map.Entry<String, Double> e : stored.entrySet()) {
                assertEquals(e.getValue(), received.get(e.getKey()), e.getKey() + " as Prometheus stored it");
            }
            String instance = "127.0.0.1:" + exporter.getAddress().getPort();
            Map<String, Kind> kinds = new HashMap<>();
            for (Sample s : pipeline.samples) {
                kinds.put(s.name(), s.kind());
            }
            assertEquals(Kind.COUNTER, kinds.get("rw_requests_total"));
            assertEquals(Kind.GAUGE, kinds.get("rw_temperature"));
            assertEquals(Kind.COUNTER, kinds.get("rw_latency_seconds_bucket"));
            assertEquals(Kind.COUNTER, kinds.get("rw_latency_seconds_count"));
            assertTrue(pipeline.samples.stream().anyMatch(s -> s.name().equals("rw_temperature")
                    && s.tags().equals(Tags.of("instance", instance, "job", "rwtest", "room", "a b \"c\""))));
            assertEquals(0, listener.status().counters().get("bad_input"));
        } finally {
            exporter.stop(0);
            listener.deactivate();
        }
    }
}
