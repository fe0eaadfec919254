package lodestar.runtime.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import lodestar.runtime.internal.web.LoginThrottle.Admission;
import lodestar.runtime.internal.web.LoginThrottle.Outcome;

class LoginThrottleTest {

    private static boolean fail(LoginThrottle t, String address, long now) {
        Admission a = t.admit(address, now);
        assertTrue(a != null, "admitted");
        return t.done(address, a, Outcome.FAILED, now);
    }

    @Test
    void anAddressHasItsTriesThenOneEveryWindowOverMax() {
        LoginThrottle t = new LoginThrottle(5, 60_000, 100);
        long now = 1_000_000;
        for (int i = 1; i <= 4; i++) {
            assertFalse(fail(t, "10.0.0.1", now), "failure " + i + " of 5");
        }
        assertTrue(fail(t, "10.0.0.1", now), "the fifth uses the last try: throttled");
        assertNull(t.admit("10.0.0.1", now));
        assertEquals(12_000, t.waitMillis("10.0.0.1", now), "one try back every 60 s / 5");
        assertEquals(1, t.throttled(now));
        assertEquals(Admission.FREE, t.admit("10.0.0.2", now), "another address is not affected");

        assertNull(t.admit("10.0.0.1", now + 10_000));
        assertEquals(2_000, t.waitMillis("10.0.0.1", now + 10_000));
        Admission one = t.admit("10.0.0.1", now + 12_000);
        assertEquals(Admission.TRY, one, "a try is back");
        assertNull(t.admit("10.0.0.1", now + 12_000), "one at a time, however many connections");
        assertFalse(t.done("10.0.0.1", one, Outcome.FAILED, now + 12_000));
        assertNull(t.admit("10.0.0.1", now + 12_000), "that try is used");

        // the right password: the try comes back and the address is free again
        Admission right = t.admit("10.0.0.1", now + 24_000);
        assertEquals(Admission.TRY, right);
        t.done("10.0.0.1", right, Outcome.SUCCEEDED, now + 24_000);
        assertEquals(Admission.FREE, t.admit("10.0.0.1", now + 24_000));
        assertEquals(0, t.throttled(now + 24_000));
    }

    @Test
    void aWholeWindowWithoutFailuresEndsTheThrottling() {
        LoginThrottle t = new LoginThrottle(2, 10_000, 100);
        fail(t, "a", 0);
        assertTrue(fail(t, "a", 0));
        assertNull(t.admit("a", 1_000));
        assertEquals(Admission.FREE, t.admit("a", 10_000), "all tries back");
    }

    @Test
    void aLoginThatWasNotCheckedGivesItsTryBack() {
        LoginThrottle t = new LoginThrottle(2, 10_000, 100);
        fail(t, "a", 0);
        assertTrue(fail(t, "a", 0));
        Admission a = t.admit("a", 5_000);
        assertEquals(Admission.TRY, a);
        t.done("a", a, Outcome.NOT_CHECKED, 5_000);
        assertEquals(Admission.TRY, t.admit("a", 5_000), "the try is there again, the address still throttled");
    }

    @Test
    void newLimitsApplyToTheFailuresSoFar() {
        LoginThrottle t = new LoginThrottle(10, 60_000, 100);
        for (int i = 0; i < 3; i++) {
            fail(t, "a", 0);
        }
        t.limits(3, 60_000);
        assertNull(t.admit("a", 0), "3 failures of 3 allowed: throttled");
        assertEquals(3, t.maxFailures());
    }

    @Test
    void memoryIsBoundedByForgettingTheLeastRecentAddress() {
        LoginThrottle t = new LoginThrottle(1, 60_000, 3);
        for (String a : new String[] {"a", "b", "c", "d"}) {
            fail(t, a, 0);
        }
        assertEquals(3, t.throttled(0));
        assertEquals(Admission.FREE, t.admit("a", 0), "the oldest was forgotten");
        assertNull(t.admit("d", 0));
    }
}
