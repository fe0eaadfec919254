package lodestar.beacon.system.internal;

import java.util.HashSet;
import java.util.Set;

import oshi.hardware.HWDiskStore;

/**
 * Per block device, {@code diskio.<device>.}: {@code reads}, {@code writes} (completed operations),
 * {@code read_bytes}, {@code write_bytes}, {@code io_time_ms} (time the device was busy). All cumulative
 * since boot (kind COUNTER): a backend or a rate processor turns them into per-second figures. The
 * device list is kept and refreshed (see {@link Discovered}); {@code /dev/} is dropped from the name.
 */
final class DiskIoCollector implements Collector {

    private final Discovered<HWDiskStore> disks;
    private final Exclusions deviceExclude;

    DiskIoCollector(Discovered<HWDiskStore> disks, Exclusions deviceExclude) {
        this.disks = disks;
        this.deviceExclude = deviceExclude;
    }

    @Override
    public String group() {
        return "diskio";
    }

    @Override
    public void collect(Out out) throws PartialFailure {
        Failures failures = new Failures("devices");
        Set<String> seen = new HashSet<>();
        Iterable<HWDiskStore> list = disks.get();
        boolean fresh = disks.fresh();
        for (HWDiskStore disk : list) {
            String name = Names.device(disk.getName());
            if (deviceExclude.matches(name) || !seen.add(name)) {
                continue;
            }
            failures.attempted();
            try {
                if (!fresh && !disk.updateAttributes()) {
                    disks.invalidate(); // gone: look for devices again next time
                    continue;
                }
                long reads = disk.getReads();
                long writes = disk.getWrites();
                long readBytes = disk.getReadBytes();
                long writeBytes = disk.getWriteBytes();
                long busy = disk.getTransferTime();
                String p = "diskio." + name + ".";
                out.counter(p + "reads", reads);
                out.counter(p + "writes", writes);
                out.counter(p + "read_bytes", readBytes);
                out.counter(p + "write_bytes", writeBytes);
                out.counter(p + "io_time_ms", busy);
            } catch (RuntimeException e) {
                failures.failed(disk.getName(), e);
            }
        }
        failures.throwIfAny();
    }
}
