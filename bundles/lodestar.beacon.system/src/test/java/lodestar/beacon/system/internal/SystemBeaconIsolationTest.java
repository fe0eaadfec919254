package lodestar.beacon.system.internal;

import lodestar.testkit.Recorder;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Group isolation and configuration checks that need no OSHI. */
class SystemBeaconIsolationTest {

    private static Collector fixed(String group, String name, double value) {
        return new Collector() {
            @Override
            public String group() {
                return group;
            }

            @Override
            public void collect(Out out) {
                out.gauge(name, value);
            }
        };
    }

    private static Collector failing(String group, Throwable t) {
        return new Collector() {
            @Override
            public String group() {
                return group;
            }

            @Override
            public void collect(Out out) throws Exception {
                if (t instanceof Exception e) {
                    throw e;
                }
                throw (Error) t;
            }
        };
    }

    @Test
    void aFailingCollectorDoesNotStopTheOthers() {
        SystemBeacon b = new SystemBeacon("system.h.", List.of(
                fixed("cpu", "cpu.user", 1),
                failing("disk", new IllegalStateException("statvfs: permission denied")),
                failing("diskio", new UnsatisfiedLinkError("no jnidispatch")),
                fixed("uptime", "uptime", 42)));
        Recorder r = new Recorder();
        assertDoesNotThrow(() -> b.collect(r));
        assertEquals(1, r.value("system.h.cpu.user"));
        assertEquals(42, r.value("system.h.uptime"));
        assertEquals(2, b.errors());
        // and again: the failing ones keep failing, the others keep going
        Recorder r2 = new Recorder();
        assertDoesNotThrow(() -> b.collect(r2));
        assertEquals(2, r2.samples.size());
        assertEquals(4, b.errors());
    }

    @Test
    void everyGroupFailingFailsTheRunSoTheCoreCountsIt() {
        SystemBeacon b = new SystemBeacon("system.h.", List.of(failing("cpu", new RuntimeException("boom")),
                failing("load", new RuntimeException("bang"))));
        Exception e = assertThrows(Exception.class, () -> b.collect(new Recorder()));
        assertTrue(e.getMessage().contains("every group failed"), e.getMessage());
    }

    @Test
    void noGroupsEmitsNothingAndDoesNotFail() {
        SystemBeacon b = new SystemBeacon("system.h.", List.of());
        Recorder r = new Recorder();
        assertDoesNotThrow(() -> b.collect(r));
        assertTrue(r.samples.isEmpty());
    }

    @Test
    void samplesOfOneCollectionShareOneTimestamp() throws Exception {
        SystemBeacon b = new SystemBeacon("system.h.", List.of(fixed("a", "a", 1), fixed("b", "b", 2)));
        Recorder r = new Recorder();
        b.collect(r);
        assertEquals(1, r.samples.stream().map(s -> s.timestamp()).distinct().count());
    }

    @Test
    void badIntervalIsRejectedNamingTheProperty() {
        for (String bad : new String[] {"-5s", "0", "0s", "", "soon", "10x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SystemBeacon(Configs.of("interval", bad)), bad);
            assertTrue(e.getMessage().startsWith("interval:"), e.getMessage());
        }
    }

    @Test
    void badPrefixIsRejectedNamingTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SystemBeacon(Configs.of("prefix", "a..b")));
        assertTrue(e.getMessage().startsWith("prefix:"), e.getMessage());
    }
}
