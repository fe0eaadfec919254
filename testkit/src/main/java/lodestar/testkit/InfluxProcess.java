package lodestar.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;


/**
 * A real InfluxDB 1.x ({@code influxd}, Debian's influxdb package) in a temporary folder, its HTTP API
 * on a free loopback port and nothing else listening (the RPC/backup service on another loopback port,
 * every other service off), for the tests and the benchmark. Stopping and starting again keeps the data.
 */
public final class InfluxProcess extends ServerProcess {

    public final int httpPort;
    private final Path influxd;

    public InfluxProcess(Path dir) throws IOException {
        super("influxd", dir, "influxd.log");
        this.influxd = Tools.require("influxdb", "influxd");
        int[] ports = freePorts(2);
        this.httpPort = ports[0];
        int rpcPort = ports[1];
        Files.writeString(dir.resolve("influxdb.conf"), """
                reporting-disabled = true
                bind-address = "127.0.0.1:%d"
                [meta]
                  dir = "%s/meta"
                  logging-enabled = false
                [data]
                  dir = "%s/data"
                  wal-dir = "%s/wal"
                  query-log-enabled = false
                  trace-logging-enabled = false
                [retention]
                  enabled = false
                [shard-precreation]
                  enabled = false
                [monitor]
                  store-enabled = false
                [subscriber]
                  enabled = false
                [http]
                  enabled = true
                  bind-address = "127.0.0.1:%d"
                  auth-enabled = false
                  log-enabled = false
                  pprof-enabled = false
                [ifql]
                  enabled = false
                [continuous_queries]
                  enabled = false
                [logging]
                  level = "warn"
                """.formatted(rpcPort, dir, dir, dir, httpPort));
    }

    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    @Override
    public List<String> command() {
        return List.of(influxd.toString(), "-config", dir.resolve("influxdb.conf").toString());
    }

    /** InfluxDB answers /ping with 204 once it serves. */
    @Override
    protected boolean ready() throws InterruptedException {
        return answers(url() + "/ping", 204);
    }

    /** Runs an InfluxQL statement (POST /query) and returns the JSON answer; fails on an HTTP error. */
    public String query(String db, String q) throws Exception {
        String uri = url() + "/query?epoch=ms" + (db == null ? "" : "&db=" + enc(db));
        HttpResponse<String> r = http().send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("q=" + enc(q))).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200 || r.body().contains("\"error\"")) {
            throw new IllegalStateException("query '" + q + "': HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** Writes raw line protocol (precision ms) and returns the HTTP status. */
    public int writeRaw(String db, String lines) throws Exception {
        return http().send(HttpRequest.newBuilder(URI.create(url() + "/write?precision=ms&db=" + enc(db)))
                .POST(HttpRequest.BodyPublishers.ofString(lines)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    public void createDatabase(String db) throws Exception {
        query(null, "CREATE DATABASE \"" + db + "\"");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
