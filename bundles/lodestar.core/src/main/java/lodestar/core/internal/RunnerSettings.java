package lodestar.core.internal;

import java.util.Map;

import lodestar.support.filter.LevelFilter;
import lodestar.support.filter.NameFilter;
import lodestar.support.filter.TagFilter;


/**
 * How a sink's runner batches, buffers and retries: the sink's own service properties where it sets
 * them, the {@code lodestar.core} defaults elsewhere.
 */
record RunnerSettings(int batchSize, long flushIntervalMillis, long bufferBytes, long bufferDiskBytes,
        long retryInitialMillis, long retryMaxMillis, double retryFactor, NameFilter filter, LevelFilter levels,
        TagFilter tagpass, TagFilter tagdrop) {

    /** Whether a sample passes the sink's include/exclude globs, levels, tagpass and tagdrop. */
    boolean wants(lodestar.api.Sample s) {
        return (filter.passesAll() || filter.accepts(s.name())) && (levels.passesAll() || levels.accepts(s))
                && (tagpass.isEmpty() || tagpass.matches(s.tags())) && (tagdrop.isEmpty() || !tagdrop.matches(s.tags()));
    }

    /**
     * Memory one buffered sample is assumed to take: the Sample object, its boxed parts and a share of
     * its name, tags and the queue slot. Names and tags are usually shared between samples of a series,
     * so this is an upper estimate for typical traffic rather than a measurement of each sample.
     */
    static final int BYTES_PER_SAMPLE = 100;

    RunnerSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize: must be at least 1, got " + batchSize);
        }
        if (flushIntervalMillis < 1) {
            throw new IllegalArgumentException("flushInterval: must be a positive duration");
        }
        if (bufferBytes < BYTES_PER_SAMPLE) {
            throw new IllegalArgumentException("bufferMemory: must hold at least one sample (" + BYTES_PER_SAMPLE + "B)");
        }
        if (bufferDiskBytes < 0) {
            throw new IllegalArgumentException("bufferDisk: must not be negative");
        }
        if (retryInitialMillis < 1) {
            throw new IllegalArgumentException("retryInitial: must be a positive duration");
        }
        if (retryMaxMillis < retryInitialMillis) {
            throw new IllegalArgumentException("retryMax: must not be shorter than retryInitial");
        }
        if (!(retryFactor >= 1.0) || Double.isInfinite(retryFactor)) {
            throw new IllegalArgumentException("retryFactor: must be a number of at least 1, got " + retryFactor);
        }
    }

    static RunnerSettings defaults() {
        return new RunnerSettings(1000, 1000, 64L << 20, 0, 500, 30_000, 2.0, NameFilter.ALL, LevelFilter.ALL, TagFilter.NONE, TagFilter.NONE);
    }

    /** The samples the buffer holds at most. */
    int capacity() {
        return (int) Math.min(Integer.MAX_VALUE - 8, bufferBytes / BYTES_PER_SAMPLE);
    }

    /**
     * These defaults overridden by whatever a sink's service properties set.
     *
     * @throws IllegalArgumentException naming an invalid property
     */
    RunnerSettings overriddenBy(Map<String, ?> p) {
        RunnerPropertyReader r = RunnerPropertyReader.of(p);
        return new RunnerSettings(r.batchSize(batchSize), r.flushIntervalMillis(flushIntervalMillis),
                r.bufferBytes(bufferBytes), r.bufferDiskBytes(bufferDiskBytes), r.retryInitialMillis(retryInitialMillis), r.retryMaxMillis(retryMaxMillis),
                r.retryFactor(retryFactor), r.filter(), r.levels(), r.tagpass(), r.tagdrop());
    }
}
