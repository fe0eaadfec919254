package lodestar.beacon.jvm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.testkit.Configs;

/** Runs the beacon against this test JVM and checks the values are sane. */
class JvmBeaconTest {

    private static Map<String, Sample> collect(JvmBeacon b) {
        List<Sample> samples = new ArrayList<>();
        b.collect(samples::add);
        Map<String, Sample> m = new LinkedHashMap<>();
        for (Sample s : samples) {
            if (m.put(s.name(), s) != null) {
                throw new AssertionError("duplicate " + s.name());
            }
        }
        assertEquals(1, samples.stream().map(Sample::timestamp).distinct().count(), "one timestamp per collection");
        return m;
    }

    private static double value(Map<String, Sample> m, String name) {
        Sample s = m.get(name);
        assertNotNull(s, name + " missing; got " + m.keySet());
        return s.value();
    }

    @Test
    void heapIsUsedAndWithinItsMax() {
        Map<String, Sample> m = collect(new JvmBeacon(Configs.of(JvmBeacon.Config.class)));
        double used = value(m, "lodestar.jvm.heap.used");
        double committed = value(m, "lodestar.jvm.heap.committed");
        assertTrue(used > 0, "heap used " + used);
        assertTrue(committed > 0);
        if (m.containsKey("lodestar.jvm.heap.max")) {
            assertTrue(used <= value(m, "lodestar.jvm.heap.max"));
        }
        assertTrue(value(m, "lodestar.jvm.nonheap.used") > 0);
        assertTrue(m.keySet().stream().anyMatch(n -> n.startsWith("lodestar.jvm.pool.") && n.endsWith(".used")), "pools");
    }

    @Test
    void gcCountersArePresentPerCollector() {
        System.gc();
        Map<String, Sample> m = collect(new JvmBeacon(Configs.of(JvmBeacon.Config.class)));
        List<Sample> counts = m.values().stream().filter(s -> s.name().startsWith("lodestar.jvm.gc.")
                && s.name().endsWith(".count")).toList();
        assertFalse(counts.isEmpty(), "gc counters: " + m.keySet());
        for (Sample s : counts) {
            assertEquals(Kind.COUNTER, s.kind());
            assertTrue(s.value() >= 0);
            String time = s.name().replace(".count", ".time_ms");
            assertEquals(Kind.COUNTER, m.get(time).kind(), time);
        }
        assertTrue(counts.stream().mapToDouble(Sample::value).sum() >= 1, "System.gc() was counted somewhere");
    }

    @Test
    void threadsClassesCpuAndUptime() {
        Map<String, Sample> m = collect(new JvmBeacon(Configs.of(JvmBeacon.Config.class)));
        double live = value(m, "lodestar.jvm.threads.live");
        assertTrue(live >= 1);
        assertTrue(value(m, "lodestar.jvm.threads.daemon") <= live);
        assertTrue(value(m, "lodestar.jvm.threads.peak") >= live);
        assertTrue(value(m, "lodestar.jvm.classes.loaded") > 100);
        assertTrue(value(m, "lodestar.jvm.classes.loaded_total") >= value(m, "lodestar.jvm.classes.loaded"));
        assertTrue(value(m, "lodestar.jvm.cpu.time_ms") > 0);
        assertTrue(value(m, "lodestar.jvm.cpu.count") >= 1);
        assertTrue(value(m, "lodestar.jvm.uptime") > 0);
        if (m.containsKey("lodestar.jvm.cpu.process_percent")) {
            double p = value(m, "lodestar.jvm.cpu.process_percent");
            assertTrue(p >= 0 && p <= 100, "cpu " + p);
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void openFileDescriptorsMatchProcSelfFd() throws IOException {
        Map<String, Sample> m = collect(new JvmBeacon(Configs.of(JvmBeacon.Config.class)));
        double open = value(m, "lodestar.jvm.fd.open");
        long proc;
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            proc = s.count(); // includes the directory handle this listing holds
        }
        assertTrue(open > 0);
        assertTrue(Math.abs(open - proc) <= 5, "fd.open " + open + " vs /proc/self/fd " + proc);
        assertTrue(value(m, "lodestar.jvm.fd.max") >= open);
    }

    @Test
    void prefixIsApplied() {
        Map<String, Sample> m = collect(new JvmBeacon(Configs.of(JvmBeacon.Config.class, "prefix", "app.jvm")));
        assertTrue(m.keySet().stream().allMatch(n -> n.startsWith("app.jvm.")), m.keySet().toString());
    }

    @Test
    void badValuesNameTheProperty() {
        for (String bad : new String[] {"", "a..b", ".a", "a b", "a."}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new JvmBeacon(Configs.of(JvmBeacon.Config.class, "prefix", bad)));
            assertTrue(e.getMessage().startsWith("prefix:"), e.getMessage());
        }
        for (String bad : new String[] {"0", "-1s", "soon"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new JvmBeacon(Configs.of(JvmBeacon.Config.class, "interval", bad)));
            assertTrue(e.getMessage().startsWith("interval:"), e.getMessage());
        }
    }

    @Test
    void namesBecomeOnePathComponent() {
        assertEquals("G1_Eden_Space", JvmReader.component("G1 Eden Space"));
        assertEquals("CodeHeap__non-nmethods_", JvmReader.component("CodeHeap 'non-nmethods'"));
        assertEquals("PS_MarkSweep", JvmReader.component("PS MarkSweep"));
    }
}
