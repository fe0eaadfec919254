package lodestar.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.cardinality.CardinalityGuard;
import lodestar.support.cardinality.CardinalityLimits;

/** The store behind its cardinality guard, on the test's clock. */
class SeriesLimitTest {

    static final long MIN = 60_000;
    static final long HOUR = 3_600_000;
    static final long T0 = 1_700_000_000_000L - 1_700_000_000_000L % HOUR;

    final AtomicLong now = new AtomicLong(T0);
    final List<String> logged = new ArrayList<>();

    Store store(int maxSeries, int maxNew, long reclaimAfter) {
        CardinalityGuard g = new CardinalityGuard("store", CardinalityLimits.dropping(maxSeries, maxNew, "1m"), now::get, logged::add);
        return new Store(new StoreLimits(6 * HOUR, MIN, 24 * HOUR, 64 << 20), g, reclaimAfter, now::get);
    }

    static Sample s(String name, long ts, double v) {
        return new Sample(name, Tags.EMPTY, v, ts, Kind.GAUGE);
    }

    static List<Sample> flood(String prefix, int n, long ts) {
        List<Sample> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(s(prefix + i, ts, i));
        }
        return l;
    }

    @Test
    void aFloodOfNewNamesIsRefusedWhileKnownSeriesGoOn() {
        Store st = store(100, 0, HOUR);
        st.write(List.of(s("good", T0, 1)));
        st.write(flood("flood.", 1000, T0));
        st.write(List.of(s("good", T0 + 10_000, 2)));
        assertEquals(100, st.seriesCount());
        assertEquals(2, st.query("good", T0, T0 + 10_000, 0).size(), "every point of the known series");
        assertEquals(901, st.guard().refused());
        assertEquals(101, st.written(), "the 99 flood points let in and both of good's");
        assertTrue(st.guard().tripping());
        assertTrue(logged.get(0).startsWith("store: cardinality limit reached"), logged.toString());
        assertTrue(logged.get(0).contains("top new-series prefixes: flood ("), logged.get(0));
    }

    @Test
    void newSeriesPerIntervalAreLimited() {
        Store st = store(10_000, 50, HOUR);
        st.write(flood("x", 300, T0));
        assertEquals(50, st.seriesCount());
        now.addAndGet(MIN);
        st.write(flood("x", 300, T0 + MIN));
        assertEquals(100, st.seriesCount(), "the next interval lets 50 more in; the first 50 took their points");
    }

    @Test
    void whileFullIdleSeriesAreReclaimedSoNewOnesGetIn() {
        Store st = store(100, 0, HOUR);
        st.write(flood("junk.", 99, T0));
        st.write(List.of(s("good", T0, 1)));
        now.set(T0 + 2 * HOUR);
        st.write(List.of(s("good", now.get(), 2), s("late", now.get(), 3)));
        assertEquals(0, st.query("late", T0, now.get(), 0).size(), "refused: full");
        st.maintain();
        assertEquals(95, st.seriesCount(), "idle series reclaimed, longest idle first, down to 95 % of maxSeries");
        assertEquals(5, st.reclaimedSeries());
        assertEquals(5, st.guard().expired());
        assertEquals(2, st.query("good", T0, now.get(), 0).size(), "the busy series stays");
        st.write(List.of(s("late", now.get() + 1, 3)));
        assertEquals(1, st.query("late", T0, now.get() + 1, 0).size(), "taken now");
    }

    @Test
    void nothingIsReclaimedWhileNothingIsRefusedOrWithReclaimAfterZero() {
        Store st = store(100, 0, HOUR);
        st.write(flood("junk.", 100, T0));
        now.set(T0 + 2 * HOUR);
        st.maintain();
        assertEquals(100, st.seriesCount(), "full but nobody refused: history stays");
        Store never = store(100, 0, 0);
        never.write(flood("junk.", 101, T0));
        now.set(T0 + 4 * HOUR);
        never.maintain();
        assertEquals(100, never.seriesCount());
        assertFalse(never.guard().series() < 100);
    }

    @Test
    void restoredSeriesCountAgainstTheLimits() {
        Store first = store(1000, 0, HOUR);
        first.write(flood("s", 10, T0));
        List<SeriesBuffer> held = new ArrayList<>(first.series());
        Store second = store(10, 0, HOUR);
        second.restore(held);
        assertEquals(10, second.guard().series());
        second.write(List.of(s("new", T0 + 1, 1)));
        assertEquals(10, second.seriesCount(), "full from the snapshot");
    }
}
