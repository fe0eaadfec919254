package lodestar.core.internal;

import java.util.Map;

import lodestar.api.Sink;
import lodestar.api.util.Units;

/**
 * How a sink's runner batches, buffers and retries: the sink's own service properties where it sets
 * them, the {@code lodestar.core} defaults elsewhere.
 */
record RunnerSettings(int batchSize, long flushIntervalMillis, long bufferBytes, long retryInitialMillis,
        long retryMaxMillis, double retryFactor, NameFilter filter) {

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
        return new RunnerSettings(1000, 1000, 64L << 20, 500, 30_000, 2.0, NameFilter.ALL);
    }

    /** The samples the buffer holds at most. */
    int capacity() {
        return (int) Math.min(Integer.MAX_VALUE - 8, bufferBytes / BYTES_PER_SAMPLE);
    }

    /** These defaults overridden by whatever a sink's service properties set. */
    RunnerSettings overriddenBy(Map<String, ?> p) {
        String flush = Props.string(p, Sink.FLUSH_INTERVAL, null);
        String buf = Props.string(p, Sink.BUFFER_MEMORY, null);
        String ri = Props.string(p, Sink.RETRY_INITIAL, null);
        String rm = Props.string(p, Sink.RETRY_MAX, null);
        return new RunnerSettings(
                Props.integer(p, Sink.BATCH_SIZE, batchSize),
                flush == null ? flushIntervalMillis : Units.positiveDurationMillis(Sink.FLUSH_INTERVAL, flush),
                buf == null ? bufferBytes : Units.bytes(Sink.BUFFER_MEMORY, buf),
                ri == null ? retryInitialMillis : Units.positiveDurationMillis(Sink.RETRY_INITIAL, ri),
                rm == null ? retryMaxMillis : Units.positiveDurationMillis(Sink.RETRY_MAX, rm),
                Props.decimal(p, Sink.RETRY_FACTOR, retryFactor),
                NameFilter.of(Props.strings(p, "include"), Props.strings(p, "exclude")));
    }
}
