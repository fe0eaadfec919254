package lodestar.beacon.system.internal;

import oshi.software.os.OperatingSystem;

/** {@code uptime}: seconds since the host booted (a gauge: it drops to near 0 on a reboot). */
final class UptimeCollector implements Collector {

    private final OperatingSystem os;

    UptimeCollector(OperatingSystem os) {
        this.os = os;
    }

    @Override
    public String group() {
        return "uptime";
    }

    @Override
    public void collect(Out out) {
        out.gauge("uptime", os.getSystemUptime());
    }
}
