package lodestar.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import lodestar.support.json.Json;

/**
 * A real Prometheus (Debian's {@code prometheus} package, 2.42 on this project's machines) on a free loopback port
 * with a temporary TSDB, for the remote-write tests and benchmark: the test gives the {@code prometheus.yml} and any
 * extra flags ({@code --web.enable-remote-write-receiver}, {@code --enable-feature=native-histograms}). Never the
 * system service.
 */
public final class PrometheusServer extends ServerProcess {

    public final int port;
    private final Path prometheus;
    private final List<String> flags;

    /**
     * @param yml   the configuration; {@code %PORT%} is replaced by the server's own port
     * @param flags extra command-line flags
     */
    public PrometheusServer(Path dir, String yml, String... flags) throws IOException {
        super("prometheus", dir, "prometheus.log");
        this.prometheus = require();
        this.port = freePort();
        this.flags = List.of(flags);
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("prometheus.yml"), yml.replace("%PORT%", Integer.toString(port)));
    }

    /** The prometheus program, or a failure on CI (env CI=true) / a skipped test elsewhere. */
    public static Path require() {
        return Tools.require("prometheus", "prometheus");
    }

    @Override
    public List<String> command() {
        List<String> c = new ArrayList<>(List.of(prometheus.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn"));
        c.addAll(flags);
        return c;
    }

    @Override
    protected boolean ready() throws InterruptedException {
        return answers(url() + "/-/ready", 200);
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** GET /api/v1/query?query=...; returns data.result, failing on an error answer. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> query(String promql) throws Exception {
        HttpResponse<String> r = http().send(HttpRequest.newBuilder(URI.create(url() + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Object> answer = Json.object(Json.parse(r.body()));
        if (r.statusCode() != 200 || !"success".equals(answer.get("status"))) {
            throw new IllegalStateException(promql + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return (List<Map<String, Object>>) (List<?>) Json.array(Json.object(answer.get("data")).get("result"));
    }
}
