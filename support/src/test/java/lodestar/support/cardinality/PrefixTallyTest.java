package lodestar.support.cardinality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrefixTallyTest {

    @Test
    void countsTheFirstAndTheFirstTwoComponents() {
        PrefixTally t = new PrefixTally();
        t.add("api.requests.count");
        t.add("api.requests.time");
        t.add("api.errors");
        t.add("cpu");
        assertEquals("api (3), api.requests (2), api.errors (1), cpu (1)", t.top(5));
        assertEquals("api (3), api.requests (2)", t.top(2));
    }

    @Test
    void tagsEndTheNamePartAndLongPrefixesAreCut() {
        PrefixTally t = new PrefixTally();
        t.add("requests;host=a");
        t.add("requests;host=b");
        String longName = "x".repeat(200) + ".y";
        t.add(longName);
        assertEquals("requests (2), " + "x".repeat(PrefixTally.MAX_PREFIX) + " (1)", t.top(5));
    }

    @Test
    void aHeavyPrefixSurvivesAChurnOfUniqueOnesAndCountsAreLowerBounds() {
        PrefixTally t = new PrefixTally();
        t.add("good.requests");
        for (int i = 0; i < 100_000; i++) {
            t.add("flood" + i + ".x");
            t.add("junk." + i);
        }
        String top = t.top(3);
        assertTrue(top.startsWith("junk (100000), "), top);
        // every other slot churned: whatever it shows, it shows at most its true count (1)
        assertTrue(top.endsWith("(1)"), top);
        assertEquals("none", new PrefixTally().top(5));
        t.clear();
        assertEquals("none", t.top(5));
    }
}
