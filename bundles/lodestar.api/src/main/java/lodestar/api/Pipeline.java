package lodestar.api;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The core's pipeline, as seen by producers that are not scheduled beacons (network listeners, the
 * shell, instrumented code) and by tools that report on it.
 */
@ProviderType
public interface Pipeline extends Emitter {

    /** Hands a batch on; cheaper than one {@link #emit(Sample)} per sample. */
    void emitAll(Collection<Sample> samples);

    /** What the pipeline runs now: beacons and sinks with their state and counters. */
    List<ComponentStatus> status();

    /**
     * Runs the named beacon once, now, and returns what it produced; those samples also go to the sinks.
     *
     * @return empty when no beacon has that name
     */
    Optional<List<Sample>> collectNow(String beaconName) throws Exception;
}
