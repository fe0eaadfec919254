package lodestar.beacon.system.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Beacon;
import lodestar.api.Emitter;
import lodestar.support.log.RateLimitedLog;
import lodestar.support.config.Units;
import oshi.PlatformEnum;
import oshi.SystemInfo;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.software.os.OperatingSystem;
import oshi.util.platform.linux.ProcPath;

/**
 * The host's own metrics, collected out of the box (no configuration needed): CPU, load, memory, swap,
 * file systems, disk and network I/O, processes, uptime, under {@code <prefix>.<host>.}. One small
 * {@link Collector} per group, each switched by configuration; a group that fails is logged
 * (rate-limited) and the others still run. The OSHI objects are created once per activation and kept:
 * creating them is the expensive part.
 *
 * <p>Immediate: activated as soon as it is satisfied, so a bad configuration is reported right away
 * (SCR logs the constructor's {@code IllegalArgumentException}, which names the property, and hands out
 * no service object) rather than when the core first asks for it; the CPU baseline starts at activation;
 * and the OSHI objects are not thrown away whenever the last user ungets the service.
 */
@Component(name = SystemBeacon.PID, configurationPid = SystemBeacon.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, service = Beacon.class, immediate = true)
@Designate(ocd = SystemBeacon.Config.class)
public final class SystemBeacon implements Beacon {

    static final String PID = "lodestar.beacon.system";

    /** How often the kept disk and interface lists are listed again to pick up new devices. */
    static final long REDISCOVER_MILLIS = 5 * 60_000L;

    private static final Logger LOG = LoggerFactory.getLogger(SystemBeacon.class);
    private static final long LOG_PERIOD_MILLIS = 60_000L;

    @ObjectClassDefinition(id = PID, name = "Lodestar system beacon",
            description = "Host metrics through OSHI (CPU, load, memory, swap, disks, disk and network I/O, processes,"
                    + " uptime), named <prefix>.<host>.<group>... Runs without configuration.")
    public @interface Config {

        @AttributeDefinition(name = "Interval",
                description = "How often to collect, a positive duration: 500ms, 10s, 5m. CPU percentages cover the time"
                        + " between two collections.")
        String interval() default "10s";

        @AttributeDefinition(name = "Enabled", description = "Untick to pause collection without removing the beacon.")
        boolean enabled() default true;

        @AttributeDefinition(name = "Prefix",
                description = "First part of every metric name; dot-separated words of letters, digits, '_' and '-'."
                        + " Empty: names start with the host.")
        String prefix() default "system";

        @AttributeDefinition(name = "Host", required = false,
                description = "Second part of every metric name. Empty: this machine's short host name (up to the first"
                        + " dot). Dots and other characters outside [A-Za-z0-9_-] become '_'.")
        String host() default "";

        @AttributeDefinition(name = "CPU", description = "cpu.user, .system, .idle, .iowait, .nice, .irq, .softirq, .steal:"
                + " percent of CPU time over the last interval, all cores together.")
        boolean cpu() default true;

        @AttributeDefinition(name = "Load", description = "load.1min, .5min, .15min: load averages (not on Windows).")
        boolean load() default true;

        @AttributeDefinition(name = "Memory", description = "memory.total, .used, .free, .available (bytes), .used_percent.")
        boolean memory() default true;

        @AttributeDefinition(name = "Swap", description = "swap.total, .used, .free (bytes).")
        boolean swap() default true;

        @AttributeDefinition(name = "Disk usage", description = "disk.<mount>.total, .used, .free (bytes), .used_percent,"
                + " .inodes_total, .inodes_used, .inodes_free, .inodes_used_percent per mounted local file system"
                + " (/ is 'root', /var/lib is 'var_lib').")
        boolean disk() default true;

        @AttributeDefinition(name = "Disk I/O", description = "diskio.<device>.reads, .writes, .read_bytes, .write_bytes,"
                + " .io_time_ms per block device: totals since boot.")
        boolean diskio() default true;

        @AttributeDefinition(name = "Network", description = "net.<interface>.bytes_recv, .bytes_sent, .packets_recv,"
                + " .packets_sent, .err_in, .err_out, .drop_in: totals since boot.")
        boolean network() default true;

        @AttributeDefinition(name = "Processes", description = "processes.count, processes.threads.")
        boolean processes() default true;

