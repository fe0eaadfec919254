package lodestar.api.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class RunnerPropertiesTest {

    @Test
    void absentBlankOrZeroMeanTheDefault() {
        RunnerProperties r = RunnerProperties.of(Map.of("batchSize", 0, "flushInterval", "", "retryFactor", 0.0));
        assertEquals(7, r.batchSize(7));
        assertEquals(99, r.flushIntervalMillis(99));
        assertEquals(3.0, r.retryFactor(3.0));
        assertEquals(64, r.bufferBytes(64));
    }

    @Test
    void setValuesAreParsedWithUnits() {
        RunnerProperties r = RunnerProperties.of(Map.of("batchSize", "500", "flushInterval", "250ms", "bufferMemory", "1MB",
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
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunnerProperties.of(bad));
            String key = bad.containsKey("retryMax") ? "retryMax" : bad.keySet().iterator().next();
            assertTrue(e.getMessage().startsWith(key + ":"), e.getMessage());
        }
    }
}
