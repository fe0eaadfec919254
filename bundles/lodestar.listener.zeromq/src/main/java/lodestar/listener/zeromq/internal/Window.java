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
 * counts their series (their values go to the pipeline as they come). {@link #drain} reports the series measured
 * in the window, resets them (a Zibrato worker's counters reset at each flush too) and forgets those idle for the
 * whole window, which is how the guard's table empties after a flood. Thread-safe: the receiver records, the
 * flusher drains.
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

    private static final class Counter {
        double sum;
        boolean touched;
    }

    private static final class Timer {
        double[] values = new double[16];
        int n;
        long count;
    }

    private static final class Gauge {
        boolean touched;
    }

    private final CardinalityGuard guard;
    private final int maxTimerValues;
    /** timer values kept in one window, all series together: what bounds the window's memory (8 bytes each) */
    private final int maxWindowValues;
    private int windowValues;
    private final List<TimerStats.Percentile> percentiles;
    private final TimerStats stats = new TimerStats();
    private final Map<Key, Counter> counters = new HashMap<>();
    private final Map<Key, Timer> timers = new HashMap<>();
    private final Map<Key, Gauge> gauges = new HashMap<>();
    /** timer values not kept beyond maxTimerValues or maxWindowValues in a window (still counted) */
    private long timerValuesDropped;

    Window(CardinalityGuard guard, int maxTimerValues, int maxWindowValues, List<TimerStats.Percentile> percentiles) {
        this.guard = guard;
        this.maxTimerValues = maxTimerValues;
        this.maxWindowValues = maxWindowValues;
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
            case COUNTER -> {
                Counter c = counters.computeIfAbsent(k, x -> new Counter());
                c.sum += m.value();
                c.touched = true;
            }
            case TIMER -> {
                Timer t = timers.computeIfAbsent(k, x -> new Timer());
                t.count++;
                if (t.n < maxTimerValues && windowValues < maxWindowValues) {
                    if (t.n == t.values.length) {
                        t.values = Arrays.copyOf(t.values, Math.min(maxTimerValues, t.n * 2));
                    }
                    t.values[t.n++] = m.value();
                    windowValues++;
                } else {
                    timerValuesDropped++;
                }
            }
            case GAUGE -> gauges.computeIfAbsent(k, x -> new Gauge()).touched = true;
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
        List<Sample> out = new ArrayList<>();
        Map<Key, double[]> windowTimers = new HashMap<>();
        Map<Key, Long> windowCounts = new HashMap<>();
        int idle = 0;
        synchronized (this) {
            for (var it = counters.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                Counter c = e.getValue();
                if (!c.touched) {
                    it.remove();
                    idle++;
                    continue;
                }
                out.add(new Sample(e.getKey().name(), e.getKey().tags(), c.sum, now, Kind.DELTA));
                c.sum = 0;
                c.touched = false;
            }
            for (var it = timers.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                Timer t = e.getValue();
                if (t.count == 0) {
                    it.remove();
                    idle++;
                    continue;
                }
                windowTimers.put(e.getKey(), Arrays.copyOf(t.values, t.n));
                windowCounts.put(e.getKey(), t.count);
                t.n = 0;
                if (t.values.length > 64) {
                    t.values = new double[16]; // a burst's array is not held on to for the next windows
                }
                t.count = 0;
            }
            windowValues = 0;
            for (var it = gauges.values().iterator(); it.hasNext(); ) {
                Gauge g = it.next();
                if (!g.touched) {
                    it.remove();
                    idle++;
                }
                g.touched = false;
            }
        }
        guard.expired(idle);
        guard.tick();
        // the statistics outside the lock: the receiver goes on recording into the next window meanwhile
        synchronized (stats) { // its scratch arrays: the last flush at deactivation may meet a scheduled one
            windowTimers.forEach((k, values) -> {
                Tags tags = k.tags();
                stats.compute(values, windowCounts.get(k), secs, percentiles,
                        (slot, sub, v, kind) -> out.add(new Sample(k.name() + "." + sub, tags, v, now, kind)));
            });
        }
        return out;
    }

    synchronized long timerValuesDropped() {
        return timerValuesDropped;
    }
}
