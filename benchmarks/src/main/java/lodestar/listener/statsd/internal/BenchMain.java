package lodestar.listener.statsd.internal;

import lodestar.api.Sample;
import lodestar.testkit.Configs;

/**
 * Runs one listener outside OSGi for benchmarks/statsd/bench.py: {@code BenchMain <port> [receiveBuffer] [shards]}.
 * The pipeline is a counter: after every 1 s flush it prints the running totals of the {@code bench.c*}
 * counters ({@code stats_counts}), lines received and kernel drops. Lives in the listener's package to reach
 * its {@code Engine}.
 */
public final class BenchMain {

    public static void main(String[] args) throws Exception {
        Settings s = Settings.from(Configs.of(StatsdListener.Config.class, "port", Integer.parseInt(args[0]),
                "receiveBuffer", args.length > 1 ? args[1] : "8MB", "shards", args.length > 2 ? Integer.parseInt(args[2]) : 0,
                "flushInterval", "1s"));
        double[] totals = new double[4];
        Engine e = new Engine("bench", s, samples -> {
            for (Sample x : samples) {
                String n = x.name();
                if (n.startsWith("stats_counts.bench.c")) {
                    totals[0] += x.value();
                } else if (n.equals("stats_counts.statsd.metrics_received")) {
                    totals[1] += x.value();
                } else if (n.equals("stats_counts.statsd.kernel_drops")) {
                    totals[2] += x.value();
                } else if (n.equals("stats_counts.statsd.queue_drops")) {
                    totals[3] += x.value();
                }
            }
            System.out.printf("flush counters=%.0f lines=%.0f kernel_drops=%.0f queue_drops=%.0f samples=%d%n", totals[0], totals[1], totals[2], totals[3], samples.size());
            System.out.flush();
        }, true);
        e.bind();
        System.out.println("ready port=" + e.port() + " shards=" + s.shards());
        System.out.flush();
        Thread.currentThread().join();
    }
}
