package lodestar.core.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import lodestar.api.ComponentStatus;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

/**
 * The platform's own metrics, {@code lodestar.self.*}: what came in and what processors dropped; per beacon
 * and per sink what ran, was written, dropped, failed and how long writes took; for every other running part
 * (listeners, processors, the runtime: every {@code Monitored} service) each number of its status as
 * {@code lodestar.self.<type>.<name>.<counter>}; and for all of them {@code lodestar.self.<type>.<name>.state}
 * ({@code State.code()}: 0 ok, 1 degraded, 2 failed, 3 stopped). Not thread-safe: one scheduler thread calls it.
 */
final class SelfMetrics {

    private static final String P = "lodestar.self.";
    private final Map<String, long[]> lastLatency = new HashMap<>();

    /**
     * @param parts the status of every beacon, sink and other part, for their {@code state} metric
     * @param others the parts that are neither beacons nor sinks, whose every number is emitted
     */
    List<Sample> collect(ProcessorChain chain, List<BeaconRunner> beacons, SinkRunner[] sinks, List<ComponentStatus> parts,
            List<ComponentStatus> others) {
        long now = System.currentTimeMillis();
        List<Sample> out = new ArrayList<>();
        out.add(counter(P + "pipeline.received", chain.received(), now));
        out.add(counter(P + "pipeline.dropped", chain.dropped(), now));
        out.add(counter(P + "pipeline.rejected", chain.rejected(), now));
        for (BeaconRunner b : beacons) {
            String p = prefix("beacon", b.name());
            out.add(counter(p + "runs", b.runs(), now));
            out.add(counter(p + "errors", b.errors(), now));
            out.add(counter(p + "overruns", b.overruns(), now));
            out.add(counter(p + "samples", b.samples(), now));
            out.add(gauge(p + "duration_ms", b.lastDurationMillis(), now));
        }
        for (SinkRunner r : sinks) {
            String p = prefix("sink", r.name());
            out.add(gauge(p + "queued", r.queued(), now));
            out.add(gauge(p + "spooled", r.spooled(), now));
            out.add(counter(p + "written", r.written(), now));
            out.add(counter(p + "dropped", r.dropped(), now));
            out.add(counter(p + "errors", r.errors(), now));
            out.add(counter(p + "retries", r.retries(), now));
            // mean write latency over this interval, not since start
            long[] last = lastLatency.getOrDefault(r.name(), new long[2]);
            long writes = r.writes() - last[0];
            long nanos = r.writeNanos() - last[1];
            lastLatency.put(r.name(), new long[] {r.writes(), r.writeNanos()});
            out.add(gauge(p + "latency_ms", writes == 0 ? 0 : nanos / (double) writes / 1e6, now));
        }
        for (ComponentStatus s : others) {
            String p = prefix(s.type(), s.name());
            s.counters().forEach((counter, value) -> out.add(s.isGauge(counter) ? gauge(p + counter, value, now)
                    : counter(p + counter, value, now)));
        }
        for (ComponentStatus s : parts) {
            out.add(gauge(prefix(s.type(), s.name()) + "state", s.state().code(), now));
        }
        return out;
    }

    private static String prefix(String type, String name) {
        return P + Names.pathComponent(type) + "." + Names.pathComponent(name) + ".";
    }

    private static Sample counter(String name, double v, long now) {
        return new Sample(name, Tags.EMPTY, v, now, Kind.COUNTER);
    }

    private static Sample gauge(String name, double v, long now) {
        return new Sample(name, Tags.EMPTY, v, now, Kind.GAUGE);
    }
}
