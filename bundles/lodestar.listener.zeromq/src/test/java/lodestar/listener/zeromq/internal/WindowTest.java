package lodestar.listener.zeromq.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.support.cardinality.CardinalityGuard;
import lodestar.support.cardinality.CardinalityLimits;
import lodestar.support.stats.TimerStats;

class WindowTest {

    private static Measurement m(String level, Measurement.Type t, String name, double v, String source) {
        return new Measurement(level, t, name, v, -1, source);
    }

    private static Map<String, Sample> byKey(List<Sample> l) {
        Map<String, Sample> m = new HashMap<>();
        l.forEach(s -> m.put(s.seriesKey(), s));
        return m;
    }

    @Test
    void countersSumPerWindowTimersAsStatsdThenReset() {
        CardinalityGuard guard = new CardinalityGuard("t", CardinalityLimits.dropping(100, 0, "1m"), s -> { });
        Window w = new Window(guard, 1000, 1_000_000, TimerStats.percentiles("p", "90"));
        w.record(m("info", Measurement.Type.COUNTER, "orders", 1, "shop"));
        w.record(m("info", Measurement.Type.COUNTER, "orders", 5, "shop"));
        w.record(m("debug", Measurement.Type.COUNTER, "orders", 2, "shop"));
        for (int i = 1; i <= 10; i++) {
            w.record(m("debug", Measurement.Type.TIMER, "checkout", i / 10.0, "not_specified"));
        }
        assertEquals(3, guard.series());
        Map<String, Sample> out = byKey(w.drain(10, 1000));
        Sample info = out.get("orders;level=info;source=shop");
        assertEquals(6.0, info.value());
        assertEquals(Kind.DELTA, info.kind());
        assertEquals(2.0, out.get("orders;level=debug;source=shop").value());
        assertEquals(10.0, out.get("checkout.count;level=debug;source=not_specified").value());
        assertEquals(1.0, out.get("checkout.upper;level=debug;source=not_specified").value(), 1e-12);
        assertEquals(0.9, out.get("checkout.upper_90;level=debug;source=not_specified").value(), 1e-12);
        assertEquals(0.55, out.get("checkout.mean;level=debug;source=not_specified").value(), 1e-12);
        assertEquals(1.0, out.get("checkout.count_ps;level=debug;source=not_specified").value(), 1e-12);
        assertEquals(3, guard.series(), "series measured in the window are kept for the next");
        w.record(m("info", Measurement.Type.COUNTER, "orders", 2, "shop"));
        out = byKey(w.drain(10, 2000));
        assertEquals(1, out.size(), "only what was measured in the window");
        assertEquals(2.0, out.get("orders;level=info;source=shop").value(), "counters reset at each flush");
        assertTrue(w.drain(10, 3000).isEmpty(), "a window without measurements reports nothing");
        assertEquals(0, guard.series(), "series idle for a window leave the guard's table");
        assertEquals(3, guard.created(), "and were created once");
    }

    @Test
    void refusedSeriesAreDroppedAndTimerValuesBounded() {
        CardinalityGuard guard = new CardinalityGuard("t", CardinalityLimits.dropping(2, 0, "1m"), s -> { });
        Window w = new Window(guard, 3, 1_000_000, TimerStats.percentiles("p", "90"));
        w.record(m("info", Measurement.Type.COUNTER, "a", 1, "s"));
        w.record(m("info", Measurement.Type.COUNTER, "b", 1, "s"));
        assertNull(w.record(m("info", Measurement.Type.COUNTER, "c", 1, "s")));
        assertEquals(1, guard.refused());
        Window w2 = new Window(new CardinalityGuard("t", CardinalityLimits.dropping(10, 0, "1m"), s -> { }), 3, 1_000_000,
                TimerStats.percentiles("p", "90"));
        for (int i = 0; i < 5; i++) {
            w2.record(m("info", Measurement.Type.TIMER, "t", i, "s"));
        }
        assertEquals(2, w2.timerValuesDropped());
        Map<String, Sample> out = byKey(w2.drain(1, 0));
        assertEquals(5.0, out.get("t.count;level=info;source=s").value(), "every value is counted");
        assertEquals(2.0, out.get("t.upper;level=info;source=s").value(), "only the kept ones make the statistics");
    }

    @Test
    void theWindowsTimerValuesAreBoundedAllSeriesTogether() {
        CardinalityGuard guard = new CardinalityGuard("t", CardinalityLimits.dropping(1000, 0, "1m"), s -> { });
        Window w = new Window(guard, 100, 250, TimerStats.percentiles("p", "90"));
        for (int series = 0; series < 10; series++) {
            for (int i = 0; i < 100; i++) {
                w.record(m("info", Measurement.Type.TIMER, "t" + series, i, "s"));
            }
        }
        assertEquals(750, w.timerValuesDropped(), "1000 values, 250 kept");
        Map<String, Sample> out = byKey(w.drain(1, 0));
        assertEquals(100.0, out.get("t9.count;level=info;source=s").value(), "still counted");
        assertNull(out.get("t9.upper;level=info;source=s"), "no value kept for the last series");
        w.record(m("info", Measurement.Type.TIMER, "t9", 5, "s"));
        assertEquals(5.0, byKey(w.drain(1, 0)).get("t9.upper;level=info;source=s").value(), "the next window starts empty");
    }
}