        @AttributeDefinition(name = "Uptime", description = "uptime: seconds since boot.")
        boolean uptime() default true;

        @AttributeDefinition(name = "Excluded file systems", required = false,
                description = "File system types left out of disk usage (globs: tmpfs, fuse.*); entries starting with '/'"
                        + " are mount point globs instead (/mnt/**, /snap/*). Pseudo and network file systems are never"
                        + " listed.")
        String[] mountExclude() default {"tmpfs", "devtmpfs", "devfs", "iso9660", "overlay", "aufs", "squashfs"};

        @AttributeDefinition(name = "Excluded interfaces", required = false,
                description = "Network interfaces left out (globs: lo, docker*, veth*).")
        String[] interfaceExclude() default {"lo"};

        @AttributeDefinition(name = "Excluded devices", required = false,
                description = "Block devices left out of disk I/O, by name without /dev/ (globs: loop*, ram*, zram*).")
        String[] deviceExclude() default {};
    }

    /** A collector and the rate-limited log line for its failures. */
    private record Running(Collector collector, RateLimitedLog failures) {
    }

    /** {@code <prefix>.<host>.} and the enabled collectors: replaced together by {@link #modified}. */
    private volatile String base;
    private volatile List<Running> running;
    private final AtomicLong errors = new AtomicLong();
    /** OSHI's entry point, kept for a new configuration; null for tests' given collectors */
    private final SystemInfo si;
    /** what {@link #base} and {@link #running} were made from (null: given by a test) */
    private volatile Config made;

    @Activate
    public SystemBeacon(Config config) {
        // validate before touching OSHI, so a bad value costs nothing and names the property
        this(validated(config), new SystemInfo());
    }

    SystemBeacon(Config config, SystemInfo si) {
        this(baseName(validated(config), si), collectors(config, si), si);
        this.made = config;
        LOG.info("system beacon: {}* every {}, groups {}", base, config.interval(), groups());
    }

    /** For tests: given collectors under a given base name ({@code system.host.}). */
    SystemBeacon(String base, List<Collector> collectors) {
        this(base, collectors, null);
    }

    private SystemBeacon(String base, List<Collector> collectors, SystemInfo si) {
        this.base = base;
        this.running = runnings(collectors);
        this.si = si;
    }

    private static List<Running> runnings(List<Collector> collectors) {
        List<Running> r = new ArrayList<>();
        for (Collector c : collectors) {
            r.add(new Running(c, new RateLimitedLog(LOG_PERIOD_MILLIS, LOG::warn)));
        }
        return List.copyOf(r);
    }

    /**
     * A new configuration, taken in place. Why: without it SCR would stop and start the beacon whenever its file is
     * read, which on a first start (the component starts with its defaults, then FileInstall brings
     * conf/lodestar.beacon.system.cfg) logged the beacon removed and scheduled again, and lost the CPU baseline. The
     * interval and enabled reach the core as service properties; the names and groups are made again only when what
     * they come from changed.
     */
    @Modified
    void modified(Config config) {
        validated(config);
        Config old = made;
        if (si == null || old != null && sameCollection(old, config)) {
            made = config;
            return;
        }
        String newBase = baseName(config, si);
        List<Running> newRunning = runnings(collectors(config, si));
        base = newBase;
        running = newRunning;
        made = config;
        LOG.info("system beacon: {}* every {}, groups {}", newBase, config.interval(), groups());
    }

    private static boolean sameCollection(Config a, Config b) {
        return java.util.Objects.equals(a.prefix(), b.prefix()) && java.util.Objects.equals(a.host(), b.host()) && a.cpu() == b.cpu() && a.load() == b.load()
                && a.memory() == b.memory() && a.swap() == b.swap() && a.disk() == b.disk() && a.diskio() == b.diskio()
                && a.network() == b.network() && a.processes() == b.processes() && a.uptime() == b.uptime()
                && java.util.Arrays.equals(a.mountExclude(), b.mountExclude())
                && java.util.Arrays.equals(a.interfaceExclude(), b.interfaceExclude())
                && java.util.Arrays.equals(a.deviceExclude(), b.deviceExclude());
    }

