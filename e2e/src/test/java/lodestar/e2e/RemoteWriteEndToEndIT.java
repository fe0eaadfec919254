package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.sun.net.httpserver.HttpServer;

import lodestar.support.json.Json;
import lodestar.testkit.LodestarProcess;
import lodestar.testkit.PrometheusServer;

/**
 * Remote write through the platform jar, both ways, between two real Prometheus servers (Debian's 2.42): "scraper"
 * scrapes a tiny exporter (counters, a gauge, a classic histogram) and remote-writes to Lodestar's listener;
 * Lodestar's remote-write sink writes on to "receiver" (--web.enable-remote-write-receiver). Every sample the
 * scraper stored must be in the receiver with the same name, labels, timestamp and value, read back through both
 * query APIs.
 */
class RemoteWriteEndToEndIT {

    private final Path tmp = LodestarProcess.tempDir();

    @Test
    @Timeout(90)
    void prometheusToLodestarToPrometheus() throws Exception {
        PrometheusServer.require();
        AtomicInteger scrapes = new AtomicInteger();
        HttpServer exporter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        exporter.createContext("/metrics", ex -> {
            int n = scrapes.incrementAndGet();
            byte[] b = """
                    # TYPE rwe_requests_total counter
                    rwe_requests_total{code="200"} %d
                    rwe_requests_total{code="500"} %d
                    # TYPE rwe_temperature gauge
                    rwe_temperature{room="lab"} %s
                    # TYPE rwe_latency_seconds histogram
                    rwe_latency_seconds_bucket{le="0.1"} %d
                    rwe_latency_seconds_bucket{le="+Inf"} %d
                    rwe_latency_seconds_sum %s
                    rwe_latency_seconds_count %d
                    """.formatted(n * 7, n, 18 + n * 0.5, n, 2 * n, n * 0.75, 2 * n).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        exporter.start();
        int listenerPort = LodestarProcess.freePort();
        try (PrometheusServer receiver = new PrometheusServer(Files.createDirectories(tmp.resolve("receiver")),
                "global:\n  scrape_interval: 1m\n", "--web.enable-remote-write-receiver");
                LodestarProcess lodestar = new LodestarProcess(LodestarProcess.builtJar(),
                        Files.createDirectories(tmp.resolve("home")), List.of("-Xmx256m"));
                PrometheusServer scraper = new PrometheusServer(Files.createDirectories(tmp.resolve("scraper")), """
                        global:
                          scrape_interval: 1s
                          scrape_timeout: 1s
                        scrape_configs:
                          - job_name: rwe
                            static_configs:
                              - targets: ['127.0.0.1:%d']
                        remote_write:
                          - url: http://127.0.0.1:%d/api/v1/write
                            queue_config:
                              batch_send_deadline: 500ms
                        """.formatted(exporter.getAddress().getPort(), listenerPort))) {
            receiver.start();
            lodestar.config("lodestar.listener.remotewrite.cfg", Map.of("port", Integer.toString(listenerPort)));
            lodestar.config("lodestar.sink.remotewrite-receiver.cfg", Map.of("url", receiver.url() + "/api/v1/write",
                    "include", "rwe_**", "flushInterval", "200ms"));
            lodestar.start();
            assertTrue(lodestar.awaitOutput("Remote-write listener .* on http://127.0.0.1:" + listenerPort, 60_000),
                    lodestar.output());
            scraper.start();
            while (scrapes.get() < 5) {
                Thread.sleep(200);
            }
            Thread.sleep(1000);
            Map<String, String> scraped = raw(scraper, "{job=\"rwe\",__name__=~\"rwe_.*\"}[5m]");
            assertTrue(scraped.size() >= 5 * 6, scraped.toString());
            Map<String, String> received = Map.of();
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                received = raw(receiver, "{__name__=~\"rwe_.*\"}[5m]");
                if (received.keySet().containsAll(scraped.keySet())) {
                    break;
                }
                Thread.sleep(500);
            }
            for (Map.Entry<String, String> e : scraped.entrySet()) {
                assertEquals(e.getValue(), received.get(e.getKey()), e.getKey() + "\nlodestar:\n" + lodestar.output());
            }
            String status = lodestar.shell("lodestar:status");
            assertTrue(status.contains("remotewrite"), status);
        } finally {
            exporter.stop(0);
        }
    }

    /** series@timestamp -> value of every raw sample a range selector returns. */
    private static Map<String, String> raw(PrometheusServer p, String selector) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (Map<String, Object> series : p.query(selector)) {
            String key = new TreeMap<>(Json.object(series.get("metric"))).toString();
            for (Object v : Json.array(series.get("values"))) {
                List<Object> point = Json.array(v);
                out.put(key + "@" + point.get(0), (String) point.get(1));
            }
        }
        return out;
    }
}
