package lodestar.listener.zeromq.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.cardinality.CardinalityGuard;
import lodestar.support.stats.TimerStats;

/**
 * One flush window of measurements: counters summed, timer values kept for Etsy's statistics
 * ({@link TimerStats}, as the StatsD listener reports them), gauges only remembered so that the cardinality guard
 * counts their series (their values go to the pipeline as they come). {@link #drain} reports the window and
 * starts the next; series idle for a whole window are forgotten (a Zibrato worker's counters reset at each flush
 * too), which is how the guard's table empties after a flood. Thread-safe: the receiver records, the flusher
 * drains.
 */
final class Window {

    /** The series a measurement belongs to: its name, level and source (one per type). */
    record Key(Measurement.Type type, String name, String level, String source) {
        Tags tags() {
            return Tags.of(Tags.LEVEL, level, "source", source);
        }
    }

    /** Where refused series' values go when the guard folds them. */
    static final String OVERFLOW = "zeromq.overflow";

    private static final class Timer {
        double[] values = new double[16];
        int n;
        long count;
    }

    private final CardinalityGuard guard;
    private final int maxTimerValues;
    private final List<TimerStats.Percentile> percentiles;
    private final TimerStats stats = new TimerStats();
    private Map<Key, double[]> counters = new HashMap<>();
    private Map<Key, Timer> timers = new HashMap<>();
    private Map<Key, Boolean> gauges = new HashMap<>();
    /** timer values not kept beyond maxTimerValues in a window (still counted) */
    private long timerValuesDropped;

    Window(CardinalityGuard guard, int maxTimerValues, List<TimerStats.Percentile> percentiles) {
        this.guard = guard;
        this.maxTimerValues = maxTimerValues;
        this.percentiles = List.copyOf(percentiles);
    }

    /**
     * Takes one measurement into the window.
     *
     * @return the key it was recorded under (the overflow key when folded), or null when the guard refused it
     */
    synchronized Key record(Measurement m) {
        Key k = new Key(m.type(), m.name(), m.level(), m.source());
        Map<Key, ?> table = switch (m.type()) {
            case COUNTER -> counters;
            case TIMER -> timers;
            case GAUGE -> gauges;
        };
        if (!table.containsKey(k)) {
            CardinalityGuard.Verdict v = guard.admit(k.name());
            if (v == CardinalityGuard.Verdict.DROP) {
                return null;
            }
            if (v == CardinalityGuard.Verdict.FOLD) {
                k = new Key(m.type(), OVERFLOW, m.level(), Measurement.NO_SOURCE);
                if (!table.containsKey(k)) {
                    guard.adopted(1); // the overflow series is held like any other
                }
            }
        }
        switch (m.type()) {
            case COUNTER -> counters.computeIfAbsent(k, x -> new double[1])[0] += m.value();
            case TIMER -> {
                Timer t = timers.computeIfAbsent(k, x -> new Timer());
                t.count++;
                if (t.n < maxTimerValues) {
                    if (t.n == t.values.length) {
                        t.values = Arrays.copyOf(t.values, Math.min(maxTimerValues, t.n * 2));
                    }
                    t.values[t.n++] = m.value();
                } else {
                    timerValuesDropped++;
                }
            }
            case GAUGE -> gauges.put(k, Boolean.TRUE);
        }
        return k;
    }

    /**
     * The window's samples (counters as the count of the window, timers as {@code <name>.<statistic>}), and a
     * new empty window.
     *
     * @param secs the window's length, for {@code count_ps}
     * @param now  every sample's timestamp
     */
    List<Sample> drain(double secs, long now) {
        Map<Key, double[]> c;
        Map<Key, Timer> t;
        int held;
        synchronized (this) {
            c = counters;
            t = timers;
            held = counters.size() + timers.size() + gauges.size();
            counters = new HashMap<>();
            timers = new HashMap<>();
            gauges = new HashMap<>();
        }
        guard.removed(held);
        guard.tick();
        List<Sample> out = new ArrayList<>(c.size() + t.size() * TimerStats.slots(percentiles.size()));
        c.forEach((k, v) -> out.add(new Sample(k.name(), k.tags(), v[0], now, Kind.DELTA)));
        synchronized (stats) { // its scratch arrays: the last flush at deactivation may meet a scheduled one
            t.forEach((k, timer) -> {
                Tags tags = k.tags();
                stats.compute(Arrays.copyOf(timer.values, timer.n), timer.count, secs, percentiles,
                        (slot, sub, v, kind) -> out.add(new Sample(k.name() + "." + sub, tags, v, now, kind)));
            });
        }
        return out;
    }

    synchronized long timerValuesDropped() {
        return timerValuesDropped;
    }
}
