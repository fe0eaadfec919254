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
import lodestar.support.snappy.Snappy;
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
            hostileBodies(lodestar, listenerPort);
            // and the data still flows: the scraper's newest samples keep arriving at the receiver
            double before = Double.parseDouble((String) Json.array(receiver.query("rwe_requests_total{code=\"200\"}")
                    .get(0).get("value")).get(1));
            assertTrue(Eventually.within(15_000, () -> Double.parseDouble((String) Json.array(receiver
                    .query("rwe_requests_total{code=\"200\"}").get(0).get("value")).get(1)) > before), lodestar.output());
        } finally {
            exporter.stop(0);
        }
    }

    /**
     * Malformed, truncated, oversized and decompression-bomb bodies, 16 of each at once, into the platform running
     * with -Xmx256m: each gets its status, each is counted, and the platform lives on (no OutOfMemoryError).
     */
    private static void hostileBodies(LodestarProcess lodestar, int port) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/write");
        byte[] maximal = Snappy.compress(new byte[16 * 1024 * 1024]); // decodes to 16 MB of zeros: not protobuf
        byte[] over = Snappy.compress(new byte[16 * 1024 * 1024 + 1]);
        byte[] bomb = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0, 0}; // declares 2 GB
        byte[] lying = {(byte) 0x80, (byte) 0x80, (byte) 0x40, 0, 'x'}; // declares 1 MB, holds 1 byte
        byte[] truncated = java.util.Arrays.copyOf(maximal, maximal.length / 2);
        byte[] garbage = new byte[100_000];
        new java.util.Random(1).nextBytes(garbage);
        garbage[0] = 0x10; // declares 16 bytes, then junk
        Map<byte[], Integer> expected = new java.util.LinkedHashMap<>();
        expected.put(maximal, 400);
        expected.put(over, 413);
        expected.put(bomb, 413);
        expected.put(lying, 400);
        expected.put(truncated, 400);
        expected.put(garbage, 400);
        expected.put(new byte[5 * 1024 * 1024], 413); // over maxBodySize
        List<java.util.concurrent.CompletableFuture<Void>> all = new java.util.ArrayList<>();
        for (Map.Entry<byte[], Integer> e : expected.entrySet()) {
            for (int i = 0; i < 16; i++) {
                all.add(http.sendAsync(java.net.http.HttpRequest.newBuilder(uri).header("Content-Type", "application/x-protobuf")
                        .header("Content-Encoding", "snappy").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(e.getKey()))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).thenAccept(r -> assertEquals(e.getValue(),
                                r.statusCode(), r.body())));
            }
        }
        for (var f : all) {
            f.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertTrue(lodestar.isAlive());
        assertTrue(!lodestar.output().contains("OutOfMemoryError"), lodestar.output());
        String status = lodestar.shell("lodestar:status");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("remotewrite\\s.*?bad_input=(\\d+).*?too_large=(\\d+)").matcher(status);
        assertTrue(m.find(), status);
        assertEquals(7 * 16, Long.parseLong(m.group(1)), status);
        assertEquals(3 * 16, Long.parseLong(m.group(2)), status);
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
