package lodestar.sink.prometheus.internal;

import lodestar.support.prometheus.PrometheusNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.sink.prometheus.internal.Exposition.Format;
import lodestar.testkit.Configs;

class ExpositionTest {

    private final AtomicLong now = new AtomicLong(1_000_000);

    private static Sample s(String name, Tags tags, double v, Kind kind) {
        return Sample.of(name, tags, v, 1700000000123L, kind);
    }

    private static String render(SeriesTable t, Format f, boolean timestamps) throws Exception {
        StringWriter w = new StringWriter();
        new Exposition(t, timestamps).write(w, f);
        return w.toString();
    }

    @Test
    void namesAreSanitized() {
        assertEquals("system_cpu_user", PrometheusNames.metricName("system.cpu.user"));
        assertEquals("a:b_c_d", PrometheusNames.metricName("a:b-c d"));
        assertEquals("_1x", PrometheusNames.metricName("1x"));
        assertEquals("temp_rature_caf_", PrometheusNames.metricName("température.café"));
        assertEquals("smile__x", PrometheusNames.metricName("smile😀.x"));
        assertEquals("a_b", PrometheusNames.labelName("a:b"));
        assertEquals("_9", PrometheusNames.labelName("9"));
        assertEquals("_name", PrometheusNames.labelName("__name"));
        assertEquals("ok_name", PrometheusNames.labelName("ok_name"));
    }

    @Test
    void labelValuesAndValuesAreWrittenAsPrometheusDoes() {
        StringBuilder b = new StringBuilder();
        PrometheusNames.appendLabelValue(b, "a\\b\"c\nd é");
        assertEquals("a\\\\b\\\"c\\nd é", b.toString());
        String[][] cases = {{"NaN", "NaN"}, {"Infinity", "+Inf"}, {"-Infinity", "-Inf"}, {"42", "42"}, {"-0.0", "-0"},
                {"0.1", "0.1"}, {"1.7976931348623157E308", "1.7976931348623157e308"}, {"4.9E-324", "4.9e-324"}};
        for (String[] c : cases) {
            b.setLength(0);
            PrometheusNames.appendValue(b, Double.parseDouble(c[0]));
            assertEquals(c[1], b.toString());
        }
    }

    @Test
    void histogramsAndSummariesAreServedAsPrometheusTypes() throws Exception {
        SeriesTable t = new SeriesTable(300_000, 100, now::get);
        long ts = 1700000000123L;
        t.update(List.of(
                Sample.histogram("db.latency", Tags.of("db", "main"), lodestar.api.Histogram.explicit(
                        lodestar.api.Histogram.Temporality.CUMULATIVE, 0, 6, 4.5, Double.NaN, Double.NaN,
                        new double[] {0.1, 1}, new long[] {1, 3, 2}), ts),
                Sample.histogram("gc.pause", Tags.EMPTY, lodestar.api.Histogram.summary(0, 10, 20, new double[] {0.5, 0.99},
                        new double[] {1.5, 3}), ts),
                // scale 0 (base 2): negative bucket 1 = [-4, -2), zero bucket, positive buckets 0 = (1, 2], 1 = (2, 4]
                Sample.histogram("rpc.seconds", Tags.EMPTY, lodestar.api.Histogram.exponential(
                        lodestar.api.Histogram.Temporality.CUMULATIVE, 0, 7, 9, Double.NaN, Double.NaN, 0, 0.5, 1, 0,
                        new long[] {2, 3}, 1, new long[] {1}), ts)));
        assertEquals("""
                # TYPE db_latency histogram
                db_latency_bucket{db="main",le="0.1"} 1
                db_latency_bucket{db="main",le="1"} 4
                db_latency_bucket{db="main",le="+Inf"} 6
                db_latency_sum{db="main"} 4.5
                db_latency_count{db="main"} 6
                # TYPE gc_pause summary
                gc_pause{quantile="0.5"} 1.5
                gc_pause{quantile="0.99"} 3
                gc_pause_sum 20
                gc_pause_count 10
                # TYPE rpc_seconds histogram
                rpc_seconds_bucket{le="-2"} 1
                rpc_seconds_bucket{le="0.5"} 2
                rpc_seconds_bucket{le="2"} 4
                rpc_seconds_bucket{le="4"} 7
                rpc_seconds_bucket{le="+Inf"} 7
                rpc_seconds_sum 9
                rpc_seconds_count 7
                """, render(t, Format.TEXT, false));
        t.update(List.of(s("remote.lat_bucket", Tags.of("le", "1"), 3, Kind.COUNTER)));
        String om = render(t, Format.OPENMETRICS, false);
        assertTrue(om.contains("# TYPE remote_lat_bucket unknown\nremote_lat_bucket{le=\"1\"} 3\n"), om);
        assertTrue(render(t, Format.TEXT, false).contains("# TYPE remote_lat_bucket counter\n"));
        assertTrue(om.contains("db_latency_bucket{db=\"main\",le=\"1.0\"} 4\n"), om);
        assertTrue(om.contains("gc_pause{quantile=\"0.5\"} 1.5\n"), om);
    }

