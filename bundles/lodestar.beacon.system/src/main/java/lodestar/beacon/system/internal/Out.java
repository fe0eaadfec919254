package lodestar.beacon.system.internal;

import lodestar.api.Emitter;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

/**
 * What a {@link Collector} writes to: prepends {@code <prefix>.<host>.} and stamps every sample of one
 * collection with the same time, so the points of one run line up in every backend. No tags: the names
 * carry everything (Graphite-friendly).
 */
final class Out {

    private final Emitter emitter;
    private final String base;
    private final long timestamp;
    private int count;

    Out(Emitter emitter, String base, long timestamp) {
        this.emitter = emitter;
        this.base = base;
        this.timestamp = timestamp;
    }

    /** A level: {@code name} is relative to {@code <prefix>.<host>.}, e.g. {@code memory.used}. */
    void gauge(String name, double value) {
        emit(name, value, Kind.GAUGE);
    }

    /** A cumulative total since boot (or since the device appeared). */
    void counter(String name, double value) {
        emit(name, value, Kind.COUNTER);
    }

    /** Samples emitted so far through this instance. */
    int count() {
        return count;
    }

    private void emit(String name, double value, Kind kind) {
        emitter.emit(new Sample(base + name, Tags.EMPTY, value, timestamp, kind));
        count++;
    }
}
