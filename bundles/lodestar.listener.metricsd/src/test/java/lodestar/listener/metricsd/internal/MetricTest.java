package lodestar.listener.metricsd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.listener.metricsd.MetricKind;

/** Coda Hale semantics of each kind, on a clock the test controls. */
class MetricTest {

    private static final long S = 1_000_000_000L;

    private static Map<String, Sample> report(Metric m, long nanos) {
        List<Sample> out = new ArrayList<>();
        m.report("x", Tags.EMPTY, 1000L, nanos, out);
        Map<String, Sample> byName = new LinkedHashMap<>();
        for (Sample s : out) {
            byName.put(s.name(), s);
        }
        return byName;
    }

    private static double v(Map<String, Sample> r, String name) {
        Sample s = r.get(name);
        if (s == null) {
            throw new AssertionError(name + " not in " + r.keySet());
        }
        return s.value();
    }

    @Test
    void counterAddsAndGoesDownAndClears() {
        Metric c = Metric.create(MetricKind.COUNTER, 0);
        c.update(5, 0);
        c.update(-2, 0);
        assertEquals(3.0, v(report(c, 0), "x"));
        assertEquals(Kind.GAUGE, report(c, 0).get("x").kind());
        c.clear(0);
        assertEquals(0.0, v(report(c, 0), "x"));
    }

    @Test
    void gaugeKeepsTheLastValueAndIgnoresClear() {
        Metric g = Metric.create(MetricKind.GAUGE, 0);
        g.update(5, 0);
        g.update(7.5, 0);
        g.clear(0);
        assertEquals(7.5, v(report(g, 0), "x"));
    }

    @Test
    void histogramOfOneToHundred() {
        Metric h = Metric.create(MetricKind.HISTOGRAM, 0);
        for (int i = 100; i >= 1; i--) {
            h.update(i, 0);
        }
        Map<String, Sample> r = report(h, 0);
        assertEquals(List.of("x.count", "x.sum", "x.min", "x.max", "x.mean", "x.stddev", "x.median", "x.p75", "x.p95",
                "x.p98", "x.p99", "x.p999"), List.copyOf(r.keySet()));
        assertEquals(100.0, v(r, "x.count"));
        assertEquals(Kind.COUNTER, r.get("x.count").kind());
        assertEquals(5050.0, v(r, "x.sum"));
        assertEquals(1.0, v(r, "x.min"));
        assertEquals(100.0, v(r, "x.max"));
        assertEquals(50.5, v(r, "x.mean"), 1e-12);
        assertEquals(29.011491975882016, v(r, "x.stddev"), 1e-9); // sample standard deviation of 1..100
        // Coda Hale's position q(n+1): median 50.5, p75 75.75, p95 95.95, p99 99.99, p999 100
        assertEquals(50.5, v(r, "x.median"), 1e-9);
        assertEquals(75.75, v(r, "x.p75"), 1e-9);
        assertEquals(95.95, v(r, "x.p95"), 1e-9);
        assertEquals(98.98, v(r, "x.p98"), 1e-9);
        assertEquals(99.99, v(r, "x.p99"), 1e-9);
        assertEquals(100.0, v(r, "x.p999"), 1e-9);
    }

    @Test
    void emptyHistogramReportsOnlyItsCount() {
        Metric h = Metric.create(MetricKind.HISTOGRAM, 0);
        h.update(3, 0);
        h.clear(0);
        assertEquals(List.of("x.count"), List.copyOf(report(h, 0).keySet()));
        h.update(4, 0);
        assertEquals(4.0, v(report(h, 0), "x.min"), "min and max start over after a clear");
    }

    @Test
    void reservoirStaysBounded() {
        DecayingReservoir r = new DecayingReservoir(0);
        for (int i = 0; i < 100_000; i++) {
            r.update(i, i * 1_000_000L);
        }
        assertEquals(DecayingReservoir.SIZE, r.size());
        // forward decay favours recent values: the median of what it kept is well above the overall median
        double[] v = r.sortedValues();
        assertTrue(v[v.length / 2] > 60_000, "median kept " + v[v.length / 2]);
    }

    @Test
    void reservoirSurvivesRescaleAfterAnHour() {
        DecayingReservoir r = new DecayingReservoir(0);
        for (int i = 0; i < 2000; i++) {
            r.update(1, i * S);
        }
        r.update(2, 3601 * S);
        assertEquals(DecayingReservoir.SIZE, r.size());
    }

    @Test
    void meterRates() {
        Metric m = Metric.create(MetricKind.METER, 0);
        m.update(60, S);          // 60 events in the first 5 s tick
        Map<String, Sample> r = report(m, 5 * S);
        assertEquals(60.0, v(r, "x.count"));
        assertEquals(12.0, v(r, "x.m1_rate"), 1e-9, "the first tick sets the rate: 60 / 5 s");
        assertEquals(12.0, v(r, "x.m5_rate"), 1e-9);
        assertEquals(12.0, v(r, "x.m15_rate"), 1e-9);
        assertEquals(12.0, v(r, "x.mean_rate"), 1e-9);
        assertEquals(Kind.RATE, r.get("x.m1_rate").kind());
        // a minute without events: the 1-minute rate decays by e^-1, the 15-minute one much less
        r = report(m, 65 * S);
        assertEquals(12.0 * Math.exp(-1), v(r, "x.m1_rate"), 1e-9);
        assertEquals(12.0 * Math.exp(-1.0 / 15), v(r, "x.m15_rate"), 1e-9);
        assertEquals(60.0 / 65, v(r, "x.mean_rate"), 1e-9);
        m.clear(70 * S);
        r = report(m, 71 * S);
        assertEquals(0.0, v(r, "x.count"));
        assertEquals(0.0, v(r, "x.m1_rate"));
    }

    @Test
    void timerIsHistogramAndMeter() {
        Metric t = Metric.create(MetricKind.TIMER, 0);
        t.update(10, S);
        t.update(30, 2 * S);
        Map<String, Sample> r = report(t, 5 * S);
        assertEquals(2.0, v(r, "x.count"));
        assertEquals(20.0, v(r, "x.mean"));
        assertEquals(30.0, v(r, "x.max"));
        assertEquals(0.4, v(r, "x.m1_rate"), 1e-9, "2 calls in a 5 s tick");
        assertEquals(0.4, v(r, "x.mean_rate"), 1e-9);
        assertEquals(16, r.size(), "one count, sum, 10 histogram stats, 4 rates: " + r.keySet());
    }
}
