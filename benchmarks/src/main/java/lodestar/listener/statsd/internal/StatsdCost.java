package lodestar.listener.statsd.internal;

import java.nio.charset.StandardCharsets;

import lodestar.support.cardinality.CardinalityGuard;
import lodestar.testkit.Configs;

/** For benchmarks/run cost: one StatsD shard's aggregator holding {@code n} counters (in its package to reach it). */
public final class StatsdCost {

    private StatsdCost() {
    }

    /** An aggregator that received one increment for each of {@code n} counters {@code cost.c<i>}, not yet flushed. */
    public static Object hold(int n) {
        Settings s = Settings.from(Configs.of(StatsdListener.Config.class, "maxSeries", Math.max(n, 1) * 2, "maxNewSeries", 0));
        Aggregator agg = new Aggregator(s, new lodestar.support.log.RateLimitedLog(60_000, m -> { }),
                new CardinalityGuard("cost", s.cardinality(), m -> { }));
        StringBuilder b = new StringBuilder(64 * 1024);
        for (int i = 0; i < n; ) {
            b.setLength(0);
            for (int j = 0; j < 1000 && i < n; j++, i++) {
                b.append("cost.service").append(i % 100).append(".requests_").append(i).append(":1|c\n");
            }
            byte[] d = b.toString().getBytes(StandardCharsets.US_ASCII);
            agg.packet(d, 0, d.length - 1);
        }
        return agg;
    }
}
