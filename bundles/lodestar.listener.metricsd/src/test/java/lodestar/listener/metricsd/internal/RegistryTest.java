package lodestar.listener.metricsd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import lodestar.api.Sample;
import lodestar.listener.metricsd.Action;
import lodestar.listener.metricsd.MetricKind;
import lodestar.support.cardinality.CardinalityGuard;
import lodestar.support.cardinality.CardinalityLimits;

/** The registry behind the cardinality guard, with the guard's clock and the commands' time in the test's hands. */
class RegistryTest {

    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong wall = new AtomicLong(1_000_000);
    private final List<String> logged = new ArrayList<>();

    private Registry registry(CardinalityGuard guard, long timeoutMillis) {
        return new Registry(Routes.parse(new String[0], 10_000), HostNaming.REVERSE, guard, timeoutMillis);
    }

    private CardinalityGuard guard(int max, int maxNew, String overflow) {
        return new CardinalityGuard("metricsd", CardinalityLimits.of(max, maxNew, "1m", overflow), wall::get, logged::add);
    }

    private static Command update(MetricKind k, String name, double v) {
        return new Command(k, Action.UPDATE, name, v);
    }

    private static Map<String, Double> report(Registry r, long nanos) {
        Map<String, Double> m = new TreeMap<>();
        for (Sample s : r.report(0, 1L, nanos)) {
            m.put(s.name(), s.value());
        }
        return m;
    }

    @Test
    void foldedValuesGoToTheOverflowMetricOfTheirKind() {
        CardinalityGuard g = guard(1, 0, "fold");
        Registry r = registry(g, 0);
        r.apply("h", update(MetricKind.COUNTER, "a", 1), 0);
        r.apply("h", update(MetricKind.COUNTER, "b", 5), 0);
        r.apply("h", update(MetricKind.COUNTER, "c", 2), 0);
        r.apply("h", update(MetricKind.GAUGE, "g", 9), 0);
        r.apply("h", update(MetricKind.HISTOGRAM, "x", 4), 0);
        r.apply("h", update(MetricKind.HISTOGRAM, "y", 6), 0);
        Map<String, Double> m = report(r, SECOND);
        assertEquals(1.0, m.get("h.a"));
        assertEquals(7.0, m.get("metricsd.overflow.counter"), "b and c added up");
        assertEquals(9.0, m.get("metricsd.overflow.gauge"));
        assertEquals(2.0, m.get("metricsd.overflow.histogram.count"));
        assertEquals(5.0, m.get("metricsd.overflow.histogram.mean"));
        assertFalse(m.containsKey("h.b"));
        assertEquals(1, g.series(), "overflow metrics count against no limit");
        assertEquals(5, g.refused());
        assertTrue(logged.get(0).contains("their values folded into the overflow series"), logged.toString());
    }

    @Test
    void dropIsTheDefaultAndADeleteMakesRoom() {
        CardinalityGuard g = guard(2, 0, "drop");
        Registry r = registry(g, 0);
        r.apply("h", update(MetricKind.GAUGE, "a", 1), 0);
        r.apply("h", update(MetricKind.GAUGE, "b", 2), 0);
        r.apply("h", update(MetricKind.GAUGE, "c", 3), 0);
        assertEquals(Map.of("h.a", 1.0, "h.b", 2.0), report(r, 0));
        r.apply("h", new Command(MetricKind.GAUGE, Action.DELETE, "a", Double.NaN), 0);
        assertEquals(1, g.series());
        r.apply("h", update(MetricKind.GAUGE, "c", 3), 0);
        assertEquals(Map.of("h.b", 2.0, "h.c", 3.0), report(r, 0));
        assertEquals(0, g.expired(), "a delete is not an expiry");
    }

    @Test
    void idleMetricsAreForgottenAtTheirFlushAndUpdatedOnesStay() {
        CardinalityGuard g = guard(100, 0, "fold");
        Registry r = registry(g, 10_000);
        r.apply("h", update(MetricKind.METER, "idle", 1), 0);
        r.apply("h", update(MetricKind.METER, "busy", 1), 0);
        r.apply("h", update(MetricKind.METER, "busy", 1), 9 * SECOND);
        r.apply("h", new Command(MetricKind.METER, Action.CLEAR, "busy", Double.NaN), 15 * SECOND);
        Map<String, Double> m = report(r, 10 * SECOND);
        assertEquals(1, g.expired());
        assertEquals(1, g.series());
        assertFalse(m.containsKey("h.idle.count"), "not reported once forgotten");
        assertTrue(m.containsKey("h.busy.count"));
        r.seriesTimeout(0);
        assertTrue(report(r, 1000 * SECOND).containsKey("h.busy.count"), "0: never forgotten");
    }
}
