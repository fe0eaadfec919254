package lodestar.listener.metricsd.internal;

import lodestar.listener.metricsd.MetricsdEncoder;
import lodestar.support.cardinality.CardinalityGuard;
import lodestar.testkit.Configs;

/** For benchmarks/run cost: the MetricsD listener's registry holding {@code n} counters (in its package to reach it). */
public final class MetricsdCost {

    private MetricsdCost() {
    }

    public static Object hold(int n) {
        Settings s = Settings.from(Configs.of(MetricsdListener.Config.class, "maxMetrics", Math.max(n, 1) * 2, "maxNewSeries", 0));
        PacketHandler handler = new PacketHandler(s.newRegistry(new CardinalityGuard("cost", s.cardinality(), m -> { })));
        for (int i = 0; i < n; ) {
            MetricsdEncoder e = new MetricsdEncoder("web" + (i % 100) + ".example.com", MetricsdEncoder.MAX_DATAGRAM);
            for (int j = 0; j < 500 && i < n; j++, i++) {
                e.counter("cost.requests_" + i, 1);
            }
            for (byte[] p : e.packets()) {
                handler.handle(p, p.length, "cost");
            }
        }
        return handler;
    }
}
