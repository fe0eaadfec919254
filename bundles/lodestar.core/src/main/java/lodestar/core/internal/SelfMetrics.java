package lodestar.core.internal;

import java.util.ArrayList;
import java.util.List;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

/**
 * The platform's own metrics, {@code lodestar.self.*}: what came in, what processors dropped, and per
 * beacon and per sink what ran, was written, dropped, failed, and how long writes took.
 */
final class SelfMetrics {

    private static final String P = "lodestar.self.";
    private final java.util.Map<String, long[]> lastLatency = new java.util.HashMap<>();

    List<Sample> collect(long received, long droppedByProcessors, List<BeaconRunner> beacons, SinkRunner[] sinks) {
        long now = System.currentTimeMillis();
        List<Sample> out = new ArrayList<>();
        out.add(counter(P + "pipeline.received", received, now));
        out.add(counter(P + "pipeline.dropped", droppedByProcessors, now));
        for (BeaconRunner b : beacons) {
            String p = P + "beacon." + Names.pathComponent(b.name()) + ".";
            out.add(counter(p + "runs", b.runs(), now));
            out.add(counter(p + "errors", b.errors(), now));
            out.add(counter(p + "overruns", b.overruns(), now));
            out.add(counter(p + "samples", b.samples(), now));
            out.add(gauge(p + "duration_ms", b.lastDurationMillis(), now));
        }
        for (SinkRunner r : sinks) {
            String p = P + "sink." + Names.pathComponent(r.name()) + ".";
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
        return out;
    }

    private static Sample counter(String name, double v, long now) {
        return new Sample(name, Tags.EMPTY, v, now, Kind.COUNTER);
    }

    private static Sample gauge(String name, double v, long now) {
        return new Sample(name, Tags.EMPTY, v, now, Kind.GAUGE);
    }
}
