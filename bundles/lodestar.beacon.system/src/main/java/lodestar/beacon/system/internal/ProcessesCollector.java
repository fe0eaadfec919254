package lodestar.beacon.system.internal;

import oshi.software.os.OperatingSystem;

/** {@code processes.count} and {@code processes.threads}: how many exist now, host-wide. */
final class ProcessesCollector implements Collector {

    private final OperatingSystem os;

    ProcessesCollector(OperatingSystem os) {
        this.os = os;
    }

    @Override
    public String group() {
        return "processes";
    }

    @Override
    public void collect(Out out) {
        out.gauge("processes.count", os.getProcessCount());
        out.gauge("processes.threads", os.getThreadCount());
    }
}
