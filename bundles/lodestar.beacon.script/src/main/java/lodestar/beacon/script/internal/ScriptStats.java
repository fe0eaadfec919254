package lodestar.beacon.script.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one script since activation, for {@code lodestar:status}: runs, lines read, bad lines,
 * timeouts, failures (did not start or exited non-zero), and whether the last run went well.
 */
final class ScriptStats {

    static final String[] NAMES = {"runs", "lines", "bad_lines", "timeouts", "failures"};

    final AtomicLong runs = new AtomicLong();
    final AtomicLong lines = new AtomicLong();
    final AtomicLong badLines = new AtomicLong();
    final AtomicLong timeouts = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    volatile boolean lastRunFailed;

    /** The counters in {@link #NAMES} order. */
    long[] values() {
        return new long[] {runs.get(), lines.get(), badLines.get(), timeouts.get(), failures.get()};
    }

    /** Adds this script's counters to {@code totals} and, as {@code <script>.<counter>}, to {@code out}. */
    void addTo(String script, long[] totals, Map<String, Long> out) {
        long[] v = values();
        for (int i = 0; i < v.length; i++) {
            totals[i] += v[i];
            out.put(script + "." + NAMES[i], v[i]);
        }
    }

    static Map<String, Long> totals(long[] totals) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.length; i++) {
            m.put(NAMES[i], totals[i]);
        }
        return m;
    }
}
