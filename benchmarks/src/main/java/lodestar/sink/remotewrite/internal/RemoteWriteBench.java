package lodestar.sink.remotewrite.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.proto.prompb.Remote;
import lodestar.proto.prompb.Types;
import lodestar.support.json.Json;
import lodestar.support.secrets.Secrets;
import lodestar.support.snappy.Snappy;
import lodestar.testkit.Configs;
import lodestar.testkit.LodestarProcess;
import lodestar.testkit.PrometheusServer;

/**
 * Remote write in both directions, measured against Prometheus itself.
 *
 * <p>Listener: identical pre-encoded remote-write 1.0 requests (snappy) are replayed to the exported platform's
 * remote-write listener (into the store; the listener answers 204 only once the store has them) and to a fresh
 * Prometheus 2.42 with {@code --web.enable-remote-write-receiver}, in the same run, by {@code shards} senders
 * that each own a set of series and send its requests in time order (as Prometheus's shards do), retrying a 503
 * after 50 ms (as Prometheus backs off). Reported: samples/s of each, their ratio, retries, and the listener's
 * samples counter (must equal what was sent: zero loss).
 *
 * <p>Sink: the remote-write sink writes batches of 1000 samples (1000 series of a platform-like naming, one sample
 * each, as the core's runner hands them) into a fresh Prometheus: samples/s and bytes per sample on the wire, 1.0
 * and 2.0 encodings (2.0's size is computed, Prometheus 2.42 takes only 1.0).
 *
 * <pre>benchmarks/run remotewrite [runs=3] [shards=4] [steps=60] [series=2000]</pre>
 */
