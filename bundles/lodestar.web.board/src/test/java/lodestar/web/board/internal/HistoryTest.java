package lodestar.web.board.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class HistoryTest {

    @Test
    void aShortRedBetweenGreensKeepsASegmentOfItsOwn() {
        History h = new History(10);
        assertTrue(h.record("ok", 1000));
        assertTrue(h.record("ok", 1500));
        assertTrue(h.record("critical", 2000));
        assertTrue(h.record("ok", 2500));
        List<History.Segment> s = h.segments();
        assertEquals(List.of(new History.Segment("ok", 1000, 1500, 2), new History.Segment("critical", 2000, 2000, 1),
                new History.Segment("ok", 2500, 2500, 1)), s);
    }

    @Test
    void onlyNewResultsAreRecorded() {
        History h = new History(10);
        assertTrue(h.record("ok", 1000));
        assertFalse(h.record("ok", 1000), "the same result seen again");
        assertFalse(h.record("critical", 900), "an older one");
        assertEquals(List.of(new History.Segment("ok", 1000, 1000, 1)), h.segments());
    }

    @Test
    void boundedOldestFirst() {
        History h = new History(3);
        String[] statuses = {"ok", "critical", "ok", "warning", "ok"};
        for (int i = 0; i < statuses.length; i++) {
            h.record(statuses[i], 1000 + i);
        }
        List<History.Segment> s = h.segments();
        assertEquals(3, s.size());
        assertEquals("ok", s.get(0).status());
        assertEquals(1002, s.get(0).from());
        assertEquals("warning", s.get(1).status());
        h.resize(1);
        assertEquals(List.of(new History.Segment("ok", 1004, 1004, 1)), h.segments());
        for (int i = 0; i < 100_000; i++) {
            h.record(i % 2 == 0 ? "ok" : "critical", 10_000 + i);
        }
        assertEquals(1, h.segments().size());
    }
}
