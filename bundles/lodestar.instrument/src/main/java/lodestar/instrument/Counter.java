package lodestar.instrument;

/**
 * Counts events; what was counted between two sends goes out as one increment. Lock-free and allocation-free;
 * never blocks or throws.
 */
public interface Counter {

    /** Counts one event. */
    void increment();

    /** Counts {@code n} events (negative values are ignored: a Zibrato counter only counts up). */
    void increment(long n);
}
