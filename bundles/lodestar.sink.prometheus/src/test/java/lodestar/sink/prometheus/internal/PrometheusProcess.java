package lodestar.sink.prometheus.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

import lodestar.testkit.Tools;

/**
 * A real Prometheus (Debian's prometheus package) in a temporary folder on a free loopback port,
 * scraping one target every second, for the tests and the benchmark.
 */
final class PrometheusProcess implements AutoCloseable {

    final int port;
    private final Path dir;
    private final Path prometheus;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private final Thread killer = new Thread(this::stopQuietly);

    /** @param target host:port of the endpoint to scrape at {@code path} */
    PrometheusProcess(Path dir, String target, String path) throws IOException {
        this.dir = dir;
        this.prometheus = require();
        this.port = freePort();
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: lodestar
                    honor_labels: true
                    metrics_path: %s
                    static_configs:
                      - targets: ['%s']
                """.formatted(path, target));
        Runtime.getRuntime().addShutdownHook(killer);
    }

    static Path require() {
        Optional<Path> p = Tools.find("prometheus");
        if (p.isEmpty()) {
            String msg = "prometheus not found; install it (Debian: apt-get install prometheus) to run this test";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(msg);
            }
            Assumptions.assumeTrue(false, msg);
        }
        return p.get();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    void start() throws Exception {
        process = new ProcessBuilder(List.of(prometheus.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("prometheus.log").toFile()))
                .start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("prometheus not ready within 30 s:\n" + logTail());
    }

    /** GET /api/v1/query?query=...; returns data.result, failing on an error answer. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> query(String promql) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Object> answer = (Map<String, Object>) Json.parse(r.body());
        if (r.statusCode() != 200 || !"success".equals(answer.get("status"))) {
            throw new IllegalStateException(promql + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return (List<Map<String, Object>>) ((Map<String, Object>) answer.get("data")).get("result");
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("prometheus.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    void stop() throws InterruptedException {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
        process = null;
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException shuttingDown) {
            // runs anyway
        }
    }
}