    /**
     * Runs every enabled group. A group that throws is logged (at most once a minute per group) and
     * counted; the others still run. Throws only when every group failed, so the core counts the
     * beacon's run as an error.
     */
    @Override
    public void collect(Emitter emitter) throws Exception {
        // one configuration's base and collectors for the whole run
        List<Running> running = this.running;
        Out out = new Out(emitter, base, System.currentTimeMillis());
        int failed = 0;
        Throwable first = null;
        for (Running r : running) {
            try {
                r.collector().collect(out);
            } catch (Exception | LinkageError e) {
                failed++;
                errors.incrementAndGet();
                if (first == null) {
                    first = e;
                }
                String group = r.collector().group();
                r.failures().log(() -> "system beacon: group " + group + " failed: " + e);
                LOG.debug("system beacon: group {} failed", group, e);
            }
        }
        if (failed > 0 && failed == running.size()) {
            throw new Exception("system beacon: every group failed (" + failed + "), first: " + first, first);
        }
    }

    /** {@code <prefix>.<host>.} */
    String base() {
        return base;
    }

    /** The enabled groups, in collection order. */
    List<String> groups() {
        return running.stream().map(r -> r.collector().group()).toList();
    }

    /** Group failures since activation. */
    long errors() {
        return errors.get();
    }

    static Config validated(Config config) {
        Units.positiveDurationMillis("interval", config.interval());
        Names.prefix(config.prefix());
        return config;
    }

    private static String baseName(Config config, SystemInfo si) {
        String host = config.host();
        String detected = host == null || host.isBlank() ? detectHost(si) : null;
        return Names.base(Names.prefix(config.prefix()), Names.host(host, detected));
    }

    private static String detectHost(SystemInfo si) {
        try {
            return si.getOperatingSystem().getNetworkParams().getHostName();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("system beacon: cannot read the host name ({}), using 'localhost'; set 'host' to name it", e.toString());
            return null;
        }
    }

    /** The enabled collectors. One whose OSHI objects cannot be created is logged and left out. */
    static List<Collector> collectors(Config config, SystemInfo si) {
        Exclusions mountExclude = Exclusions.of(config.mountExclude());
        Exclusions interfaceExclude = Exclusions.of(config.interfaceExclude());
        Exclusions deviceExclude = Exclusions.of(config.deviceExclude());
        List<Collector> list = new ArrayList<>();
        add(list, config.cpu(), "cpu", () -> new CpuCollector(hal(si).getProcessor()));
        add(list, config.load(), "load", () -> new LoadCollector(hal(si).getProcessor()));
        add(list, config.memory(), "memory", () -> new MemoryCollector(hal(si).getMemory(), memFree()));
        add(list, config.swap(), "swap", () -> new SwapCollector(hal(si).getMemory().getVirtualMemory()));
        add(list, config.disk(), "disk", () -> {
            OperatingSystem os = si.getOperatingSystem();
            return new DiskCollector(() -> os.getFileSystem().getFileStores(true), mountExclude);
        });
        add(list, config.diskio(), "diskio", () -> new DiskIoCollector(
                new Discovered<>(() -> hal(si).getDiskStores(), REDISCOVER_MILLIS), deviceExclude));
        add(list, config.network(), "network", () -> new NetworkCollector(
                new Discovered<>(() -> hal(si).getNetworkIFs(true), REDISCOVER_MILLIS), interfaceExclude));
        add(list, config.processes(), "processes", () -> new ProcessesCollector(si.getOperatingSystem()));
        add(list, config.uptime(), "uptime", () -> new UptimeCollector(si.getOperatingSystem()));
        return list;
    }

    private static HardwareAbstractionLayer hal(SystemInfo si) {
        return si.getHardware();
    }

    private static Supplier<OptionalLong> memFree() {
        if (SystemInfo.getCurrentPlatform() == PlatformEnum.LINUX) {
            return MemoryCollector.memFree(Path.of(ProcPath.MEMINFO));
        }
        return OptionalLong::empty;
    }

    private static void add(List<Collector> list, boolean enabled, String group, Supplier<Collector> factory) {
        if (!enabled) {
            return;
        }
        try {
            list.add(factory.get());
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("system beacon: group {} is not available on this host and is left out: {}", group, e.toString());
            LOG.debug("system beacon: group {} setup failed", group, e);
        }
    }
}
