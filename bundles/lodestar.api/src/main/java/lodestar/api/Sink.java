package lodestar.api;

import java.io.IOException;
import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A backend that samples are written to. A sink only turns a batch into its backend's format and says
 * whether the backend took it: the core's per-sink runner owns batching, the bounded buffer, retries
 * with backoff, flushing on shutdown and the self-metrics, once for every sink.
 *
 * <p>The runner calls {@link #write(List)} from one thread per sink, never concurrently. Service
 * properties (usually the sink's configuration) tune the runner: {@value #BATCH_SIZE},
 * {@value #FLUSH_INTERVAL}, {@value #BUFFER_MEMORY}, {@value #RETRY_INITIAL}, {@value #RETRY_MAX},
 * {@value #RETRY_FACTOR}; absent ones fall back to the defaults in the {@code lodestar.core}
 * configuration.
 */
@ConsumerType
public interface Sink {

    /** Service property: the name shown in {@code lodestar:status} and in self-metrics. */
    String NAME = "name";
    /** Service property: samples per {@link #write(List)} call at most. */
    String BATCH_SIZE = "batchSize";
    /** Service property: longest a sample waits for a batch to fill, a duration. */
    String FLUSH_INTERVAL = "flushInterval";
    /** Service property: memory for samples waiting for this sink, a size ({@code 64MB}). */
    String BUFFER_MEMORY = "bufferMemory";
    /** Service property: first delay after a failed write, a duration. */
    String RETRY_INITIAL = "retryInitial";
    /** Service property: longest delay between retries, a duration. */
    String RETRY_MAX = "retryMax";
    /** Service property: how much each consecutive failure multiplies the delay. */
    String RETRY_FACTOR = "retryFactor";

    /**
     * Writes a batch. Returning normally means the backend has it all; throwing means none of it is
     * known to be taken, and the runner will offer the same batch again after a backoff. A sink should
     * drop its connection when it throws so the retry reconnects.
     */
    void write(List<Sample> batch) throws IOException;

    /**
     * Whether this sink wants the sample at all (include/exclude filters, levels). Evaluated before the
     * sample is buffered, so filtered samples cost no memory. Default: everything.
     */
    default boolean accepts(Sample sample) {
        return true;
    }
}
