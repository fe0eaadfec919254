package lodestar.runtime.internal.web;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many failed logins each client address may still have: at most {@code maxFailures} within {@code window},
 * as a bucket per address that holds {@code maxFailures} tries and gets one back every
 * {@code window / maxFailures}. A failed login takes one. An address that has used them all is throttled: from
 * then on each of its logins must take a try before it is checked, and only one at a time may be checked (so a
 * guesser gets one guess per {@code window / maxFailures}, however many connections it opens); a login that
 * succeeds gives its try back and ends the throttling. Until an address is throttled its logins are checked
 * freely (a browser loading a console page sends a dozen at once).
 *
 * <p>Memory is bounded: at most {@code maxAddresses} addresses are remembered, the least recently seen forgotten
 * first (a forgotten address starts again with a full bucket, which is what an address that has not failed for a
 * whole window has anyway). Thread-safe; one lock is enough for logins.
 */
final class LoginThrottle {

    /** How a login was let through, for {@link #done}. */
    enum Admission {
        /** checked freely: the address is not throttled */
        FREE,
        /** the address is throttled: this login took a try and is the one being checked */
        TRY
    }

    /** What happened to an admitted login. */
    enum Outcome {
        FAILED, SUCCEEDED, NOT_CHECKED
    }

    private final int maxAddresses;
    private int maxFailures;
    private long windowMillis;
    private final Map<String, Bucket> buckets;

    LoginThrottle(int maxFailures, long windowMillis, int maxAddresses) {
        this.maxAddresses = maxAddresses;
        this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > LoginThrottle.this.maxAddresses;
            }
        };
        limits(maxFailures, windowMillis);
    }

    /** New limits; the failures each address has had so far count against them. */
    synchronized void limits(int maxFailures, long windowMillis) {
        if (maxFailures < 1 || windowMillis < 1) {
            throw new IllegalArgumentException("maxFailures and windowMillis must be positive");
        }
        int before = this.maxFailures;
        buckets.values().forEach(b -> {
            b.tokens = Math.max(0, maxFailures - (before - b.tokens));
            b.throttled |= b.tokens < 1;
        });
        this.maxFailures = maxFailures;
        this.windowMillis = windowMillis;
    }

    /**
     * Lets a login of {@code address} be checked, or not.
     *
     * @return how it was let through, or null when it must wait ({@link #waitMillis} says how long)
     */
    synchronized Admission admit(String address, long now) {
        Bucket b = buckets.get(address);
        if (b == null || !b.throttled) {
            return Admission.FREE;
        }
        refill(b, now);
        if (b.tokens >= maxFailures && !b.checking) {
            b.throttled = false; // a whole window without a failure
            return Admission.FREE;
        }
        if (b.checking || b.tokens < 1) {
            return null;
        }
        b.tokens -= 1;
        b.checking = true;
        return Admission.TRY;
    }

    /** How long a login of {@code address} that was not let through should wait before it tries again (at least 1 s). */
    synchronized long waitMillis(String address, long now) {
        Bucket b = buckets.get(address);
        if (b == null) {
            return 0;
        }
        refill(b, now);
        long next = b.tokens >= 1 ? 0 : (long) Math.ceil((1 - b.tokens) * windowMillis / maxFailures);
        return Math.max(1000, next);
    }

    /**
     * Records what an admitted login came to.
     *
     * @return true when a failure made the address throttled
     */
    synchronized boolean done(String address, Admission admission, Outcome outcome, long now) {
        if (admission == Admission.TRY) {
            Bucket b = buckets.get(address);
            if (b == null) {
                return false; // forgotten meanwhile
            }
            b.checking = false;
            if (outcome != Outcome.FAILED) {
                refill(b, now);
                b.tokens = Math.min(maxFailures, b.tokens + 1);
                b.throttled = outcome == Outcome.NOT_CHECKED;
            }
            return false;
        }
        if (outcome != Outcome.FAILED) {
            return false;
        }
        Bucket b = buckets.computeIfAbsent(address, a -> new Bucket(maxFailures, now));
        refill(b, now);
        b.tokens = Math.max(0, b.tokens - 1);
        if (b.tokens < 1 && !b.throttled) {
            b.throttled = true;
            return true;
        }
        return false;
    }

    /** Addresses throttled now. */
    synchronized int throttled(long now) {
        int n = 0;
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext();) {
            Bucket b = it.next();
            refill(b, now);
            if (b.tokens >= maxFailures && !b.checking) {
                it.remove(); // as good as never seen
            } else if (b.throttled) {
                n++;
            }
        }
        return n;
    }

    synchronized int maxFailures() {
        return maxFailures;
    }

    synchronized long windowMillis() {
        return windowMillis;
    }

    private void refill(Bucket b, long now) {
        if (now > b.stamp) {
            b.tokens = Math.min(maxFailures, b.tokens + (double) (now - b.stamp) * maxFailures / windowMillis);
            b.stamp = now;
        }
    }

    private static final class Bucket {
        double tokens;
        long stamp;
        /** all tries were used: each login must take one */
        boolean throttled;
        /** a throttled address's login is being checked */
        boolean checking;

        Bucket(double tokens, long stamp) {
            this.tokens = tokens;
            this.stamp = stamp;
        }
    }
}
