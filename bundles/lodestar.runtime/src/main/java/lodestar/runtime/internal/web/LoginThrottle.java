package lodestar.runtime.internal.web;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many failed logins each client address may still have: at most {@code maxFailures} within {@code window},
 * as a bucket per address that holds {@code maxFailures} tries and gets one back every
 * {@code window / maxFailures}. A failed login takes one; with none left the address waits for the next (an
 * address that keeps guessing gets one guess per {@code window / maxFailures}, however fast it sends). Successful
 * logins take nothing.
 *
 * <p>Memory is bounded: at most {@code maxAddresses} addresses are remembered, the least recently seen forgotten
 * first (a forgotten address starts again with a full bucket, which is what an address that has not failed for a
 * whole window has anyway). Thread-safe; logins are rare, so one lock is enough.
 */
final class LoginThrottle {

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

    /** New limits; what each address has used so far counts against them. */
    synchronized void limits(int maxFailures, long windowMillis) {
        if (maxFailures < 1 || windowMillis < 1) {
            throw new IllegalArgumentException("maxFailures and windowMillis must be positive");
        }
        int before = this.maxFailures;
        buckets.values().forEach(b -> b.tokens = Math.max(0, maxFailures - (before - b.tokens)));
        this.maxFailures = maxFailures;
        this.windowMillis = windowMillis;
    }

    /** How long {@code address} must wait before its next login is tried: 0 when it may try now. */
    synchronized long waitMillis(String address, long now) {
        Bucket b = buckets.get(address);
        if (b == null) {
            return 0;
        }
        refill(b, now);
        return b.tokens >= 1 ? 0 : (long) Math.ceil((1 - b.tokens) * windowMillis / maxFailures);
    }

    /**
     * Counts a failed login of {@code address}.
     *
     * @return true when this failure used its last try, so that its next login must wait
     */
    synchronized boolean failed(String address, long now) {
        Bucket b = buckets.computeIfAbsent(address, a -> new Bucket(maxFailures, now));
        refill(b, now);
        b.tokens = Math.max(0, b.tokens - 1);
        return b.tokens < 1;
    }

    /** Addresses that must wait now. */
    synchronized int throttled(long now) {
        int n = 0;
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext();) {
            Bucket b = it.next();
            refill(b, now);
            if (b.tokens >= maxFailures) {
                it.remove(); // as good as never seen
            } else if (b.tokens < 1) {
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

        Bucket(double tokens, long stamp) {
            this.tokens = tokens;
            this.stamp = stamp;
        }
    }
}
