package lodestar.instrument;

import java.time.Duration;

import lodestar.instrument.internal.Engine;
import lodestar.instrument.internal.StatsdTransport;
import lodestar.instrument.internal.ZmqTransport;

/**
 * Counters, timers and gauges for an application, by (level, name[, source]), sent to Lodestar on a background
 * thread:
 *
 * <pre>
 * try (Instruments metrics = Instruments.connect("tcp://127.0.0.1:5550")) {  // or Instruments.statsd("127.0.0.1", 8125)
 *     Counter orders = metrics.counter("info", "orders");
 *     orders.increment(); orders.increment(5);
 *     Timer checkout = metrics.timer("debug", "checkout", "shop");
 *     try (Timer.Context t = checkout.time()) { work(); }
 *     String r = checkout.record(() -&gt; compute());
 *     metrics.gauge("critical", "queue.depth").set(123);
 * }                                                                            // close() flushes what is queued
 * </pre>
 *
 * <p>Recording never blocks, throws or allocates (counters sum in striped cells, durations go into a bounded
 * lock-free queue, gauges keep their latest reading). Every {@link Options#flushInterval} the sender thread sends
 * counters' sums, durations and readings. When the receiver is away or slow, counters keep summing and are sent
 * later, and durations that do not fit the queue are counted in {@link #dropped()}. The same (type, level, name,
 * source) always gives the same instrument. Level, name and source are cleaned for the wire (separators, spaces
 * and control characters become '_'; at most 255 characters); a missing source is {@code not_specified}.
 */
public final class Instruments implements AutoCloseable {

    /** Settings of the sender; the defaults suit most applications. */
    public static final class Options {
        private int queueCapacity = 65_536;
        private Duration flushInterval = Duration.ofSeconds(1);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private int highWaterMark = 100_000;

        /** Durations held while the receiver is away or slow (rounded up to a power of two); default 65536. */
        public Options queueCapacity(int n) {
            if (n < 2) {
                throw new IllegalArgumentException("queueCapacity: at least 2, got " + n);
            }
            queueCapacity = n;
            return this;
        }

        /** How often the sender sends; default 1 s. */
        public Options flushInterval(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("flushInterval: must be positive, got " + d);
            }
            flushInterval = d;
            return this;
        }

        /** How long {@link Instruments#close()} waits for a receiver to take what is left; default 5 s. */
        public Options closeTimeout(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("closeTimeout: must not be negative, got " + d);
            }
            closeTimeout = d;
            return this;
        }

        /** ZeroMQ: messages its socket holds for a slow broker before refusing more; default 100000. */
        public Options highWaterMark(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("highWaterMark: at least 1, got " + n);
            }
            highWaterMark = n;
            return this;
        }
    }

    private final Engine engine;

    private Instruments(Engine engine) {
        this.engine = engine;
    }

    /** Sends to a Lodestar (or Zibrato) broker's lower port over ZeroMQ, in Zibrato's wire format. */
    public static Instruments connect(String endpoint) {
        return connect(endpoint, new Options());
    }

    /** Sends to a Lodestar (or Zibrato) broker's lower port over ZeroMQ, in Zibrato's wire format. */
    public static Instruments connect(String endpoint, Options o) {
        ZmqTransport t = new ZmqTransport(endpoint, o.highWaterMark, (int) Math.min(Integer.MAX_VALUE, o.closeTimeout.toMillis()),
                o.flushInterval.toMillis());
        return new Instruments(new Engine(t, "lodestar-instruments-zmq", o.queueCapacity, o.flushInterval.toMillis(), o.closeTimeout.toMillis()));
    }

    /** Sends to a StatsD server (Lodestar's StatsD listener included) over UDP, level and source as DogStatsD tags. */
    public static Instruments statsd(String host, int port) {
        return statsd(host, port, new Options());
    }

    /** Sends to a StatsD server over UDP, level and source as DogStatsD tags. */
    public static Instruments statsd(String host, int port, Options o) {
        StatsdTransport t = new StatsdTransport(host, port);
        return new Instruments(new Engine(t, "lodestar-instruments-statsd", o.queueCapacity, o.flushInterval.toMillis(), o.closeTimeout.toMillis()));
    }

    public Counter counter(String level, String name) {
        return engine.counter(level, name, null);
    }

    public Counter counter(String level, String name, String source) {
        return engine.counter(level, name, source);
    }

    public Timer timer(String level, String name) {
        return engine.timer(level, name, null);
    }

    public Timer timer(String level, String name, String source) {
        return engine.timer(level, name, source);
    }

    public Gauge gauge(String level, String name) {
        return engine.gauge(level, name, null);
    }

    public Gauge gauge(String level, String name, String source) {
        return engine.gauge(level, name, source);
    }

    /**
     * Measurements lost so far: durations that did not fit the queue, what the transport refused or knows to be
     * lost in transit (ZeroMQ: sent in the last moments before the broker went away), and what {@link #close()}
     * could not send. Counter increments count one each.
     */
    public long dropped() {
        return engine.dropped();
    }

    /** Sends what is recorded, waiting up to {@link Options#closeTimeout} for a receiver, then stops. */
    @Override
    public void close() {
        engine.close();
    }
}
