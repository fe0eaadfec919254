package lodestar.instrument;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Times work; every duration is sent (the receiver computes count, mean, upper, percentiles). Recording puts the
 * duration into a bounded lock-free queue without allocating; when the queue is full the value is counted in
 * {@link Instruments#dropped()} instead. Never blocks or throws.
 */
public interface Timer {

    /** Starts timing; {@link Context#close()} records the time since. */
    Context time();

    /** Records a duration measured elsewhere (negative durations are ignored). */
    void record(long duration, TimeUnit unit);

    /** Records a duration measured elsewhere. */
    default void record(Duration d) {
        record(d.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code work}, records how long it took (also when it throws), and returns its result. */
    default <T> T record(Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /** Runs {@code work} and records how long it took (also when it throws). */
    default void record(Runnable work) {
        long start = System.nanoTime();
        try {
            work.run();
        } finally {
            record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /** One timing in progress: {@code try (Timer.Context t = timer.time()) { work(); }}. */
    final class Context implements AutoCloseable {
        private final Timer timer;
        private final long start;

        /** For {@link Timer} implementations. */
        public Context(Timer timer) {
            this.timer = timer;
            this.start = System.nanoTime();
        }

        /** Records the time since {@link Timer#time()}. */
        @Override
        public void close() {
            timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }
}