public final class RemoteWriteBench {

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String s : argv) {
            String[] kv = s.split("=", 2);
            a.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        int runs = Integer.parseInt(a.getOrDefault("runs", "3"));
        int shards = Integer.parseInt(a.getOrDefault("shards", "4"));
        int steps = Integer.parseInt(a.getOrDefault("steps", "60"));
        int series = Integer.parseInt(a.getOrDefault("series", "2000"));
        long total = (long) shards * steps * series;
        Path tmp = Files.createTempDirectory("rwbench");
        System.out.printf("remote write: %d runs, %d shards x %d requests x %d series (1 sample each) = %d samples per run%n",
                runs, shards, steps, series, total);
        List<double[]> results = new ArrayList<>();
        int listenerPort = LodestarProcess.freePort();
        try (LodestarProcess lodestar = new LodestarProcess(LodestarProcess.builtJar(),
                Files.createDirectories(tmp.resolve("home")), List.of("-Xmx256m"))) {
            lodestar.config("lodestar.listener.remotewrite.cfg", Map.of("port", Integer.toString(listenerPort)));
            lodestar.start();
            if (!lodestar.awaitOutput("Remote-write listener .* on http", 60_000)) {
                throw new IllegalStateException("listener did not start:\n" + lodestar.output());
            }
            String lodestarUrl = "http://127.0.0.1:" + listenerPort + "/api/v1/write";
            long before = listenerSamples(lodestar);
            for (int run = 1; run <= runs; run++) {
                // series of their own each run (label run): the store and Prometheus refuse samples older than a
                // series' newest; a short warm-up of other series first, to each, so that neither is measured cold
                long start = System.currentTimeMillis() - steps * 1000L;
                byte[][][] warmup = encode(shards, Math.min(10, steps), series, start, "warm" + run);
                byte[][][] requests = encode(shards, steps, series, start, "run" + run);
                long wireBytes = Arrays.stream(requests).flatMap(Arrays::stream).mapToLong(b -> b.length).sum();
                replay(lodestarUrl, warmup);
                long[] storeBefore = storeCounters(lodestar);
                before = listenerSamples(lodestar);
                double[] lod = replay(lodestarUrl, requests);
                long after = listenerSamples(lodestar);
                long[] storeAfter = storeCounters(lodestar);
                try (PrometheusServer prometheus = new PrometheusServer(Files.createDirectories(tmp.resolve("prom" + run)),
                        "global:\n  scrape_interval: 1m\n", "--web.enable-remote-write-receiver")) {
                    prometheus.start();
                    replay(prometheus.url() + "/api/v1/write", warmup);
                    double[] prom = replay(prometheus.url() + "/api/v1/write", requests);
                    List<Map<String, Object>> count = prometheus.query("sum(count_over_time({job=\"bench\",run=\"run" + run + "\"}[1h]))");
                    double stored = count.isEmpty() ? 0
                            : Double.parseDouble((String) Json.array(count.get(0).get("value")).get(1));
                    System.out.printf("run %d: lodestar %.0f samples/s (%d retries, listener counted %d of %d, store wrote %d (all sources),"
                            + " refused out of order %d), prometheus %.0f samples/s (%d retries, stored %.0f), ratio %.2f;"
                            + " %.2f bytes/sample on the wire%n", run, total / lod[0], (long) lod[1], after - before, total,
                            storeAfter[0] - storeBefore[0], storeAfter[1] - storeBefore[1], total / prom[0], (long) prom[1], stored,
                            (total / lod[0]) / (total / prom[0]), (double) wireBytes / total);
                    results.add(new double[] {total / lod[0], total / prom[0]});
                }
                before = after;
            }
            System.out.println(statusLines(lodestar));
        }
        results.sort((x, y) -> Double.compare(x[0] / x[1], y[0] / y[1]));
        double[] median = results.get(results.size() / 2);
        System.out.printf("median run: lodestar %.0f samples/s, prometheus %.0f samples/s, ratio %.2f%n", median[0], median[1],
                median[0] / median[1]);
        sink(tmp, runs);
    }

    /** shards x steps requests; request (k, t) holds series k*n .. k*n+n-1 at timestamp start + t s. */
    static byte[][][] encode(int shards, int steps, int n, long start, String runLabel) {
        byte[][][] out = new byte[shards][steps][];
        for (int k = 0; k < shards; k++) {
            for (int t = 0; t < steps; t++) {
                Remote.WriteRequest.Builder req = Remote.WriteRequest.newBuilder();
                for (int i = 0; i < n; i++) {
                    int s = k * n + i;
                    req.addTimeseries(Types.TimeSeries.newBuilder()
                            .addLabels(label("__name__", "bench_metric_" + (s % 50) + "_total"))
                            .addLabels(label("instance", "10.0." + (s / 250 % 250) + "." + (s % 250) + ":9100"))
                            .addLabels(label("job", "bench")).addLabels(label("run", runLabel))
                            .addLabels(label("series", Integer.toString(s)))
                            .addSamples(Types.Sample.newBuilder().setTimestamp(start + t * 1000L).setValue(s + t * 1.5)));
                }
                out[k][t] = Snappy.compress(req.build().toByteArray());
            }
        }
        return out;
    }

    private static Types.Label label(String k, String v) {
        return Types.Label.newBuilder().setName(k).setValue(v).build();
    }

    /** Sends every shard's requests in order, shards in parallel; returns {seconds, 503 retries}. */
    static double[] replay(String url, byte[][][] requests) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicLong retries = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        long t0 = System.nanoTime();
        for (byte[][] shard : requests) {
            Thread th = new Thread(() -> {
                try {
                    for (byte[] body : shard) {
                        while (true) {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                                    .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                                    .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() / 100 == 2) {
                                break;
                            }
                            if (r.statusCode() / 100 != 5) {
                                throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
                            }
                            retries.incrementAndGet();
                            Thread.sleep(50);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!failures.isEmpty()) {
            throw new IllegalStateException("replay to " + url + " failed", failures.get(0));
        }
        return new double[] {seconds, retries.get()};
    }

    private static final Pattern SAMPLES = Pattern.compile("remotewrite\\s.*?\\bsamples=(\\d+)");

    private static long listenerSamples(LodestarProcess lodestar) throws Exception {
        Matcher m = SAMPLES.matcher(lodestar.shell("lodestar:status"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static final Pattern STORE = Pattern.compile("store\\s+store\\s.*?\\bwritten=(\\d+),dropped_out_of_order=(\\d+)");

    /** The store's {written, dropped_out_of_order}. */
    private static long[] storeCounters(LodestarProcess lodestar) throws Exception {
        Matcher m = STORE.matcher(lodestar.shell("lodestar:status"));
        return m.find() ? new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))} : new long[] {-1, -1};
    }

    private static String statusLines(LodestarProcess lodestar) throws Exception {
        StringBuilder b = new StringBuilder("lodestar:status (listener and store):\n");
        for (String line : lodestar.shell("lodestar:status").split("\n")) {
            if (line.contains("remotewrite") || line.contains("store")) {
                b.append("  ").append(line.trim()).append('\n');
            }
        }
        return b.toString();
    }

    /** The sink into a real Prometheus: samples/s and bytes per sample, median of {@code runs}. */
    static void sink(Path tmp, int runs) throws Exception {
        int batches = 200;
        List<double[]> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            try (PrometheusServer prometheus = new PrometheusServer(Files.createDirectories(tmp.resolve("sink" + run)),
                    "global:\n  scrape_interval: 1m\n", "--web.enable-remote-write-receiver")) {
                prometheus.start();
                Map<String, Object> p = new HashMap<>();
                p.put("url", prometheus.url() + "/api/v1/write");
                RemoteWriteSink sink = new RemoteWriteSink(Configs.of(RemoteWriteSink.Config.class, p), Secrets.of(p));
                long start = System.currentTimeMillis() - batches * 1000L;
                List<List<Sample>> all = new ArrayList<>();
                for (int b = 0; b < batches; b++) {
                    all.add(batch(start + b * 1000L));
                }
                long t0 = System.nanoTime();
                for (List<Sample> batch : all) {
                    sink.write(batch);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double perSample = (double) sink.bytesSent() / sink.samplesSent();
                Encoder e = new Encoder();
                all.get(0).forEach(e::add);
                double v2 = (double) Snappy.compress(e.v2().toByteArray()).length / all.get(0).size();
                double v1 = (double) Snappy.compress(e.v1().toByteArray()).length / all.get(0).size();
                System.out.printf("sink run %d: %.0f samples/s into Prometheus, %.2f bytes/sample on the wire (1.0); one batch:"
                        + " %.2f (1.0), %.2f (2.0); refused %d%n", run, sink.samplesSent() / seconds, perSample, v1, v2,
                        sink.refusedSamples());
                results.add(new double[] {sink.samplesSent() / seconds, perSample, v2});
                sink.deactivate();
            }
        }
        results.sort((x, y) -> Double.compare(x[0], y[0]));
        double[] m = results.get(results.size() / 2);
        System.out.printf("sink median: %.0f samples/s, %.2f bytes/sample (1.0), %.2f (2.0)%n", m[0], m[1], m[2]);
    }

    /** 1000 samples of 1000 series named as the platform's beacons name them, one host, at {@code ts}. */
    static List<Sample> batch(long ts) {
        List<Sample> out = new ArrayList<>(1000);
        String[] groups = {"cpu", "memory", "disk", "network", "load"};
        for (int i = 0; i < 1000; i++) {
            String g = groups[i % groups.length];
            out.add(new Sample("system." + g + ".metric" + (i / groups.length % 40), Tags.of("host", "web-01", "device",
                    g + (i / 200)), i * 1.25 + ts % 1000, ts, i % 3 == 0 ? Kind.COUNTER : Kind.GAUGE));
        }
        return out;
    }
}
