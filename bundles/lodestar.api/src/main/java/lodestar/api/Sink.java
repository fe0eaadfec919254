package lodestar.api;

import java.io.IOException;
import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A backend that samples are written to. A sink only turns a batch into its backend's format and says
 * whether the backend took it: the core's per-sink runner owns batching, the bounded buffer, retries
 * with backoff, flushing on shutdown and the self-metrics, once for every sink.
 *
 * <p>The runner calls {@link #write(List)} from one thread per sink, never concurrently. The sink's
 * configuration tunes the runner through the {@link RunnerProperties}, which the core reads, validates and
 * applies; a sink declares none of them itself.
 */
@ConsumerType
public interface Sink {

    /** Service property: the name shown in {@code lodestar:status} and in self-metrics. */
    String NAME = "name";

    /**
     * Service property: {@code true} when the sink writes {@link Kind#HISTOGRAM} samples whole. Every other sink
     * gets them flattened by the core into plain samples (count, sum, buckets or quantiles; see
     * {@code docs/HISTOGRAMS.md}), so a sink that does not set it never sees a histogram.
     */
    String NATIVE_HISTOGRAMS = "lodestar.sink.histograms";

    /**
     * Service property: {@code true} for tag-based backends (InfluxDB, OpenTSDB, Prometheus, ...), which get the
     * core's host tag added to samples that carry none.
     */
    String TAGGED = "lodestar.sink.tags";

    /**
     * Writes a batch. Returning normally means the backend has it all; throwing means none of it is
     * known to be taken, and the runner will offer the same batch again after a backoff. A sink should
     * drop its connection when it throws so the retry reconnects.
     */
    void write(List<Sample> batch) throws IOException;

    /**
     * Whether this sink's backend can take the sample at all (a NaN its format cannot carry, say); the
     * operator's filters ({@link RunnerProperties#INCLUDE}, {@link RunnerProperties#LEVELS}, ...) are the
     * core's. Evaluated before the sample is buffered, so refused samples cost no memory. Default: everything.
     */
    default boolean accepts(Sample sample) {
        return true;
    }
}
