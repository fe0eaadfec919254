package lodestar.instrument.internal;

/** How measurements leave the process; used by the sender thread only. */
public interface Transport extends AutoCloseable {

    /** Looks at the transport's own traffic (ZeroMQ: the broker's subscriptions); called before each send round. */
    default void poll() {
    }

    /** Whether sending now would reach a receiver (ZeroMQ: the broker's subscription arrived). */
    boolean ready();

    /** @return false when it could not be queued for sending (the caller keeps or drops it) */
    boolean counter(Instrument i, long n, long epochSeconds);

    boolean timer(Instrument i, long nanos, long epochSeconds);

    boolean gauge(Instrument i, double value, long epochSeconds);

    /** Ends a send round (StatsD: the last datagram goes out). */
    default void endRound() {
    }

    /**
     * Measurements the transport knows to be possibly lost since the last call, after they were handed to it
     * (ZeroMQ: sent shortly before the broker went away).
     */
    default long lost() {
        return 0;
    }

    @Override
    void close();

    /** A number as the wire writes it: integers without a fraction, others as Java prints doubles. */
    static void number(StringBuilder b, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            b.append((long) v);
        } else {
            b.append(v);
        }
    }
}
