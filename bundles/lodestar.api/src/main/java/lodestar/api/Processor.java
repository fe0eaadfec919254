package lodestar.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A step every sample passes through between its producer and the sinks (Bucky's processor hook):
 * rename, retag, filter. Processors run in {@code service.ranking} order, highest first, on the
 * producer's thread, so they must be fast and thread-safe.
 */
@ConsumerType
public interface Processor {

    /**
     * @return the sample to pass on (the same one, or a changed copy), or {@code null} to drop it
     */
    Sample process(Sample sample);
}
