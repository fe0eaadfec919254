package lodestar.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.RunnerProperties;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.filter.LevelFilter;

class RunnerPropertyReaderTest {

    @Test
    void absentBlankOrZeroMeanTheDefault() {
        RunnerPropertyReader r = RunnerPropertyReader.of(Map.of("batchSize", 0, "flushInterval", "", "retryFactor", 0.0));
        assertEquals(7, r.batchSize(7));
        assertEquals(99, r.flushIntervalMillis(99));
        assertEquals(3.0, r.retryFactor(3.0));
        assertEquals(64, r.bufferBytes(64));
    }

    @Test
    void setValuesAreParsedWithUnits() {
        RunnerPropertyReader r = RunnerPropertyReader.of(Map.of("batchSize", "500", "flushInterval", "250ms", "bufferMemory", "1MB",
                "retryInitial", "1s", "retryMax", "1m", "retryFactor", "1.5"));
        assertEquals(500, r.batchSize(1));
        assertEquals(250, r.flushIntervalMillis(1));
        assertEquals(1 << 20, r.bufferBytes(1));
        assertEquals(1000, r.retryInitialMillis(1));
        assertEquals(60_000, r.retryMaxMillis(1));
        assertEquals(1.5, r.retryFactor(1));
    }

    @Test
    void invalidValuesNameTheProperty() {
        for (Map<String, ?> bad : java.util.List.of(Map.of("batchSize", "-1"), Map.of("flushInterval", "soon"),
                Map.of("bufferMemory", "lots"), Map.of("retryInitial", "-1s"), Map.of("retryFactor", "0.5"),
                Map.of("retryInitial", "10s", "retryMax", "1s"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunnerPropertyReader.of(bad));
            String key = bad.containsKey("retryMax") ? "retryMax" : bad.keySet().iterator().next();
            assertTrue(e.getMessage().startsWith(key + ":"), e.getMessage());
        }
    }

    @Test
    void levelsAreReadFromEveryShapeOfConfiguration() {
        assertTrue(RunnerPropertyReader.of(Map.of()).levels().passesAll());
        for (Object v : List.of("critical,error", new String[] {"critical", "error"}, new String[] {"critical,error"},
                List.of("critical", "error"))) {
            LevelFilter f = RunnerPropertyReader.of(Map.of(RunnerProperties.LEVELS, v)).levels();
            assertEquals(Set.of("critical", "error"), f.levels(), String.valueOf(v));
            assertFalse(f.accepts(Sample.of("app.requests", Tags.of(Tags.LEVEL, "info"), 1, 0, Kind.GAUGE)));
            assertTrue(f.accepts(Sample.of("app.requests", Tags.of(Tags.LEVEL, "critical"), 1, 0, Kind.GAUGE)));
        }
    }
}
