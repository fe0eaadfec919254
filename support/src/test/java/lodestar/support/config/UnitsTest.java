package lodestar.support.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UnitsTest {

    @Test
    void durations() {
        assertEquals(500, Units.durationMillis("x", "500ms"));
        assertEquals(10_000, Units.durationMillis("x", "10s"));
        assertEquals(300_000, Units.durationMillis("x", " 5m "));
        assertEquals(7_200_000, Units.durationMillis("x", "2h"));
        assertEquals(86_400_000, Units.durationMillis("x", "1d"));
        assertEquals(1500, Units.durationMillis("x", "1.5s"));
        assertEquals(0, Units.durationMillis("x", "0"));
        assertEquals("10s", Units.formatDuration(10_000));
        assertEquals("1500ms", Units.formatDuration(1500));
    }

    @Test
    void sizes() {
        assertEquals(64L << 20, Units.bytes("x", "64MB"));
        assertEquals(512, Units.bytes("x", "512B"));
        assertEquals(1024, Units.bytes("x", "1kb"));
        assertEquals(1L << 30, Units.bytes("x", "1GiB"));
        assertEquals(0, Units.bytes("x", "0"));
    }

    @Test
    void aBareNumberIsRefusedWithTheFix() {
        // Bucky's flushInterval=10 meant seconds: read as milliseconds it would flush 1000 times too often
        assertEquals("flushInterval: '10' has no unit; write 10s or 10ms",
                assertThrows(IllegalArgumentException.class, () -> Units.durationMillis("flushInterval", "10"))
                        .getMessage());
        assertEquals("check_period: '5' has no unit; write 5s or 5ms",
                assertThrows(IllegalArgumentException.class, () -> Units.positiveDurationMillis("check_period", " 5 "))
                        .getMessage());
        assertEquals("timeout: '1.5' has no unit; write 1.5s or 1.5ms",
                assertThrows(IllegalArgumentException.class, () -> Units.durationMillis("timeout", "1.5")).getMessage());
        assertEquals("receiveBuffer: '65536' has no unit; write 65536KB or 65536B",
                assertThrows(IllegalArgumentException.class, () -> Units.bytes("receiveBuffer", "65536")).getMessage());
        // not a number at all: the general message, still naming the property
        assertEquals("interval: expected a duration such as 500ms, 10s, 5m, got 'often'",
                assertThrows(IllegalArgumentException.class, () -> Units.durationMillis("interval", "often"))
                        .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Units.durationMillis("interval", "-5"))
                .getMessage().startsWith("interval: expected"));
    }

    @Test
    void valuesAndAgesForPeople() {
        assertEquals("42", Units.formatValue(42.0));
        assertEquals("0.25", Units.formatValue(0.25));
        assertEquals("NaN", Units.formatValue(Double.NaN));
        assertEquals("0s", Units.formatAge(999));
        assertEquals("3m5s", Units.formatAge(185_000));
        assertEquals("2h0m", Units.formatAge(7_200_000));
        assertEquals("4d3h", Units.formatAge((4 * 24 + 3) * 3_600_000L));
        assertEquals("-42s", Units.formatAge(-42_000));
    }

    @Test
    void errorsNameTheProperty() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Units.durationMillis("interval", "-5s"))
                .getMessage().startsWith("interval:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Units.positiveDurationMillis("interval", "0s"))
                .getMessage().startsWith("interval:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Units.bytes("bufferMemory", "NaNMB"))
                .getMessage().startsWith("bufferMemory:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Units.port("port", 70000))
                .getMessage().startsWith("port:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Units.durationMillis("flushInterval", null))
                .getMessage().startsWith("flushInterval:"));
    }
}
