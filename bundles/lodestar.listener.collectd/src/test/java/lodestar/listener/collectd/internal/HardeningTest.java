package lodestar.listener.collectd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import lodestar.api.Sample;
import lodestar.testkit.LogCapture;

/**
 * Values a careless or hostile collectd sends (issue 11, finding 11): infinite gauges and timestamps decades
 * ahead are dropped and counted rather than stored, and one far-future value does not stop a series' rates; and
 * input reaching the log (finding 8) is cut short and escaped.
 */
class HardeningTest {

    private static final long NOW_S = System.currentTimeMillis() / 1000;

    private static byte[] gauge(String instance, double seconds, double v) {
        return new Packets().id("h", "p", "", "gauge", instance).timeHr(seconds).gauge(v).build();
    }

    @Test
    void infiniteGaugesAreDroppedAndCounted() {
        Harness h = new Harness();
        h.feed(gauge("a", NOW_S, Double.POSITIVE_INFINITY));
        h.feed(gauge("a", NOW_S + 1, 5));
        h.feed(gauge("b", NOW_S, Double.NEGATIVE_INFINITY));
        assertEquals(List.of(5.0), h.values("collectd.h.p.gauge-a"));
        assertEquals(List.of(), h.values("collectd.h.p.gauge-b"));
        assertEquals(2, h.stat(Stat.INFINITE));
    }

    @Test
    void valuesStampedFarAheadAreDroppedAndTheSeriesGoesOn() {
        Harness h = new Harness();
        double thirtyYears = 30 * 365.25 * 86400;
        h.feed(ProcessorTest.one("h", "p", "", "derive", "", NOW_S, Packets.DERIVE, 1000));
        h.feed(ProcessorTest.one("h", "p", "", "derive", "", NOW_S + thirtyYears, Packets.DERIVE, 5000));
        h.feed(ProcessorTest.one("h", "p", "", "derive", "", NOW_S + 10, Packets.DERIVE, 1100));
        h.feed(gauge("future", NOW_S + thirtyYears, 7));
        assertEquals(List.of(10.0), h.values("collectd.h.p.derive"), "the rate from now to now + 10 s");
        assertEquals(List.of(), h.values("collectd.h.p.gauge-future"));
        for (Sample s : h.samples) {
            assertTrue(s.timestamp() <= System.currentTimeMillis() + 600_000, s::toString);
        }
        assertEquals(2, h.stat(Stat.FUTURE));
        assertEquals(0, h.stat(Stat.STALE));
    }

    @Test
    void aNotificationReachesTheLogShortAndEscaped() {
        Harness h = new Harness();
        String message = "disk full\u001b[2J\rfake log line " + "x".repeat(10_000);
        try (LogCapture log = new LogCapture()) {
            h.feed(new Packets().id("h", "df", "", "", "").number(Decoder.SEVERITY, 2).string(Decoder.MESSAGE, message).build());
            List<String> line = log.linesContaining("collectd notification");
            assertEquals(1, line.size(), log.text());
            assertFalse(log.text().contains("\u001b") || log.text().contains("\r"), "raw control characters in the log");
            assertTrue(line.get(0).contains("disk full\\x1b[2J\\rfake log line xxx"), line.get(0));
            assertTrue(line.get(0).length() < 1000, "a log line of " + line.get(0).length() + " characters");
        }
    }
}
