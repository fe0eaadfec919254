package lodestar.beacon.jvm.internal;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Emitter;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.log.RateLimitedLog;

/**
 * Reads the platform MXBeans and emits one sample per value under a base name. Each group is read on
 * its own, so a group that throws (an MXBean a JVM does not implement) is logged, rate-limited, and the
 * others are still emitted.
 *
 * <p>The HotSpot extras (process CPU, open and max file descriptors, from
 * {@code com.sun.management.UnixOperatingSystemMXBean}) are read as attributes of the
 * {@code java.lang:type=OperatingSystem} MBean rather than by casting to the {@code com.sun.management}
 * interfaces: the bundle then imports only {@code javax.management}, which every OSGi framework exports,
 * and a JVM without those attributes (Windows has no file descriptors) simply yields fewer samples.
 */
final class JvmReader {

    private static final Logger LOG = LoggerFactory.getLogger(JvmReader.class);

    private static final String[] OS_EXTRAS = {
            "ProcessCpuLoad", "ProcessCpuTime", "OpenFileDescriptorCount", "MaxFileDescriptorCount"};

    private final String base;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    private final RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    private final RateLimitedLog failures = new RateLimitedLog(60_000, LOG::warn);

    /** @param base prepended to every name, ending with a dot: {@code lodestar.jvm.} */
    JvmReader(String base) {
        this.base = base;
    }

    String base() {
        return base;
    }

    /** Emits every group, all stamped {@code now}. */
    void read(Emitter out, long now) {
        Out o = new Out(out, base, now);
        group("memory", () -> memory(o));
        group("pools", () -> pools(o));
        group("gc", () -> gc(o));
        group("threads", () -> threads(o));
        group("classes", () -> classes(o));
        group("os", () -> os(o));
        group("uptime", () -> o.gauge("uptime", runtime.getUptime() / 1000.0));
    }

    private void group(String name, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | LinkageError e) {
            failures.log(() -> "jvm beacon: group " + name + " failed: " + e);
        }
    }

    private void memory(Out o) {
        usage(o, "heap.", memory.getHeapMemoryUsage());
        usage(o, "nonheap.", memory.getNonHeapMemoryUsage());
    }

    private void pools(Out o) {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.isValid()) {
                usage(o, "pool." + component(pool.getName()) + ".", pool.getUsage());
            }
        }
    }

    /** used, committed, and max when the pool has one (-1 means undefined). */
    private static void usage(Out o, String at, MemoryUsage u) {
        if (u == null) {
            return;
        }
        o.gauge(at + "used", u.getUsed());
        o.gauge(at + "committed", u.getCommitted());
        if (u.getMax() >= 0) {
            o.gauge(at + "max", u.getMax());
        }
    }

    private void gc(Out o) {
        List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
        for (GarbageCollectorMXBean gc : gcs) {
            String at = "gc." + component(gc.getName()) + ".";
            // -1 means this collector does not keep the figure: emit nothing rather than a fake total
            if (gc.getCollectionCount() >= 0) {
                o.counter(at + "count", gc.getCollectionCount());
            }
            if (gc.getCollectionTime() >= 0) {
                o.counter(at + "time_ms", gc.getCollectionTime());
            }
        }
    }

    private void threads(Out o) {
        o.gauge("threads.live", threads.getThreadCount());
        o.gauge("threads.daemon", threads.getDaemonThreadCount());
        o.gauge("threads.peak", threads.getPeakThreadCount());
        o.counter("threads.started", threads.getTotalStartedThreadCount());
    }

    private void classes(Out o) {
        o.gauge("classes.loaded", classes.getLoadedClassCount());
        o.counter("classes.loaded_total", classes.getTotalLoadedClassCount());
        o.counter("classes.unloaded", classes.getUnloadedClassCount());
    }

    private void os(Out o) {
        o.gauge("cpu.count", os.getAvailableProcessors());
        double load = os.getSystemLoadAverage();
        if (load >= 0) {
            o.gauge("system.load_1min", load);
        }
        Map<String, Object> extras = osExtras();
        if (extras.get("ProcessCpuLoad") instanceof Double d && d >= 0) {
            o.gauge("cpu.process_percent", d * 100);
        }
        if (extras.get("ProcessCpuTime") instanceof Long ns && ns >= 0) {
            o.counter("cpu.time_ms", ns / 1_000_000.0);
        }
        if (extras.get("OpenFileDescriptorCount") instanceof Long n && n >= 0) {
            o.gauge("fd.open", n);
        }
        if (extras.get("MaxFileDescriptorCount") instanceof Long n && n >= 0) {
            o.gauge("fd.max", n);
        }
    }

    /** The HotSpot attributes this JVM has; absent ones are simply missing from the map. */
    private static Map<String, Object> osExtras() {
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            AttributeList list = server.getAttributes(new ObjectName(ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME),
                    OS_EXTRAS);
            for (Attribute a : list.asList()) {
                m.put(a.getName(), a.getValue());
            }
        } catch (javax.management.JMException e) {
            throw new IllegalStateException("cannot read " + ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME + ": " + e, e);
        }
        return m;
    }

    /** A collector or pool name as one path component: {@code G1 Eden Space} -> {@code G1_Eden_Space}. */
    static String component(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            b.append(c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_') ? c : '_');
        }
        return b.length() == 0 ? "_" : b.toString();
    }

    /** Prepends the base and stamps one time on every sample of a collection. */
    private record Out(Emitter emitter, String base, long now) {
        void gauge(String name, double v) {
            emitter.emit(new Sample(base + name, Tags.EMPTY, v, now, Kind.GAUGE));
        }

        void counter(String name, double v) {
            emitter.emit(new Sample(base + name, Tags.EMPTY, v, now, Kind.COUNTER));
        }
    }
}
