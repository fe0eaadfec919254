package lodestar.support.cardinality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import lodestar.support.cardinality.CardinalityGuard.Verdict;

class CardinalityGuardTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<String> logged = new ArrayList<>();

    private CardinalityGuard guard(int maxSeries, int maxNew, String interval, String overflow) {
        return new CardinalityGuard("statsd-edge", CardinalityLimits.of(maxSeries, maxNew, interval, overflow), now::get, logged::add);
    }

    private static Map<String, Long> counters(CardinalityGuard g) {
        Map<String, Long> m = new LinkedHashMap<>();
        g.counters(m::put, m::put);
        return m;
    }

    @Test
    void admitsUpToMaxSeriesThenRefusesUntilSeriesLeave() {
        CardinalityGuard g = guard(3, 0, "1m", "drop");
        assertEquals(Verdict.ADMIT, g.admit("a.1"));
        assertEquals(Verdict.ADMIT, g.admit("a.2"));
        assertEquals(Verdict.ADMIT, g.admit("a.3"));
        assertFalse(g.tripping());
        assertEquals(Verdict.DROP, g.admit("a.4"));
        assertEquals(Verdict.DROP, g.admit("a.4"), "a refused series asks again with its next value");
        assertTrue(g.tripping());
        assertEquals(Map.of("series", 3L, "series_created", 3L, "series_refused", 2L, "series_expired", 0L), counters(g));
        assertEquals(List.of("series", "series_created", "series_refused", "series_expired"), List.copyOf(counters(g).keySet()));
        g.expired(2);
        assertEquals(Verdict.ADMIT, g.admit("a.4"));
        assertEquals(2, g.series());
        assertEquals(2, g.expired());
        g.removed(1);
        assertEquals(1, g.series());
        assertEquals(2, g.expired(), "a deletion is not an expiry");
        g.adopted(5);
        assertEquals(6, g.series());
        assertEquals(Verdict.DROP, g.admit("a.5"), "adopted series count against maxSeries");
    }

    @Test
    void newSeriesPerIntervalAreLimitedAndTheNextIntervalLetsMoreIn() {
        CardinalityGuard g = guard(1000, 2, "10s", "drop");
        assertEquals(Verdict.ADMIT, g.admit("x.1"));
        assertEquals(Verdict.ADMIT, g.admit("x.2"));
        assertEquals(Verdict.DROP, g.admit("x.3"));
        now.addAndGet(9_999);
        assertEquals(Verdict.DROP, g.admit("x.3"));
        now.addAndGet(1);
        assertEquals(Verdict.ADMIT, g.admit("x.3"));
        assertEquals(3, g.series());
        assertEquals(2, g.refused());
    }

    @Test
    void foldIsTheVerdictWhenConfigured() {
        CardinalityGuard g = guard(1, 0, "1m", "fold");
        assertEquals(Verdict.ADMIT, g.admit("a"));
        assertEquals(Verdict.FOLD, g.admit("b"));
        assertEquals(1, g.refused());
    }

    @Test
    void trippingLastsAMinuteAfterTheLastRefusal() {
        CardinalityGuard g = guard(1, 0, "1m", "drop");
        g.admit("a");
        g.admit("b");
        now.addAndGet(59_999);
        assertTrue(g.tripping());
        now.addAndGet(1);
        assertFalse(g.tripping());
    }

    @Test
    void reportsAtOnceThenOnceAMinuteWithTheTopPrefixesThenTheRecovery() {
        CardinalityGuard g = guard(10, 0, "1m", "drop");
        g.admit("good.requests");
        g.admit("good.latency");
        for (int i = 0; i < 1000; i++) {
            g.admit("flood." + i + ".requests");
        }
        assertEquals(1, logged.size(), logged.toString());
        String first = logged.get(0);
        assertTrue(first.startsWith("statsd-edge: cardinality limit reached: 1 new series refused (1 at the series limit, 0 over the new-series rate),"
                + " their values dropped; 10 series held; limits: 10 series, no limit on new ones, drop; top new-series prefixes: "
                + "flood (9), good (2)"), first);
        now.addAndGet(30_000);
        g.tick();
        assertEquals(1, logged.size(), "at most one line a minute");
        now.addAndGet(30_000);
        g.tick();
        assertEquals(2, logged.size());
        // 1,000 flood names: 8 let in, 1 refused before the first line, 991 since
        assertTrue(logged.get(1).startsWith("statsd-edge: cardinality limit reached: 991 new series refused in the last 60 s (991 at the series limit,"),
                logged.get(1));
        assertTrue(logged.get(1).contains("top new-series prefixes: flood (991), flood."), logged.get(1));
        now.addAndGet(60_000);
        g.tick();
        assertEquals("statsd-edge: cardinality limit: no new series refused in the last 60 s; 10 series held", logged.get(2));
        now.addAndGet(600_000);
        g.tick();
        assertEquals(3, logged.size(), "quiet stays quiet");
        g.admit("again.x");
        assertEquals(4, logged.size(), "a new onset is reported at once");
        assertTrue(logged.get(3).startsWith("statsd-edge: cardinality limit reached: 1 new series refused (1 at the series limit"), logged.get(3));
    }

    @Test
    void theRateLimitIsNamedInTheReport() {
        CardinalityGuard g = guard(100, 1, "1h", "fold");
        g.admit("a");
        g.admit("b");
        assertTrue(logged.get(0).contains("(0 at the series limit, 1 over the new-series rate), their values folded into the overflow series"), logged.get(0));
        assertTrue(logged.get(0).contains("limits: 100 series, 1 new per 1h0m, fold"), logged.get(0));
    }

    @Test
    void newLimitsApplyToWhatAsksNextAndKeepWhatIsHeld() {
        CardinalityGuard g = guard(5, 0, "1m", "drop");
        for (int i = 0; i < 5; i++) {
            g.admit("s" + i);
        }
        g.limits(CardinalityLimits.of(2, 0, "1m", "drop"));
        assertEquals(5, g.series());
        assertEquals(Verdict.DROP, g.admit("s9"));
        g.expired(4);
        assertEquals(Verdict.ADMIT, g.admit("s9"));
    }

    @Test
    void limitsNameThePropertyAtFault() {
        assertMessage("maxSeries: ", () -> CardinalityLimits.of(0, 0, "1m", "drop"));
        assertMessage("maxNewSeries: ", () -> CardinalityLimits.of(1, -1, "1m", "drop"));
        assertMessage("newSeriesInterval: ", () -> CardinalityLimits.of(1, 0, "0s", "drop"));
        assertMessage("newSeriesInterval: ", () -> CardinalityLimits.of(1, 0, "soon", "drop"));
        assertMessage("seriesOverflow: ", () -> CardinalityLimits.of(1, 0, "1m", "squash"));
        assertEquals(Overflow.DROP, CardinalityLimits.of(1, 0, "1m", "").overflow());
        assertEquals(Overflow.FOLD, CardinalityLimits.of(1, 0, "1m", " FOLD ").overflow());
        assertEquals(Overflow.DROP, CardinalityLimits.dropping(1, 0, "1m").overflow());
    }

    private static void assertMessage(String start, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().startsWith(start), x.getMessage());
    }

    @Test
    void concurrentAdmissionsNeverExceedMaxSeries() throws Exception {
        CardinalityGuard g = new CardinalityGuard("t", CardinalityLimits.of(5000, 0, "1m", "drop"), logged::add);
        Thread[] ts = new Thread[4];
        for (int t = 0; t < ts.length; t++) {
            int id = t;
            ts[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    g.admit("t" + id + "." + i);
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(5000, g.series());
        assertEquals(5000, g.created());
        assertEquals(35_000, g.refused());
    }
}
