package lodestar.instrument.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import lodestar.instrument.Counter;
import lodestar.instrument.Gauge;
import lodestar.instrument.Timer;

/** The three instruments; what a transport reads from them. */
public final class Instrument {

    /** Zibrato's measurement types. */
    public enum Type { COUNTER, TIMER, GAUGE }

    public final int id;
    public final Type type;
    public final String level;
    public final String name;
    public final String source;

    Instrument(int id, Type type, String level, String name, String source) {
        this.id = id;
        this.type = type;
        this.level = level;
        this.name = name;
        this.source = source;
    }

    /** Counts in striped cells (LongAdder): no contention between threads, no allocation once warm. */
    public static final class CounterImpl implements Counter {
        public final Instrument meta;
        private final LongAdder pending = new LongAdder();

        CounterImpl(Instrument meta) {
            this.meta = meta;
        }

        @Override
        public void increment() {
            pending.increment();
        }

        @Override
        public void increment(long n) {
            if (n > 0) {
                pending.add(n);
            }
        }

        /** What was counted since the last call (sender thread). */
        public long take() {
            return pending.sumThenReset();
        }

        /** Gives back what could not be sent, so that the next send carries it. */
        public void giveBack(long n) {
            pending.add(n);
        }
    }

    /** Every duration goes into the shared bounded queue; a full queue counts it as dropped. */
    public static final class TimerImpl implements Timer {
        public final Instrument meta;
        private final EventQueue queue;
        private final LongAdder dropped;

        TimerImpl(Instrument meta, EventQueue queue, LongAdder dropped) {
            this.meta = meta;
            this.queue = queue;
            this.dropped = dropped;
        }

        @Override
        public Context time() {
            return new Context(this);
        }

        @Override
        public void record(long duration, TimeUnit unit) {
            if (duration < 0) {
                return;
            }
            long nanos = unit == TimeUnit.NANOSECONDS ? duration : unit.toNanos(duration);
            if (!queue.offer(meta.id, nanos)) {
                dropped.increment();
            }
        }
    }

    /** The latest reading, as the bits of a double, and whether it changed since the last send. */
    public static final class GaugeImpl implements Gauge {
        public final Instrument meta;
        private final AtomicLong bits = new AtomicLong();
        private volatile boolean dirty;

        GaugeImpl(Instrument meta) {
            this.meta = meta;
        }

        @Override
        public void set(double value) {
            if (Double.isFinite(value)) {
                bits.set(Double.doubleToRawLongBits(value));
                dirty = true;
            }
        }

        /** The reading set since the last call, or NaN (sender thread). */
        public double take() {
            if (!dirty) {
                return Double.NaN;
            }
            dirty = false;
            return Double.longBitsToDouble(bits.get());
        }
    }
}
