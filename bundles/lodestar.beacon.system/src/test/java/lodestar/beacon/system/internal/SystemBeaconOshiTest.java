package lodestar.beacon.system.internal;

import lodestar.testkit.Recorder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import oshi.PlatformEnum;
import oshi.SystemInfo;

/**
 * The beacon with real OSHI on this (Linux) host, checked against what the kernel says in /proc and
 * /sys and what the JDK reports.
 */
class SystemBeaconOshiTest {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)+");

    @BeforeAll
    static void linuxOnly() {
        assumeTrue(SystemInfo.getCurrentPlatform() == PlatformEnum.LINUX, "these tests compare with /proc");
    }

    private static Recorder collect(SystemBeacon b) throws Exception {
        Recorder r = new Recorder();
        b.collect(r);
        return r;
    }

    @Test
    void defaultsRunEveryGroupUnderPrefixAndShortHostName() throws Exception {
        SystemBeacon b = new SystemBeacon(Configs.of());
        assertEquals(List.of("cpu", "load", "memory", "swap", "disk", "diskio", "network", "processes", "uptime"),
                b.groups());
        String kernelHost = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        assertEquals("system." + Names.host("", kernelHost) + ".", b.base());

        Thread.sleep(400);
        Recorder r = collect(b);
        Map<String, Sample> s = r.byName(); // also fails on a duplicate name
        for (String group : new String[] {"cpu.", "load.", "memory.", "swap.", "disk.", "diskio.", "net.", "processes.",
                "uptime"}) {
            assertTrue(s.keySet().stream().anyMatch(n -> n.startsWith(b.base() + group)), group + " missing: " + s.keySet());
        }
        for (Sample x : r.samples) {
            assertTrue(x.name().startsWith(b.base()), x.name());
            assertTrue(NAME.matcher(x.name()).matches(), x.name());
            assertTrue(x.tags().isEmpty(), x.toString());
            boolean cumulative = x.name().startsWith(b.base() + "diskio.") || x.name().startsWith(b.base() + "net.");
            assertEquals(cumulative ? Kind.COUNTER : Kind.GAUGE, x.kind(), x.name());
            assertFalse(Double.isNaN(x.value()), x.name());
        }
        assertEquals(0, b.errors());
    }

    @Test
    void aNewConfigurationIsTakenInPlace() throws Exception {
        SystemBeacon b = new SystemBeacon(Configs.only("cpu", "memory"));
        String base = b.base();
        // the interval only (the core reschedules from the service properties): nothing is made again
        b.modified(Configs.of("interval", "1m", "load", false, "swap", false, "disk", false, "diskio", false,
                "network", false, "processes", false, "uptime", false));
        assertEquals(List.of("cpu", "memory"), b.groups());
        assertEquals(base, b.base());
        b.modified(Configs.of("prefix", "host", "host", "web1", "cpu", false, "load", false, "swap", false, "disk", false,
                "diskio", false, "network", false, "processes", false, "uptime", false));
        assertEquals(List.of("memory"), b.groups());
        assertEquals("host.web1.", b.base());
        assertTrue(collect(b).byName().keySet().stream().allMatch(n -> n.startsWith("host.web1.memory.")));
        assertThrows(IllegalArgumentException.class, () -> b.modified(Configs.of("interval", "10")));
        assertEquals("host.web1.", b.base(), "a bad configuration changes nothing");
    }

    @Test
    void cpuPercentagesAreWithin0To100AndSumTo100() throws Exception {
        SystemBeacon b = new SystemBeacon(Configs.only("cpu"));
        busy(300);
        collect(b);
        busy(300);
        Thread.sleep(300);
        Recorder r = collect(b);
        String p = b.base() + "cpu.";
        double sum = 0;
        for (String state : CpuCollector.STATES) {
            double v = r.value(p + state);
            assertTrue(v >= 0 && v <= 100, state + "=" + v);
            sum += v;
        }
        assertEquals(100.0, sum, 1e-6);
        assertEquals(CpuCollector.STATES.length, r.samples.size());
        // a test run under nice(1) spends its busy loop in "nice", not "user"
        assertTrue(r.value(p + "user") + r.value(p + "system") + r.value(p + "nice") > 0, "we kept a core busy");
    }

    @Test
    void memoryMatchesProcMeminfo() throws Exception {
        SystemBeacon b = new SystemBeacon(Configs.only("memory"));
        Recorder r = collect(b);
        String p = b.base() + "memory.";
        List<String> meminfo = Files.readAllLines(Path.of("/proc/meminfo"));
        long memTotal = MemoryCollector.field(meminfo, "MemTotal").orElseThrow();
        assertTrue(memTotal > 0);
        assertEquals(memTotal, (long) r.value(p + "total"), "MemTotal kB * 1024");
        double total = r.value(p + "total");
        double available = r.value(p + "available");
        assertTrue(available > 0 && available <= total, "available " + available);
        assertEquals(total, r.value(p + "used") + available, 1);
        double free = r.value(p + "free");
        assertTrue(free > 0 && free <= available, "MemFree " + free + " is at most MemAvailable " + available);
        assertEquals(100.0 * r.value(p + "used") / total, r.value(p + "used_percent"), 1e-9);
        assertEquals(Set.of("total", "used", "free", "available", "used_percent"), suffixes(r, p));
    }

    @Test
    void swapMatchesProcMeminfo() throws Exception {
        SystemBeacon b = new SystemBeacon(Configs.only("swap"));
        Recorder r = collect(b);
        String p = b.base() + "swap.";
        long swapTotal = MemoryCollector.field(Files.readAllLines(Path.of("/proc/meminfo")), "SwapTotal").orElseThrow();
        assertEquals(swapTotal, (long) r.value(p + "total"));
        assertEquals(r.value(p + "total"), r.value(p + "used") + r.value(p + "free"), 0);
    }

    @Test
    void rootFileSystemMatchesTheJdk() throws Exception {
        assumeTrue(rootType() != null && !Set.of("overlay", "tmpfs", "aufs", "squashfs").contains(rootType()),
                "/ is a real file system here");
        SystemBeacon b = new SystemBeacon(Configs.only("disk"));
        Recorder r = collect(b);
        String p = b.base() + "disk.root.";
        File root = new File("/");
        double total = r.value(p + "total");
        assertTrue(total > 0);
        assertEquals(root.getTotalSpace(), total, root.getTotalSpace() * 0.001, "total vs File(\"/\").getTotalSpace()");
        assertEquals(root.getUsableSpace(), r.value(p + "free"), root.getTotalSpace() * 0.01, "free vs getUsableSpace()");
        double used = r.value(p + "used");
        assertEquals(total - root.getFreeSpace(), used, root.getTotalSpace() * 0.01);
        double pct = r.value(p + "used_percent");
        assertTrue(pct >= 0 && pct <= 100, "used_percent " + pct);
        double inodes = r.value(p + "inodes_total");
        assertTrue(inodes > 0);
        assertEquals(inodes, r.value(p + "inodes_used") + r.value(p + "inodes_free"), 0);
        double ipct = r.value(p + "inodes_used_percent");
        assertTrue(ipct >= 0 && ipct <= 100, "inodes_used_percent " + ipct);
    }

    @Test
    void excludedFileSystemTypesAreLeftOut() throws Exception {
        SystemBeacon b = new SystemBeacon(Configs.only("disk"));
        Recorder r = collect(b);
        Set<String> mounts = new TreeSet<>();
        for (Sample s : r.samples) {
            mounts.add(s.name().substring((b.base() + "disk.").length(), s.name().lastIndexOf('.')));
        }
        for (String[] m : procMounts()) {
            if (Set.of("tmpfs", "devtmpfs", "proc", "sysfs", "cgroup", "cgroup2", "devpts", "overlay").contains(m[2])
                    && !m[1].equals("/")) {
                assertFalse(mounts.contains(Names.mount(m[1])), m[1] + " (" + m[2] + ") should be left out: " + mounts);
            }
        }
        // with tmpfs allowed, a tmpfs mount such as /dev/shm may show (OSHI itself skips **/shm, /run, /dev, /sys, /proc)
        SystemBeacon all = new SystemBeacon(Configs.of("mountExclude", new String[0], "cpu", false));
        Recorder r2 = collect(all);
        assertTrue(r2.samples.size() >= r.samples.size());
    }

    @Test
    void loadAveragesAreNonNegative() throws Exception {
        SystemBeacon b = new SystemBeacon(Configs.only("load"));
        Recorder r = collect(b);
        for (String n : new String[] {"1min", "5min", "15min"}) {
            double v = r.value(b.base() + "load." + n);
            assertTrue(v >= 0, n + "=" + v);
        }
        assertEquals(3, r.samples.size());
    }

    @Test
    void networkHasEveryUpInterfaceButLoopback() throws Exception {
        List<String> up = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of("/sys/class/net"))) {
            for (Path d : dirs.toList()) {
                String name = d.getFileName().toString();
                String state = read(d.resolve("operstate"));
                if (!name.equals("lo") && "up".equals(state)) {
                    up.add(name);
                }
            }
        }
        SystemBeacon b = new SystemBeacon(Configs.only("network"));
        Map<String, Long> rxBefore = new java.util.HashMap<>();
        for (String n : up) {
            rxBefore.put(n, Long.parseLong(read(Path.of("/sys/class/net", n, "statistics", "rx_bytes"))));
        }
        Recorder r = collect(b);
        assertFalse(r.samples.stream().anyMatch(s -> s.name().startsWith(b.base() + "net.lo.")), "lo is excluded by default");
        assumeTrue(!up.isEmpty(), "no interface other than lo is up");
        for (String n : up) {
            String p = b.base() + "net." + Names.component(n) + ".";
            assertTrue(r.value(p + "bytes_recv") >= rxBefore.get(n), n + " bytes_recv is a running total");
            assertEquals(Set.of("bytes_recv", "bytes_sent", "packets_recv", "packets_sent", "err_in", "err_out", "drop_in"),
                    suffixes(r, p));
        }
        // a second collection (refreshing the kept interfaces) never goes backwards
        Recorder r2 = collect(b);
        String p = b.base() + "net." + Names.component(up.get(0)) + ".";
        assertTrue(r2.value(p + "packets_recv") >= r.value(p + "packets_recv"));
    }

    @Test
    void loopbackShowsWhenNotExcluded() throws Exception {
        SystemBeacon b = new SystemBeacon(Configs.of("interfaceExclude", new String[0], "cpu", false, "disk", false,
                "diskio", false));
        Recorder r = collect(b);
        assertTrue(r.samples.stream().anyMatch(s -> s.name().equals(b.base() + "net.lo.bytes_recv")),
                "lo listed: " + r.byName().keySet());
    }

    @Test
    void diskIoCountersAreRunningTotalsFromTheKernel() throws Exception {
        Map<String, Long> readsBefore = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/diskstats"))) {
            String[] f = line.trim().split("\\s+");
            readsBefore.put(f[2], Long.parseLong(f[3]));
        }
        SystemBeacon b = new SystemBeacon(Configs.only("diskio"));
        Recorder r = collect(b);
        assumeTrue(!r.samples.isEmpty(), "OSHI lists no block device here");
        Set<String> devices = new TreeSet<>();
        for (Sample s : r.samples) {
            assertEquals(Kind.COUNTER, s.kind());
            assertTrue(s.value() >= 0, s.toString());
            devices.add(s.name().substring((b.base() + "diskio.").length(), s.name().lastIndexOf('.')));
        }
        for (String d : devices) {
            String p = b.base() + "diskio." + d + ".";
            assertEquals(Set.of("reads", "writes", "read_bytes", "write_bytes", "io_time_ms"), suffixes(r, p));
            if (readsBefore.containsKey(d)) {
                assertTrue(r.value(p + "reads") >= readsBefore.get(d), d + " reads vs /proc/diskstats");
            }
        }
        Recorder r2 = collect(b);
        for (String d : devices) {
            String n = b.base() + "diskio." + d + ".reads";
            assertTrue(r2.value(n) >= r.value(n), n);
        }
        // excluding every device leaves nothing
        SystemBeacon none = new SystemBeacon(Configs.of("deviceExclude", new String[] {"*"}, "cpu", false, "load", false,
                "memory", false, "swap", false, "disk", false, "network", false, "processes", false, "uptime", false));
        assertTrue(collect(none).samples.isEmpty());
    }

    @Test
    void processesAndUptime() throws Exception {
        SystemBeacon b = new SystemBeacon(Configs.only("processes", "uptime"));
        Recorder r = collect(b);
        double procs = r.value(b.base() + "processes.count");
        double threads = r.value(b.base() + "processes.threads");
        assertTrue(procs >= 1, "processes " + procs);
        assertTrue(threads >= procs, "threads " + threads + " >= processes " + procs);
        double procUptime = Double.parseDouble(read(Path.of("/proc/uptime")).split("\\s+")[0]);
        assertEquals(procUptime, r.value(b.base() + "uptime"), 5, "uptime vs /proc/uptime");
        assertEquals(3, r.samples.size());
    }

    @Test
    void disabledGroupsEmitNothing() throws Exception {
        SystemBeacon none = new SystemBeacon(Configs.only());
        assertEquals(List.of(), none.groups());
        assertTrue(collect(none).samples.isEmpty());

        SystemBeacon memOnly = new SystemBeacon(Configs.only("memory", "uptime"));
        Recorder r = collect(memOnly);
        assertFalse(r.samples.isEmpty());
        for (Sample s : r.samples) {
            assertTrue(s.name().startsWith(memOnly.base() + "memory.") || s.name().equals(memOnly.base() + "uptime"),
                    s.name());
        }
    }

    @Test
    void configuredPrefixAndHostShapeTheNames() throws Exception {
        SystemBeacon b = new SystemBeacon(Configs.of("prefix", "dc1.servers", "host", "web01.example.com", "cpu", false));
        assertEquals("dc1.servers.web01_example_com.", b.base());
        Recorder r = collect(b);
        assertTrue(r.samples.stream().allMatch(s -> s.name().startsWith("dc1.servers.web01_example_com.")));
        SystemBeacon bare = new SystemBeacon(Configs.of("prefix", "", "host", "h1", "cpu", false));
        assertEquals("h1.", bare.base());
    }

    // --- helpers

    private static Set<String> suffixes(Recorder r, String prefix) {
        Set<String> s = new TreeSet<>();
        for (Sample x : r.samples) {
            if (x.name().startsWith(prefix)) {
                s.add(x.name().substring(prefix.length()));
            }
        }
        return s;
    }

    private static void busy(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        long x = 0;
        while (System.nanoTime() < end) {
            x += System.nanoTime() % 7;
        }
        if (x == 42) {
            System.out.print("");
        }
    }

    private static List<String[]> procMounts() throws IOException {
        List<String[]> l = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            l.add(line.split(" "));
        }
        return l;
    }

    private static String rootType() throws IOException {
        String type = null;
        for (String[] m : procMounts()) {
            if (m[1].equals("/")) {
                type = m[2]; // the last mount on / is the visible one
            }
        }
        return type;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
