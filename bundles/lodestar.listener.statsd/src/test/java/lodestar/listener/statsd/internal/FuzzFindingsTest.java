package lodestar.listener.statsd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import lodestar.support.log.RateLimitedLog;
import lodestar.testkit.fuzz.AllocationBound;

/** What fuzzing the StatsD listener found (fuzz/README.md), as plain tests. */
class FuzzFindingsTest {

    /**
     * StatsdFuzzTest#datagram: the log line of a bad line escaped each non-printable byte with String.format, a
     * Formatter per byte: a line of 200 such bytes cost 150 KB to log (460 KB the first time).
     */
    @Test
    void aLoggedBadLineCostsNoFormatterPerByte() {
        Settings s = EngineTest.configured("flushInterval", "10s");
        List<String> logged = new ArrayList<>();
        byte[] line = Arrays.copyOf(new byte[0], 204);
        Arrays.fill(line, 0, 200, (byte) 0xff);
        System.arraycopy(":1|c".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, line, 200, 4);
        AllocationBound bound = new AllocationBound("a logged bad line", 64 * 1024, 0);
        Aggregator a = bound.check(line.length, () -> new Aggregator(s, new RateLimitedLog(60_000, logged::add), EngineTest.guard(s)),
                x -> x.packet(line, 0, line.length));
        assertEquals(1, a.badLines);
        assertEquals(1, logged.size());
        assertTrue(logged.get(0).startsWith("statsd: bad line '\\xff\\xff\\xff"), logged.get(0));
        assertTrue(logged.get(0).contains("...(204 bytes)"), logged.get(0));
    }
}
