package lodestar.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A step every sample passes through between its producer and the sinks: rename, retag, filter.
 * Processors run in {@code service.ranking} order, highest first, on the producer's thread, so they must
 * be fast and thread-safe. (Bucky users: this is its processor hook.)
 */
@ConsumerType
public interface Processor {

    /**
     * @return the sample to pass on (the same one, or a changed copy), or {@code null} to drop it
     */
    Sample process(Sample sample);
}
