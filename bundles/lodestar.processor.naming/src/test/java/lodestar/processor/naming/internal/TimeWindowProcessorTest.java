package lodestar.processor.naming.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.testkit.Configs;

class TimeWindowProcessorTest {

    private static final long NOW = 1_800_000_000_000L;

    private static TimeWindowProcessor window(Object... keyValues) {
        return new TimeWindowProcessor(Configs.of(TimeWindowProcessor.Config.class, keyValues), Map.of(), () -> NOW);
    }

    private static Sample at(long t) {
        return new Sample("m", Tags.EMPTY, 1, t, Kind.GAUGE);
    }

    @Test
    void defaultsSixtySecondsAheadOneHourBack() {
        TimeWindowProcessor w = window();
        assertNotNull(w.process(at(NOW)));
        assertNotNull(w.process(at(NOW + 60_000)));
        assertNull(w.process(at(NOW + 60_001)));
        assertNotNull(w.process(at(NOW - 3_600_000)));
        assertNull(w.process(at(NOW - 3_600_001)));
        Map<String, Long> c = w.status().counters();
        assertEquals(1L, c.get("dropped_future"));
        assertEquals(1L, c.get("dropped_past"));
        assertEquals(5L, c.get("seen"));
    }

    @Test
    void zeroMeansNoLimit() {
        TimeWindowProcessor w = window("future", "0", "past", "0");
        assertNotNull(w.process(at(0)));
        assertNotNull(w.process(at(Long.MAX_VALUE / 2)));
    }

    @Test
    void onlyFuture() {
        TimeWindowProcessor w = window("future", "5s", "past", "0");
        assertNull(w.process(at(NOW + 5001)));
        assertNotNull(w.process(at(NOW - 86_400_000L * 365)));
    }

    @Test
    void badDurationNamesTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> window("future", "soon"));
        assertTrue(e.getMessage().startsWith("future: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> window("past", "-1s"));
        assertTrue(e.getMessage().startsWith("past: "), e.getMessage());
    }

    @Test
    void chainedWithFilterAndNaming() {
        // the order the default rankings give: timewindow (30), filter (20), naming (10)
        TimeWindowProcessor w = window();
        FilterProcessor f = new FilterProcessor(Configs.of(FilterProcessor.Config.class, "include", new String[] {"cpu.**"}), Map.of());
        NamingProcessor n = new NamingProcessor(Configs.of(NamingProcessor.Config.class, "hostTrim", new String[] {"company.tld"}), Map.of());
        Sample s = new Sample("cpu.cpu.idle", Tags.of("host", "node.company.tld"), 1, NOW, Kind.GAUGE);
        assertEquals("node.cpu.idle", n.process(f.process(w.process(s))).name());
        assertNull(f.process(new Sample("mem.free", Tags.EMPTY, 1, NOW, Kind.GAUGE)));
        assertNull(w.process(new Sample("cpu.x", Tags.EMPTY, 1, NOW + 120_000, Kind.GAUGE)));
    }
}
