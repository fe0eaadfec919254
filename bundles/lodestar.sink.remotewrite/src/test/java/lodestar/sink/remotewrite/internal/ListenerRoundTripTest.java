package lodestar.sink.remotewrite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.listener.remotewrite.internal.RemoteWriteListener;
import lodestar.support.secrets.Secrets;
import lodestar.testkit.CapturingPipeline;
import lodestar.testkit.Configs;

/** Lodestar to Lodestar: this sink writing to the remote-write listener, 1.0 and 2.0, every histogram layout. */
class ListenerRoundTripTest {

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "2.0"})
    void whatTheSinkSendsTheListenerReadsBack(String protocol) throws Exception {
        CapturingPipeline pipeline = new CapturingPipeline();
        RemoteWriteListener listener = new RemoteWriteListener(Configs.of(RemoteWriteListener.Config.class,
                Map.of("port", 0)), pipeline, Map.of());
        Map<String, Object> p = new HashMap<>();
        p.put("url", "http://127.0.0.1:" + listener.port() + "/api/v1/write");
        p.put("protocol", protocol);
        RemoteWriteSink sink = new RemoteWriteSink(Configs.of(RemoteWriteSink.Config.class, p), Secrets.of(p));
        try {
            sink.write(RemoteWriteSinkTest.batch(100_000));
            Map<String, Sample> got = new TreeMap<>();
            pipeline.samples.forEach(s -> got.put(s.seriesKey() + "@" + s.timestamp(), s));
            assertEquals(new Sample("sys_cpu_user", Tags.of("cpu_id", "0", "host", "a-1"), 12.5, 100_000, Kind.GAUGE),
                    got.get("sys_cpu_user;cpu_id=0;host=a-1@100000"));
            assertEquals(13.5, got.get("sys_cpu_user;cpu_id=0;host=a-1@99000").value());
            assertEquals(new Sample("http_requests_total", Tags.of("code", "200"), 42, 100_000, Kind.COUNTER),
                    got.get("http_requests_total;code=200@100000"));
            assertEquals(RemoteWriteSinkTest.EXP, got.get("rpc_latency;svc=x@100000").histogram(), "native histogram whole");
            // explicit buckets and summaries travel as classic series, counters by the metadata sent along
            assertEquals(4, got.get("db_latency_bucket;le=1@100000").value());
            assertEquals(Kind.COUNTER, got.get("db_latency_bucket;le=1@100000").kind());
            assertEquals(6, got.get("db_latency_count@100000").value());
            assertEquals(3, got.get("gc_pause;quantile=0.99@100000").value());
            assertEquals(Kind.GAUGE, got.get("gc_pause;quantile=0.99@100000").kind());
            assertEquals(List.of(), pipeline.samples.stream().filter(s -> s.name().contains(".")).toList());
            assertEquals(0, listener.status().counters().get("bad_input"));
            // and a second pass through the sink leaves every name as it is (a relay does not rename)
            for (Sample s : pipeline.samples) {
                assertEquals(s.name(), lodestar.support.prometheus.PrometheusNames.sampleName(s.name(), s.kind() == Kind.COUNTER));
            }
        } finally {
            sink.deactivate();
            listener.deactivate();
        }
    }
}
