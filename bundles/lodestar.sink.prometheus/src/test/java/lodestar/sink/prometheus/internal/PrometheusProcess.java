package lodestar.sink.prometheus.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import lodestar.support.json.Json;
import lodestar.testkit.ServerProcess;
import lodestar.testkit.Tools;

/**
 * A real Prometheus (Debian's prometheus package) in a temporary folder on a free loopback port,
 * scraping one target every second, for the tests and the benchmark.
 */
final class PrometheusProcess extends ServerProcess {

    final int port;
    private final Path prometheus;

    /** @param target host:port of the endpoint to scrape at {@code path} */
    PrometheusProcess(Path dir, String target, String path) throws IOException {
        super("prometheus", dir, "prometheus.log");
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
    }

    /** The prometheus program, or a failure on CI (env CI=true) / a skipped test elsewhere. */
    static Path require() {
        return Tools.require("prometheus", "prometheus");
    }

    @Override
    public List<String> command() {
        return List.of(prometheus.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn");
    }

    /** Prometheus answers /-/ready with 200 once it serves. */
    @Override
    protected boolean ready() throws InterruptedException {
        return answers("http://127.0.0.1:" + port + "/-/ready", 200);
    }

    /** GET /api/v1/query?query=...; returns data.result, failing on an error answer. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> query(String promql) throws Exception {
        HttpResponse<String> r = http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Object> answer = Json.object(Json.parse(r.body()));
        if (r.statusCode() != 200 || !"success".equals(answer.get("status"))) {
            throw new IllegalStateException(promql + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return (List<Map<String, Object>>) (List<?>) Json.array(Json.object(answer.get("data")).get("result"));
    }
}