    @Test
    void textFormat() throws Exception {
        SeriesTable t = new SeriesTable(300_000, 100, now::get);
        t.update(List.of(s("system.cpu.user", Tags.of("host", "a", "dc", "x\"y"), 12.5, Kind.GAUGE),
                s("system.cpu.user", Tags.of("host", "b"), Double.NaN, Kind.GAUGE),
                s("net.bytes", Tags.of("if", "eth0"), 1e20, Kind.COUNTER),
                s("req.count_total", Tags.EMPTY, 3, Kind.COUNTER),
                s("statsd.hits", Tags.of("empty", ""), 7, Kind.DELTA),
                s("checks.disk", Tags.EMPTY, 2, Kind.STATUS),
                s("io.rate", Tags.EMPTY, Double.NEGATIVE_INFINITY, Kind.RATE)));
        assertEquals("""
                # TYPE checks_disk gauge
                checks_disk 2
                # TYPE io_rate gauge
                io_rate -Inf
                # TYPE net_bytes_total counter
                net_bytes_total{if="eth0"} 1.0e20
                # TYPE req_count_total counter
                req_count_total 3
                # TYPE statsd_hits gauge
                statsd_hits 7
                # TYPE system_cpu_user gauge
                system_cpu_user{dc="x\\"y",host="a"} 12.5
                system_cpu_user{host="b"} NaN
                """, render(t, Format.TEXT, false));
    }

    @Test
    void openMetricsWithTimestamps() throws Exception {
        SeriesTable t = new SeriesTable(300_000, 100, now::get);
        t.update(List.of(s("a.b", Tags.EMPTY, 1, Kind.GAUGE), s("c", Tags.of("k", "v"), 2, Kind.COUNTER),
                Sample.of("d", Tags.EMPTY, 3, 5, Kind.GAUGE)));
        assertEquals("""
                # TYPE a_b gauge
                a_b 1 1700000000.123
                # TYPE c counter
                c_total{k="v"} 2 1700000000.123
                # TYPE d gauge
                d 3 0.005
                # EOF
                """, render(t, Format.OPENMETRICS, true));
        assertTrue(render(t, Format.TEXT, true).contains("a_b 1 1700000000123\n"));
    }

    @Test
    void theLatestValueWinsAndStaleSeriesGo() throws Exception {
        SeriesTable t = new SeriesTable(60_000, 100, now::get);
        t.update(List.of(s("x", Tags.of("h", "1"), 1, Kind.GAUGE), s("x", Tags.of("h", "2"), 1, Kind.GAUGE)));
        now.addAndGet(30_000);
        t.update(List.of(s("x", Tags.of("h", "1"), 5, Kind.GAUGE)));
        assertEquals("# TYPE x gauge\nx{h=\"1\"} 5\nx{h=\"2\"} 1\n", render(t, Format.TEXT, false));
        now.addAndGet(30_001);
        assertEquals("# TYPE x gauge\nx{h=\"1\"} 5\n", render(t, Format.TEXT, false));
        now.addAndGet(30_000);
        assertEquals("", render(t, Format.TEXT, false));
        assertEquals(0, t.size());
        assertEquals(2, t.removedStale());
    }

    @Test
    void maxSeriesDropsNewSeriesAndAKindChangeReplacesTheFamily() throws Exception {
        SeriesTable t = new SeriesTable(60_000, 2, now::get);
        t.update(List.of(s("x", Tags.of("h", "1"), 1, Kind.GAUGE), s("x", Tags.of("h", "2"), 1, Kind.GAUGE),
                s("x", Tags.of("h", "3"), 1, Kind.GAUGE), s("x", Tags.of("h", "1"), 2, Kind.GAUGE)));
        assertEquals(2, t.size());
        assertEquals(1, t.droppedOverLimit());
        t = new SeriesTable(60_000, 3, now::get);
        t.update(List.of(s("x", Tags.of("h", "1"), 2, Kind.GAUGE), s("x", Tags.of("h", "2"), 1, Kind.GAUGE)));
        t.update(List.of(s("x_total", Tags.EMPTY, 9, Kind.GAUGE), s("x", Tags.EMPTY, 4, Kind.COUNTER)));
        assertEquals("# TYPE x gauge\nx{h=\"1\"} 2\nx{h=\"2\"} 1\n# TYPE x_total counter\nx_total 4\n",
                render(t, Format.TEXT, false));
        assertEquals(1, t.retypedFamilies());
    }

    @Test
    void labelsThatSanitizeAlikeKeepTheFirst() {
        assertEquals("{a_b=\"1\"}", SeriesTable.labels(Tags.of("a.b", "1", "a_b", "2")));
        assertEquals("", SeriesTable.labels(Tags.of("a", "")));
    }

    @Test
    void negotiation() {
        assertEquals(Format.TEXT, Exposition.negotiate(null));
        assertEquals(Format.TEXT, Exposition.negotiate("text/plain;version=0.0.4"));
        assertEquals(Format.OPENMETRICS, Exposition.negotiate("application/openmetrics-text;version=1.0.0,"
                + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"));
        assertEquals(Format.TEXT, Exposition.negotiate("application/openmetrics-text; q=0, text/plain"));
    }

    @Test
    void configurationErrorsNameTheProperty() {
        String[][] bad = {{"path", "metrics"}, {"path", "/"}, {"path", "/a/"}, {"path", "/a b"}, {"path", "/m/*"},
                {"staleAfter", "0s"}, {"staleAfter", "later"}, {"maxSeries", "0"}};
        for (String[] b : bad) {
            Map<String, Object> props = new HashMap<>();
            props.put(b[0], b[0].equals("maxSeries") ? (Object) Integer.parseInt(b[1]) : b[1]);
            String m = assertThrows(IllegalArgumentException.class, () -> new PrometheusSink(
                    Configs.of(PrometheusSink.Config.class, props), null)).getMessage();
            assertTrue(m.startsWith(b[0] + ": "), m);
        }
        new PrometheusSink(Configs.of(PrometheusSink.Config.class, Map.of()), null).deactivate();
    }
}
