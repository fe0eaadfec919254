package lodestar.api;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The core's pipeline, as seen by producers that are not scheduled beacons (network listeners, the
 * shell, instrumented code) and by tools that report on it.
 */
@ProviderType
public interface Pipeline extends Emitter {

    /** Hands a batch on; cheaper than one {@link #emit(Sample)} per sample. */
    void emitAll(Collection<Sample> samples);

    /**
     * Hands a batch on only when every sink has room for it, and tells when every sink has it safe: for
     * producers that can hold back their own senders (remote write answers 503 and Prometheus retries; a Kafka
     * consumer does not commit the offset). {@link #emitAll} instead drops the oldest buffered samples when a
     * sink is full, which is right for fire-and-forget protocols (StatsD, collectd) and wrong for these.
     *
     * @return empty when some sink's buffer has no room now: nothing was handed on, the caller should retry
     *     later (or tell its sender to). Otherwise a stage that completes once every sink has each of these
     *     samples written to its backend or stored in its disk buffer, or has refused it by its filters; it
     *     completes exceptionally with {@link SamplesLostException} when a sink dropped some of them (its buffer
     *     overflowed under other producers' load), and never completes for a sink that is down with no disk
     *     buffer until the sink recovers or is removed (a removed sink counts as settled once its runner stopped)
     * @since 2.1
     */
    Optional<CompletionStage<Void>> offerAll(Collection<Sample> samples);

    /** What the pipeline runs now: beacons and sinks with their state and counters. */
    List<ComponentStatus> status();

    /**
     * Runs the named beacon once, now, and returns what it produced; those samples also go to the sinks.
     *
     * @return empty when no beacon has that name
     */
    Optional<List<Sample>> collectNow(String beaconName) throws Exception;
}
