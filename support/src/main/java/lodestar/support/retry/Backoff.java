package lodestar.support.retry;

/**
 * Growing delays between attempts at something that failed (writing to a backend, reopening a socket): the
 * first is short so that a passing fault costs little, each consecutive failure multiplies it by
 * {@code factor}, and a cap keeps a lasting fault from being retried more often than an operator can read
 * the log. A success resets it. Not thread-safe: one per retrying thread.
 */
public final class Backoff {

    /** The first delay of {@link #Backoff()}. */
    public static final long INITIAL_MILLIS = 100;
    /** The cap of {@link #Backoff()}. */
    public static final long MAX_MILLIS = 30_000;

    private final long initialMillis;
    private final long maxMillis;
    private final double factor;
    private long nextMillis;

    /** Delays of {@link #INITIAL_MILLIS}, doubling up to {@link #MAX_MILLIS}. */
    public Backoff() {
        this(INITIAL_MILLIS, MAX_MILLIS, 2);
    }

    /** Delays of {@code initialMillis}, doubling up to {@code maxMillis}. */
    public Backoff(long initialMillis, long maxMillis) {
        this(initialMillis, maxMillis, 2);
    }

    /**
     * @throws IllegalArgumentException unless {@code 1 <= initialMillis <= maxMillis} and {@code factor >= 1}
     */
    public Backoff(long initialMillis, long maxMillis, double factor) {
        if (initialMillis < 1 || maxMillis < initialMillis || !(factor >= 1) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("backoff: need 1 <= initial <= max and factor >= 1, got " + initialMillis
                    + ", " + maxMillis + " and " + factor);
        }
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
        this.factor = factor;
        this.nextMillis = initialMillis;
    }

    /** The delay before the next attempt; the one after it will be {@code factor} times longer, up to the cap. */
    public long next() {
        long d = nextMillis;
        nextMillis = (long) Math.min(maxMillis, Math.max(initialMillis, nextMillis * factor));
        return d;
    }

    /** Back to the first delay (the last attempt succeeded). */
    public void reset() {
        nextMillis = initialMillis;
    }

    public long maxMillis() {
        return maxMillis;
    }
}
