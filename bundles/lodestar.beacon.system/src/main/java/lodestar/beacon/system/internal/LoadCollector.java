package lodestar.beacon.system.internal;

import oshi.hardware.CentralProcessor;

/**
 * {@code load.1min}, {@code load.5min}, {@code load.15min}: the kernel's load averages (runnable plus
 * uninterruptible tasks). Not available on Windows: OSHI reports a negative value there and nothing is
 * emitted.
 */
final class LoadCollector implements Collector {

    private static final String[] NAMES = {"load.1min", "load.5min", "load.15min"};

    private final CentralProcessor cpu;

    LoadCollector(CentralProcessor cpu) {
        this.cpu = cpu;
    }

    @Override
    public String group() {
        return "load";
    }

    @Override
    public void collect(Out out) {
        double[] load = cpu.getSystemLoadAverage(3);
        for (int i = 0; i < load.length && i < NAMES.length; i++) {
            if (load[i] >= 0) {
                out.gauge(NAMES[i], load[i]);
            }
        }
    }
}
