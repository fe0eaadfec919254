package lodestar.api;

/**
 * What a sample's value means, so sinks and the store can treat it correctly (a Prometheus counter, a
 * Librato gauge, a rate that must be averaged rather than summed when rolled up).
 */
public enum Kind {
    /** A level measured now: memory used, temperature, queue length. */
    GAUGE,
    /** A monotonically increasing total since some start: bytes sent since boot. */
    COUNTER,
    /** A count of events within one reporting interval (StatsD's count). */
    DELTA,
    /** Events per second, averaged over one reporting interval. */
    RATE,
    /** A check's numeric status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. */
    STATUS,
    /**
     * A whole distribution ({@link Sample#histogram()}): explicit or exponential buckets, or quantiles. Only
     * sinks with {@link Sink#NATIVE_HISTOGRAMS} see it; the core flattens it for the others.
     */
    HISTOGRAM
}
