package lodestar.beacon.system.internal;

import oshi.hardware.VirtualMemory;

/** {@code swap.total}, {@code swap.used}, {@code swap.free} in bytes (all 0 on a host without swap). */
final class SwapCollector implements Collector {

    private final VirtualMemory vm;

    SwapCollector(VirtualMemory vm) {
        this.vm = vm;
    }

    @Override
    public String group() {
        return "swap";
    }

    @Override
    public void collect(Out out) {
        long total = vm.getSwapTotal();
        long used = vm.getSwapUsed();
        out.gauge("swap.total", total);
        out.gauge("swap.used", used);
        out.gauge("swap.free", Math.max(0, total - used));
    }
}
