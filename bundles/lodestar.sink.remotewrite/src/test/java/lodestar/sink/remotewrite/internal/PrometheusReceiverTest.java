package lodestar.sink.remotewrite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.json.Json;
import lodestar.support.secrets.Secrets;
import lodestar.testkit.Configs;
import lodestar.testkit.PrometheusServer;

/**
 * The sink writing into a real Prometheus (Debian's 2.42, --web.enable-remote-write-receiver, native histograms on),
 * read back through its query API: plain samples, a classic histogram, a summary and a native histogram.
 */
class PrometheusReceiverTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void whatTheSinkWritesPrometheusAnswersToQueries() throws Exception {
        PrometheusServer.require();
        try (PrometheusServer prometheus = new PrometheusServer(dir, "global:\n  scrape_interval: 1m\n",
                "--web.enable-remote-write-receiver", "--enable-feature=native-histograms")) {
            prometheus.start();
            Map<String, Object> p = new HashMap<>();
            p.put("url", prometheus.url() + "/api/v1/write");
            RemoteWriteSink sink = new RemoteWriteSink(Configs.of(RemoteWriteSink.Config.class, p), Secrets.of(p));
            try {
                long now = System.currentTimeMillis();
                sink.write(RemoteWriteSinkTest.batch(now));
                sink.write(List.of(new Sample("odd name/with spaces", Tags.of("quote", "a\"b\\c"), -0.5, now, Kind.GAUGE)));
                assertEquals(0, sink.refusedSamples());
                assertEquals(12.5, value(prometheus, "sys_cpu_user{host=\"a-1\",cpu_id=\"0\"}"));
                assertEquals(42, value(prometheus, "http_requests_total{code=\"200\"}"));
                assertEquals(4, value(prometheus, "db_latency_bucket{le=\"1\"}"));
                assertEquals(6, value(prometheus, "db_latency_count"));
                assertEquals(4.5, value(prometheus, "db_latency_sum"));
                assertEquals(3, value(prometheus, "gc_pause{quantile=\"0.99\"}"));
                assertEquals(6, value(prometheus, "histogram_count(rpc_latency{svc=\"x\"})"));
                assertEquals(10.5, value(prometheus, "histogram_sum(rpc_latency{svc=\"x\"})"));
                // 1 observation at zero, 2 in Lodestar bucket -3 of scale 2 (upper bound 2^(-2/4) = 0.707...), 3 in
                // bucket -1 (upper bound 1): the fraction at or below 0.75 is (1 + 2) / 6
                assertEquals(0.5, value(prometheus, "histogram_fraction(0, 0.75, rpc_latency{svc=\"x\"})"), 1e-9);
                assertEquals(-0.5, value(prometheus, "odd_name_with_spaces{quote=\"a\\\"b\\\\c\"}"));
            } finally {
                sink.deactivate();
            }
        }
    }

    private static double value(PrometheusServer prometheus, String promql) throws Exception {
        List<Map<String, Object>> r = prometheus.query(promql);
        assertEquals(1, r.size(), promql + " -> " + r);
        return Double.parseDouble((String) Json.array(r.get(0).get("value")).get(1));
    }
}
