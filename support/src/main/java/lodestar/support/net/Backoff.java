package lodestar.support.net;

/**
 * Delays between attempts to reopen a socket: the first is short so that a passing fault costs little, each
 * failed attempt doubles it, and a cap keeps a lasting fault (the address taken by another process) from being
 * retried more often than an operator can read the log. Not thread-safe: one per receiver thread.
 */
public final class Backoff {

    /** The first delay after a failure. */
    public static final long INITIAL_MILLIS = 100;
    /** The longest delay between two attempts. */
    public static final long MAX_MILLIS = 30_000;

    private final long initialMillis;
    private final long maxMillis;
    private long nextMillis;

    /** Delays of {@link #INITIAL_MILLIS}, doubling up to {@link #MAX_MILLIS}. */
    public Backoff() {
        this(INITIAL_MILLIS, MAX_MILLIS);
    }

    public Backoff(long initialMillis, long maxMillis) {
        if (initialMillis < 1 || maxMillis < initialMillis) {
            throw new IllegalArgumentException("backoff: need 1 <= initial <= max, got " + initialMillis + " and " + maxMillis);
        }
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
        this.nextMillis = initialMillis;
    }

    /** The delay before the next attempt; the one after it will be twice as long, up to the cap. */
    public long next() {
        long d = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        return d;
    }

    /** Back to the first delay (the socket served long enough for the last fault to count as over). */
    public void reset() {
        nextMillis = initialMillis;
    }

    public long maxMillis() {
        return maxMillis;
    }
}
