package lodestar.core.internal;

/**
 * Exponential backoff between retries (Bucky's reconnect delay): initial, times factor after each
 * consecutive failure, capped at max; reset by a success.
 */
final class Backoff {

    private final long initial;
    private final long max;
    private final double factor;
    private long next;

    Backoff(long initialMillis, long maxMillis, double factor) {
        this.initial = initialMillis;
        this.max = maxMillis;
        this.factor = factor;
        this.next = initialMillis;
    }

    /** The delay to wait now; the following call returns a longer one, up to max. */
    long nextDelay() {
        long d = next;
        next = (long) Math.min(max, Math.max(initial, next * factor));
        return d;
    }

    void reset() {
        next = initial;
    }
}
