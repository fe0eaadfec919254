package lodestar.support.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;

/** Etsy statsd's figures (lib/process_metrics.js) for hand-checked windows. */
class TimerStatsTest {

    private static Map<String, Double> compute(double[] values, double counter, double secs, String... pct) {
        Map<String, Double> out = new HashMap<>();
        Map<String, Kind> kinds = new HashMap<>();
        new TimerStats().compute(values, counter, secs, TimerStats.percentiles("percentThreshold", pct), (slot, sub, v, kind) -> {
            out.put(sub, v);
            kinds.put(sub, kind);
        });
        if (out.containsKey("count")) {
            assertEquals(Kind.DELTA, kinds.get("count"));
            assertEquals(Kind.RATE, kinds.get("count_ps"));
        }
        return out;
    }

    @Test
    void oneToTenWithNinetyAndTopTen() {
        Map<String, Double> s = compute(new double[] {7, 1, 10, 3, 2, 5, 4, 9, 6, 8}, 10, 10, "90", "-10");
        assertEquals(10, s.get("count"));
        assertEquals(1, s.get("count_ps"));
        assertEquals(1, s.get("lower"));
        assertEquals(10, s.get("upper"));
        assertEquals(55, s.get("sum"));
        assertEquals(385, s.get("sum_squares"));
        assertEquals(5.5, s.get("mean"));
        assertEquals(5.5, s.get("median"));
        assertEquals(Math.sqrt(8.25), s.get("std"), 1e-12);
        assertEquals(9, s.get("count_90"));
        assertEquals(9, s.get("upper_90"));
        assertEquals(45, s.get("sum_90"));
        assertEquals(5, s.get("mean_90"));
        assertEquals(1, s.get("count_top10"));
        assertEquals(10, s.get("lower_top10"), "the lowest of the top 10 %");
        assertEquals(10, s.get("mean_top10"));
    }

    @Test
    void anEmptyWindowReportsOnlyItsCount() {
        Map<String, Double> s = compute(new double[0], 3, 10, "90");
        assertEquals(Map.of("count", 3.0, "count_ps", 0.3), s);
    }

    @Test
    void percentileLabelsAndBadThresholds() {
        List<TimerStats.Percentile> p = TimerStats.percentiles("percentThreshold", "90,99.9", "-10");
        assertEquals(List.of("90", "99_9", "top10"), p.stream().map(TimerStats.Percentile::label).toList());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TimerStats.percentiles("x", "0"));
        assertTrue(e.getMessage().startsWith("x:"));
        assertThrows(IllegalArgumentException.class, () -> TimerStats.percentiles("x", "101"));
        assertThrows(IllegalArgumentException.class, () -> TimerStats.percentiles("x", "abc"));
    }
}
