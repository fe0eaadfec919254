package lodestar.beacon.system.internal;

import lodestar.testkit.Recorder;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import oshi.software.os.OSFileStore;

/** Collectors against made-up inputs: the arithmetic and the failure handling, independent of the host. */
class CollectorUnitTest {

    private static final String[] CPU_ORDER = {"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"};

    @Test
    void cpuStatesFollowOshiTickOrder() {
        assertArrayEquals(CPU_ORDER, CpuCollector.STATES);
    }

    @Test
    void cpuPercentagesFromTickDeltas() {
        long[] before = {100, 0, 50, 1000, 10, 0, 0, 0};
        long[] after = {130, 0, 60, 1050, 10, 5, 5, 0}; // deltas 30,0,10,50,0,5,5,0 = 100
        double[] pct = CpuCollector.percentages(before, after);
        assertArrayEquals(new double[] {30, 0, 10, 50, 0, 5, 5, 0}, pct, 1e-9);
    }

    @Test
    void cpuNoTimePassedOrBadInputGivesNothing() {
        long[] t = {1, 2, 3, 4, 5, 6, 7, 8};
        assertNull(CpuCollector.percentages(t, t.clone()));
        assertNull(CpuCollector.percentages(null, t));
        assertNull(CpuCollector.percentages(new long[3], t));
    }

    @Test
    void cpuCounterGoingBackwardsCountsAsZero() {
        double[] pct = CpuCollector.percentages(new long[] {100, 0, 0, 100, 0, 0, 0, 0},
                new long[] {50, 0, 0, 200, 0, 0, 0, 0});
        assertEquals(0, pct[0]);
        assertEquals(100, pct[3], 1e-9);
    }

    @Test
    void meminfoFieldInBytes() {
        List<String> lines = List.of("MemTotal:       24684084 kB", "MemFree:        23001234 kB",
                "MemAvailable:   24226180 kB", "HugePages_Total:       0");
        assertEquals(OptionalLong.of(23001234L * 1024), MemoryCollector.field(lines, "MemFree"));
        assertEquals(OptionalLong.of(0), MemoryCollector.field(lines, "HugePages_Total"));
        assertEquals(OptionalLong.empty(), MemoryCollector.field(lines, "Mem"));
        assertEquals(OptionalLong.empty(), MemoryCollector.field(List.of("MemFree: lots kB"), "MemFree"));
    }

    @Test
    void meminfoMissingFileGivesEmpty() {
        assertEquals(OptionalLong.empty(),
                MemoryCollector.memFree(java.nio.file.Path.of("/nonexistent/meminfo")).get());
    }

    @Test
    void diskValuesFollowDf() {
        // 1000 blocks, 300 unallocated of which 250 usable by users (50 reserved for root)
        OSFileStore root = store("/", "ext4", 1000, 300, 250, 100, 40, null);
        Recorder r = new Recorder();
        assertDoesNotThrowCollect(new DiskCollector(() -> List.of(root), Exclusions.of()), r);
        Map<String, Double> v = values(r);
        assertEquals(1000, v.get("s.h.disk.root.total"));
        assertEquals(700, v.get("s.h.disk.root.used"));
        assertEquals(250, v.get("s.h.disk.root.free"));
        assertEquals(100.0 * 700 / 950, v.get("s.h.disk.root.used_percent"), 1e-9);
        assertEquals(100, v.get("s.h.disk.root.inodes_total"));
        assertEquals(60, v.get("s.h.disk.root.inodes_used"));
        assertEquals(40, v.get("s.h.disk.root.inodes_free"));
        assertEquals(60, v.get("s.h.disk.root.inodes_used_percent"), 1e-9);
        assertTrue(r.samples.stream().allMatch(s -> s.kind() == Kind.GAUGE && s.tags().isEmpty()));
    }

    @Test
    void diskWithoutInodeTableEmitsNoInodeFigures() {
        OSFileStore vfat = store("/boot/efi", "vfat", 1000, 500, 500, 0, 0, null);
        Recorder r = new Recorder();
        assertDoesNotThrowCollect(new DiskCollector(() -> List.of(vfat), Exclusions.of()), r);
        assertEquals(List.of("s.h.disk.boot_efi.total", "s.h.disk.boot_efi.used", "s.h.disk.boot_efi.free",
                "s.h.disk.boot_efi.used_percent"), List.copyOf(r.byName().keySet()));
    }

    @Test
    void oneFailingMountDoesNotStopTheOthers() {
        OSFileStore bad = store("/mnt/denied", "ext4", 0, 0, 0, 0, 0, new SecurityException("permission denied"));
        OSFileStore root = store("/", "ext4", 1000, 300, 250, 100, 40, null);
        OSFileStore tmp = store("/tmp", "tmpfs", 1000, 300, 250, 100, 40, null);
        OSFileStore again = store("/", "ext4", 5, 5, 5, 5, 5, null); // same name: first wins
        Recorder r = new Recorder();
        Collector.PartialFailure e = assertThrows(Collector.PartialFailure.class,
                () -> new DiskCollector(() -> List.of(bad, root, tmp, again), Exclusions.of("tmpfs")).collect(out(r)));
        assertTrue(e.getMessage().contains("1 of 2 mounts failed: /mnt/denied"), e.getMessage());
        assertTrue(e.getCause() instanceof SecurityException);
        Map<String, Double> v = values(r);
        assertEquals(1000, v.get("s.h.disk.root.total"));
        assertTrue(v.keySet().stream().noneMatch(k -> k.contains("mnt_denied") || k.contains(".tmp.")), v.toString());
    }

    private static void assertDoesNotThrowCollect(Collector c, Recorder r) {
        try {
            c.collect(out(r));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static Out out(Recorder r) {
        return new Out(r, "s.h.", 1234L);
    }

    private static Map<String, Double> values(Recorder r) {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        r.byName().forEach((k, s) -> m.put(k, s.value()));
        return m;
    }

    /** A file store; {@code fail} is thrown by every size getter when set. */
    private static OSFileStore store(String mount, String type, long total, long free, long usable, long inodes,
            long freeInodes, RuntimeException fail) {
        return (OSFileStore) Proxy.newProxyInstance(CollectorUnitTest.class.getClassLoader(),
                new Class<?>[] {OSFileStore.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "getMount":
                            return mount;
                        case "getType":
                            return type;
                        case "toString":
                            return mount;
                        default:
                            break;
                    }
                    if (fail != null) {
                        throw fail;
                    }
                    return switch (m.getName()) {
                        case "getTotalSpace" -> total;
                        case "getFreeSpace" -> free;
                        case "getUsableSpace" -> usable;
                        case "getTotalInodes" -> inodes;
                        case "getFreeInodes" -> freeInodes;
                        default -> throw new UnsupportedOperationException(m.getName());
                    };
                });
    }
}
