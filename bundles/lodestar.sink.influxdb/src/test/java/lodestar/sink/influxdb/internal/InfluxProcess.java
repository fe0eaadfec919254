package lodestar.sink.influxdb.internal;

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
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

import lodestar.testkit.Tools;

/**
 * A real InfluxDB 1.x ({@code influxd}, Debian's influxdb package) in a temporary folder, its HTTP API
 * on a free loopback port and nothing else listening (the RPC/backup service on another loopback port,
 * every other service off), for the tests and the benchmark. Stopping and starting again keeps the data.
 */
final class InfluxProcess implements AutoCloseable {

    final Path dir;
    final int httpPort;
    private final int rpcPort;
    private final Path influxd;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private final Thread killer = new Thread(this::stopQuietly);

    InfluxProcess(Path dir) throws IOException {
        this.dir = dir;
        this.influxd = require();
        this.httpPort = freePort();
        this.rpcPort = freePort();
        Files.createDirectories(dir);
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
        Runtime.getRuntime().addShutdownHook(killer); // also when the JVM is ended mid-test
    }

    /** influxd, or a failure on CI (env CI=true) / a skipped test elsewhere. */
    static Path require() {
        Optional<Path> p = Tools.find("influxd");
        if (p.isEmpty()) {
            String msg = "influxd not found; install it (Debian: apt-get install influxdb) to run the InfluxDB tests";
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

    String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    void start() throws Exception {
        process = new ProcessBuilder(List.of(influxd.toString(), "-config", dir.resolve("influxdb.conf").toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("influxd.log").toFile()))
                .start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("influxd exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/ping"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 204) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("influxd did not answer /ping within 30 s:\n" + logTail());
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
            // the hook runs anyway
        }
    }

    /** Runs an InfluxQL statement (POST /query) and returns the JSON answer; fails on an HTTP error. */
    String query(String db, String q) throws Exception {
        String uri = url() + "/query?epoch=ms" + (db == null ? "" : "&db=" + enc(db));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("q=" + enc(q))).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200 || r.body().contains("\"error\"")) {
            throw new IllegalStateException("query '" + q + "': HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** Writes raw line protocol (precision ms) and returns the HTTP status. */
    int writeRaw(String db, String lines) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url() + "/write?precision=ms&db=" + enc(db)))
                .POST(HttpRequest.BodyPublishers.ofString(lines)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    void createDatabase(String db) throws Exception {
        query(null, "CREATE DATABASE \"" + db + "\"");
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("influxd.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
