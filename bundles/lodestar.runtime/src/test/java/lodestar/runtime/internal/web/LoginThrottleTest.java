package lodestar.runtime.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    @Test
    void anAddressHasItsTriesThenOneEveryWindowOverMax() {
        LoginThrottle t = new LoginThrottle(5, 60_000, 100);
        long now = 1_000_000;
        for (int i = 1; i <= 4; i++) {
            assertEquals(0, t.waitMillis("10.0.0.1", now));
            assertFalse(t.failed("10.0.0.1", now), "failure " + i + " of 5");
        }
        assertTrue(t.failed("10.0.0.1", now), "the fifth uses the last try");
        assertEquals(12_000, t.waitMillis("10.0.0.1", now), "one try back every 60 s / 5");
        assertEquals(1, t.throttled(now));
        // another address is not affected
        assertEquals(0, t.waitMillis("10.0.0.2", now));
        // a guesser that keeps going gets one try per 12 s, however fast it sends
        assertEquals(2_000, t.waitMillis("10.0.0.1", now + 10_000));
        assertEquals(0, t.waitMillis("10.0.0.1", now + 12_000));
        assertTrue(t.failed("10.0.0.1", now + 12_000));
        assertEquals(12_000, t.waitMillis("10.0.0.1", now + 12_000));
        // a whole window without failures: all tries back, and the address is forgotten
        assertEquals(0, t.throttled(now + 12_000 + 60_000));
        assertEquals(0, t.waitMillis("10.0.0.1", now + 12_000 + 60_000));
    }

    @Test
    void newLimitsApplyToWhatWasUsed() {
        LoginThrottle t = new LoginThrottle(10, 60_000, 100);
        for (int i = 0; i < 3; i++) {
            t.failed("a", 0);
        }
        t.limits(3, 60_000);
        assertTrue(t.waitMillis("a", 0) > 0, "7 left of 10 is none left of 3 after 3 failures");
        assertEquals(3, t.maxFailures());
    }

    @Test
    void memoryIsBoundedByForgettingTheLeastRecentAddress() {
        LoginThrottle t = new LoginThrottle(1, 60_000, 3);
        for (String a : new String[] {"a", "b", "c", "d"}) {
            t.failed(a, 0);
        }
        assertEquals(3, t.throttled(0));
        assertEquals(0, t.waitMillis("a", 0), "the oldest was forgotten");
        assertTrue(t.waitMillis("d", 0) > 0);
    }
}
