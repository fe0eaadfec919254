package lodestar.sink.prometheus.internal;

import lodestar.support.prometheus.PrometheusNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Sink;
import lodestar.api.Tags;
import lodestar.testkit.Configs;
import lodestar.testkit.sinks.SinkCompatibilityKit;

/**
 * The sink's endpoint scraped by a real Prometheus (Debian's, started here on loopback, scraping every
 * second), the values read back through Prometheus's HTTP API.
 *
 * <p>The kit runs with {@code exposeTimestamps=true}: only then does Prometheus keep the samples' own
 * timestamps, which the kit checks to the millisecond; reading a range ({@code [10m]}) returns each
 * stored point once, since re-scraping the same value and timestamp adds nothing. Prometheus stores
 * NaN and infinities, so the kit expects them stored. The kit's backend-error test does not apply
 * (skipped through {@link #supportsBackendErrors()}): a pull endpoint has no backend that can refuse a
 * write; if Prometheus is down it simply scrapes later and sees the latest values. The default mode
 * (Prometheus stamping scrape times) and both formats have their own tests below.
 */
class PrometheusSinkServerTest extends SinkCompatibilityKit {

    @TempDir
    static Path dir;
    static ScrapeServer endpoint;
    static PrometheusProcess prometheus;
    private final List<PrometheusSink> sinks = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        PrometheusProcess.require();
        endpoint = new ScrapeServer();
        prometheus = new PrometheusProcess(dir.resolve("prometheus"), endpoint.target(), ScrapeServer.PATH);
        prometheus.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
    }

    @AfterEach
    void deactivate() {
        sinks.forEach(PrometheusSink::deactivate);
        endpoint.textOnly = false;
    }

    private PrometheusSink sink(Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>(extra);
        PrometheusSink s = new PrometheusSink(Configs.of(PrometheusSink.Config.class, props), null);
        sinks.add(s);
        endpoint.exposition = s.exposition(); // the endpoint serves the newest sink
        return s;
    }

    @Override
    protected Sink createSink(Map<String, Object> extraConfig) {
        Map<String, Object> props = new HashMap<>(extraConfig);
        props.putIfAbsent("exposeTimestamps", true);
        return sink(props);
    }

    @Override
    protected String expectedName(String name) {
        return PrometheusNames.metricName(name);
    }

    @Override
    protected boolean storesNonFinite() {
        return true;
    }

    @Override
    protected boolean supportsBackendErrors() {
        return false;
    }

    @Override
    protected void breakBackend() {
        throw new UnsupportedOperationException("a pull endpoint has no backend to break");
    }

    @Override
    protected void repairBackend() {
        throw new UnsupportedOperationException("a pull endpoint has no backend to break");
    }

    private static double value(Object v) {
        String s = (String) v;
        return switch (s) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    private static Stored stored(Map<String, Object> metric, List<Object> point) {
        Map<String, String> tags = new LinkedHashMap<>();
        metric.forEach((k, v) -> {
            if (!k.equals("__name__") && !k.equals("job") && !k.equals("instance")) {
                tags.put(k, (String) v);
            }
        });
        return new Stored((String) metric.get("__name__"), tags, value(point.get(1)),
                Math.round(((Number) point.get(0)).doubleValue() * 1000));
    }

    /** Every stored point of the series whose name matches {@code regex}, waiting until there are {@code n}. */
    @SuppressWarnings("unchecked")
    private List<Stored> points(String selector, boolean range, int n) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        List<Stored> got;
        do {
            got = new ArrayList<>();
            for (Map<String, Object> series : prometheus.query(selector + (range ? "[10m]" : ""))) {
                Map<String, Object> metric = (Map<String, Object>) series.get("metric");
                if (range) {
                    for (Object p : (List<Object>) series.get("values")) {
                        got.add(stored(metric, (List<Object>) p));
                    }
                } else {
                    got.add(stored(metric, (List<Object>) series.get("value")));
                }
            }
            if (got.size() >= n) {
                return got;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return got;
    }

    @Override
    protected List<Stored> readBack(String prefix, int expectedCount) throws Exception {
        return points("{__name__=~\"" + PrometheusNames.metricName(prefix) + "_.*\"}", true, expectedCount);
    }

    @Test
    void byDefaultPrometheusStampsScrapeTimeCountersEndInTotalAndTheLatestValueWins() throws Exception {
        PrometheusSink sink = sink(Map.of());
        long before = System.currentTimeMillis() - 1000;
        long old = before - 3_600_000; // an hour old: with exposed timestamps Prometheus would not show it
        sink.write(List.of(Sample.of(prefix + ".g", Tags.of("host", "a"), 1.5, old, Kind.GAUGE),
                Sample.of(prefix + ".c", Tags.EMPTY, 10, old, Kind.COUNTER),
                Sample.of(prefix + ".d", Tags.EMPTY, 4, old, Kind.DELTA)));
        List<Stored> got = points("{__name__=~\"" + prefix + "_.*\"}", false, 3);
        Map<String, Stored> byName = new HashMap<>();
        got.forEach(s -> byName.put(s.name(), s));
        assertEquals(Map.of("host", "a"), byName.get(prefix + "_g").tags());
        assertEquals(1.5, byName.get(prefix + "_g").value());
        assertEquals(10, byName.get(prefix + "_c_total").value());
        assertEquals(4, byName.get(prefix + "_d").value());
        assertTrue(byName.get(prefix + "_g").timestampMillis() >= before, got.toString());
        assertEquals(Exposition.Format.OPENMETRICS, endpoint.lastFormat, "Prometheus asks for OpenMetrics: " + endpoint.lastAccept);

        sink.write(List.of(Sample.of(prefix + ".g", Tags.of("host", "a"), 2.5, old + 1, Kind.GAUGE)));
        long deadline = System.nanoTime() + 15_000_000_000L;
        double latest;
        do {
            Thread.sleep(200);
            latest = points(prefix + "_g", false, 1).get(0).value();
        } while (latest != 2.5 && System.nanoTime() < deadline);
        assertEquals(2.5, latest);
    }

    @Test
    void histogramsAndSummariesAreScrapedAsSuch() throws Exception {
        PrometheusSink sink = sink(Map.of());
        long now = System.currentTimeMillis();
        sink.write(List.of(
                Sample.histogram(prefix + ".lat", Tags.EMPTY, lodestar.api.Histogram.explicit(
                        lodestar.api.Histogram.Temporality.CUMULATIVE, 0, 10, 4.5, Double.NaN, Double.NaN,
                        new double[] {0.1, 1}, new long[] {5, 5, 0}), now),
                Sample.histogram(prefix + ".exp", Tags.EMPTY, lodestar.api.Histogram.exponential(
                        lodestar.api.Histogram.Temporality.CUMULATIVE, 0, 4, 6, Double.NaN, Double.NaN, 0, 0, 0, 0,
                        new long[] {2, 2}, 0, new long[0]), now),
                Sample.histogram(prefix + ".pause", Tags.EMPTY, lodestar.api.Histogram.summary(0, 3, 6,
                        new double[] {0.5}, new double[] {2}), now)));
        // Prometheus took the buckets as a histogram: histogram_quantile interpolates within (0.1, 1]
        List<Stored> q = points("histogram_quantile(0.75, " + prefix + "_lat_bucket)", false, 1);
        assertEquals(0.55, q.get(0).value(), 1e-9);
        assertEquals(10, points(prefix + "_lat_count", false, 1).get(0).value());
        // exponential, scale 0: buckets (1, 2] and (2, 4] with 2 each: the median is the bound between them
        assertEquals(2, points("histogram_quantile(0.5, " + prefix + "_exp_bucket)", false, 1).get(0).value(), 1e-9);
        assertEquals(2, points(prefix + "_pause{quantile=\"0.5\"}", false, 1).get(0).value());
        assertEquals(6, points(prefix + "_pause_sum", false, 1).get(0).value());
    }

    @Test
    void theTextFormatIsScrapedAlike() throws Exception {
        endpoint.textOnly = true;
        PrometheusSink sink = sink(Map.of());
        sink.write(List.of(Sample.of(prefix + ".t", Tags.of("q", "a\"b\\c\nd"), -7.25, 1, Kind.GAUGE),
                Sample.of(prefix + ".n", Tags.EMPTY, Double.NaN, 1, Kind.GAUGE)));
        List<Stored> got = points("{__name__=~\"" + prefix + "_.*\"}", false, 2);
        assertEquals(Exposition.Format.TEXT, endpoint.lastFormat);
        Stored t = got.stream().filter(s -> s.name().equals(prefix + "_t")).findFirst().orElseThrow();
        assertEquals(Map.of("q", "a\"b\\c\nd"), t.tags());
        assertEquals(-7.25, t.value());
        assertTrue(Double.isNaN(got.stream().filter(s -> s.name().equals(prefix + "_n")).findFirst().orElseThrow().value()));
    }
}
