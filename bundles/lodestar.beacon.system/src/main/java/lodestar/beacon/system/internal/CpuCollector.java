package lodestar.beacon.system.internal;

import oshi.hardware.CentralProcessor;
import oshi.hardware.CentralProcessor.TickType;

/**
 * {@code cpu.user}, {@code .system}, {@code .idle}, {@code .iowait}, {@code .nice}, {@code .irq},
 * {@code .softirq}, {@code .steal}: percent of all CPU time (all cores together, 0..100, summing to 100)
 * spent in each state between the previous collection and this one, from the kernel's cumulative tick
 * counters. The first baseline is taken when the collector is created (the component's activation), so
 * the first collection already covers a real interval; a collection whose interval saw no tick at all
 * (two runs within a few milliseconds) emits nothing rather than 0/0.
 */
final class CpuCollector implements Collector {

    /** Names in the order of OSHI's {@link TickType}. */
    static final String[] STATES = new String[TickType.values().length];

    static {
        for (TickType t : TickType.values()) {
            STATES[t.getIndex()] = t.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final CentralProcessor cpu;
    private long[] previous;

    CpuCollector(CentralProcessor cpu) {
        this.cpu = cpu;
        this.previous = cpu.getSystemCpuLoadTicks();
    }

    @Override
    public String group() {
        return "cpu";
    }

    @Override
    public void collect(Out out) {
        long[] now = cpu.getSystemCpuLoadTicks();
        double[] pct = percentages(previous, now);
        previous = now;
        if (pct == null) {
            return;
        }
        for (int i = 0; i < pct.length; i++) {
            out.gauge("cpu." + STATES[i], pct[i]);
        }
    }

    /**
     * Percent of the total per state between two tick snapshots. A state whose counter went backwards
     * (CPU hot-unplug, counter reset) counts as 0.
     *
     * @return the percentages, or null when no time passed
     */
    static double[] percentages(long[] before, long[] after) {
        if (before == null || after == null || before.length != after.length) {
            return null;
        }
        long[] delta = new long[after.length];
        long total = 0;
        for (int i = 0; i < after.length; i++) {
            delta[i] = Math.max(0, after[i] - before[i]);
            total += delta[i];
        }
        if (total <= 0) {
            return null;
        }
        double[] pct = new double[delta.length];
        for (int i = 0; i < delta.length; i++) {
            pct[i] = 100.0 * delta[i] / total;
        }
        return pct;
    }
}
