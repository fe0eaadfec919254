package lodestar.listener.metricsd.internal;

/**
 * Coda Hale's exponentially weighted moving average of a rate, ticked every 5 seconds: the classic
 * Unix load-average weighting over {@code minutes}.
 */
final class Ewma {

    private static final double INTERVAL_SECONDS = 5.0;

    private final double alpha;
    private long uncounted;
    private double rate;
    private boolean initialized;

    Ewma(int minutes) {
        this.alpha = 1 - Math.exp(-INTERVAL_SECONDS / 60.0 / minutes);
    }

    void update(long n) {
        uncounted += n;
    }

    void tick() {
        double instant = uncounted / INTERVAL_SECONDS;
        uncounted = 0;
        if (initialized) {
            rate += alpha * (instant - rate);
        } else {
            rate = instant;
            initialized = true;
        }
    }

    void reset() {
        uncounted = 0;
        rate = 0;
        initialized = false;
    }

    /** Events per second. */
    double rate() {
        return rate;
    }
}
