package lodestar.sink.prometheus.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.testkit.Configs;

/**
 * {@code benchmarks/run prometheus [seconds] [series]}: writes batches of 5000 samples over {@code series} series
 * (default 50,000) into the sink for the given seconds (default 10), the way the core's runner does, while a real
 * Prometheus scrapes the endpoint every second; prints the write rate and what Prometheus reports for its scrapes
 * (samples per scrape, scrape duration). The endpoint and the Prometheus process are the sink's test fixtures
 * ({@code ScrapeServer}, {@code PrometheusProcess}, from its test jar).
 */
public final class PrometheusBench {

    private PrometheusBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int series = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        Path dir = Files.createTempDirectory("prombench");
        try (ScrapeServer endpoint = new ScrapeServer();
                PrometheusProcess prometheus = new PrometheusProcess(dir, endpoint.target(), ScrapeServer.PATH)) {
            Map<String, Object> props = new HashMap<>();
            props.put("maxSeries", series + 1);
            PrometheusSink sink = new PrometheusSink(Configs.of(PrometheusSink.Config.class, props), null);
            endpoint.exposition = sink.exposition();
            prometheus.start();
            Tags[] tags = new Tags[series / 10];
            for (int h = 0; h < tags.length; h++) {
                tags[h] = Tags.of("host", "web" + h, "dc", "eu-west-" + (h % 3));
            }
            List<Sample> batch = new ArrayList<>(5000);
            long samples = 0;
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            long n = 0;
            while (System.nanoTime() < end) {
                batch.clear();
                for (int i = 0; i < 5000; i++, n++) {
                    batch.add(Sample.of("bench.metric" + (n % 10), tags[(int) (n / 10 % tags.length)], n * 0.25,
                            System.currentTimeMillis(), Kind.GAUGE));
                }
                sink.write(batch);
                samples += batch.size();
            }
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf("prometheus sink: %d samples written in %.1f s = %.0f samples/s into %d series%n",
                    samples, s, samples / s, sink.table().size());
            Thread.sleep(2500);
            // Prometheus hands its targets to the scrape loop about 5 s after it starts, so a short run can end first
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (prometheus.query("scrape_samples_scraped").isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Prometheus recorded no scrape of the sink; its log: " + dir);
                }
                Thread.sleep(250);
            }
            System.out.println("prometheus: samples per scrape " + prometheus.query("scrape_samples_scraped").get(0).get("value")
                    + ", scrape duration (s) " + prometheus.query("scrape_duration_seconds").get(0).get("value")
                    + ", max scrape duration over the run (s) "
                    + prometheus.query("max_over_time(scrape_duration_seconds[1m])").get(0).get("value")
                    + ", stored series " + prometheus.query("count({__name__=~\"bench_.*\"})").get(0).get("value"));
            sink.deactivate();
        }
    }
}
