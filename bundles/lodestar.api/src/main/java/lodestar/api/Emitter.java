package lodestar.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a {@link Beacon} (or a listener, or the shell) puts the samples it produces. The core provides
 * it; it is thread-safe and never blocks for long: when downstream buffers are full the core counts
 * and drops, it does not stall the producer.
 */
@ProviderType
public interface Emitter {

    /** Hands one sample on. */
    void emit(Sample sample);

    /** A gauge with the current time. */
    default void gauge(String name, double value) {
        emit(new Sample(name, Tags.EMPTY, value, System.currentTimeMillis(), Kind.GAUGE));
    }

    /** A gauge with tags and the current time. */
    default void gauge(String name, Tags tags, double value) {
        emit(new Sample(name, tags, value, System.currentTimeMillis(), Kind.GAUGE));
    }

    /** A monotonically increasing total with the current time. */
    default void counter(String name, Tags tags, double total) {
        emit(new Sample(name, tags, total, System.currentTimeMillis(), Kind.COUNTER));
    }
}
