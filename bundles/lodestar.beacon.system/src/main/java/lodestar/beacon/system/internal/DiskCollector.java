package lodestar.beacon.system.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import oshi.software.os.OSFileStore;

/**
 * Per mounted file system, {@code disk.<mount>.}: {@code total}, {@code used}, {@code free} (bytes an
 * unprivileged user can still write, as {@code df} "Avail"), {@code used_percent} (used / (used + free),
 * as {@code df} "Use%", so root-reserved blocks do not count as free), and when the file system has an
 * inode table {@code inodes_total}, {@code inodes_used}, {@code inodes_free}, {@code inodes_used_percent}.
 * The mount point becomes a name with {@link Names#mount(String)}; when two mount points map to the same
 * name the first one listed wins. File systems are listed afresh on each collection (mounts come and
 * go; listing them is cheap); network file systems are not listed (a hung NFS server would stall the
 * beacon), nor OSHI's pseudo file systems (proc, sysfs, cgroup, overlay, squashfs, ...).
 */
final class DiskCollector implements Collector {

    private final Supplier<List<OSFileStore>> stores;
    private final Exclusions typeExclude;
    private final Exclusions pathExclude;

    /**
     * @param stores      the mounted file systems
     * @param mountExclude fs types ({@code tmpfs}) and mount point globs (entries starting with {@code /})
     */
    DiskCollector(Supplier<List<OSFileStore>> stores, Exclusions mountExclude) {
        this.stores = stores;
        this.typeExclude = mountExclude.filter(p -> !p.startsWith("/"));
        this.pathExclude = mountExclude.filter(p -> p.startsWith("/"));
    }

    @Override
    public String group() {
        return "disk";
    }

    /** True when a file system of this type mounted here is left out. */
    boolean excluded(String type, String mount) {
        return typeExclude.matches(type) || pathExclude.matches(mount);
    }

    @Override
    public void collect(Out out) throws PartialFailure {
        Failures failures = new Failures("mounts");
        Set<String> seen = new HashSet<>();
        for (OSFileStore store : stores.get()) {
            String mount = store.getMount();
            if (excluded(store.getType(), mount)) {
                continue;
            }
            String name = Names.mount(mount);
            if (!seen.add(name)) {
                continue;
            }
            failures.attempted();
            try {
                emit(out, "disk." + name + ".", store);
            } catch (RuntimeException e) {
                failures.failed(mount, e);
            }
        }
        failures.throwIfAny();
    }

    private static void emit(Out out, String p, OSFileStore store) {
        // read everything first so a failing store emits nothing rather than half a set
        long total = store.getTotalSpace();
        long usable = store.getUsableSpace();
        long unallocated = store.getFreeSpace();
        long inodesTotal = store.getTotalInodes();
        long inodesFree = store.getFreeInodes();
        long used = Math.max(0, total - unallocated);
        out.gauge(p + "total", total);
        out.gauge(p + "used", used);
        out.gauge(p + "free", usable);
        if (used + usable > 0) {
            out.gauge(p + "used_percent", 100.0 * used / (used + usable));
        }
        if (inodesTotal > 0) {
            long inodesUsed = Math.max(0, inodesTotal - inodesFree);
            out.gauge(p + "inodes_total", inodesTotal);
            out.gauge(p + "inodes_used", inodesUsed);
            out.gauge(p + "inodes_free", inodesFree);
            out.gauge(p + "inodes_used_percent", 100.0 * inodesUsed / inodesTotal);
        }
    }
}
