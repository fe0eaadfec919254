package lodestar.support.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesFromAHundredMillisecondsToThirtySecondsAndStartsOverAfterReset() {
        Backoff b = new Backoff();
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            delays.add(b.next());
        }
        assertEquals(List.of(100L, 200L, 400L, 800L, 1600L, 3200L, 6400L, 12800L, 25600L, 30000L, 30000L, 30000L), delays);
        b.reset();
        assertEquals(100L, b.next());
        assertEquals(200L, b.next());
    }

    @Test
    void boundsMustMakeSense() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(10, 5));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(10, 50, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(10, 50, Double.NaN));
    }

    @Test
    void anyFactorOfAtLeastOneGrowsTheDelayUpToTheCap() {
        Backoff b = new Backoff(100, 1000, 3);
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            delays.add(b.next());
        }
        assertEquals(List.of(100L, 300L, 900L, 1000L, 1000L), delays);
        b.reset();
        assertEquals(100L, b.next());
        Backoff flat = new Backoff(100, 1000, 1);
        assertEquals(100L, flat.next());
        assertEquals(100L, flat.next());
    }
}
