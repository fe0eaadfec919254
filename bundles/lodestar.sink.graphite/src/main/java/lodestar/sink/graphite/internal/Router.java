package lodestar.sink.graphite.internal;

import lodestar.api.Sample;
import lodestar.support.ring.HashRing;

/**
 * Places each sample of a cluster on its destinations with the {@link HashRing}, hashing the Graphite path exactly
 * as it goes on the wire (prefix and sanitizing included) up to its tags, which is what carbon-c-relay hashes.
 *
 * <p>The core offers one sample to every destination's {@code accepts} in turn on the producer's thread, so the
 * last placement is remembered per thread: one hash per sample, not one per destination.
 */
final class Router {

    private final HashRing ring;
    private final GraphiteNames names;
    private final Skipped skipped;
    private final ThreadLocal<Last> last = ThreadLocal.withInitial(Last::new);

    private static final class Last {
        Sample sample;
        int[] placed;
        final ByteBuf path = new ByteBuf(256);
    }

    Router(HashRing ring, GraphiteNames names, Skipped skipped) {
        this.ring = ring;
        this.names = names;
        this.skipped = skipped;
    }

    HashRing ring() {
        return ring;
    }

    /** Whether the ring places {@code sample} on destination {@code index}. */
    boolean placesOn(Sample sample, int index) {
        Last l = last.get();
        if (l.sample != sample) {
            l.placed = place(sample, l.path);
            l.sample = sample;
        }
        for (int p : l.placed) {
            if (p == index) {
                return true;
            }
        }
        return false;
    }

    /** The destinations of the sample's series; none when its name cannot be written at all. */
    int[] place(Sample sample, ByteBuf path) {
        path.clear();
        if (!names.append(path, sample.name(), sample.tags())) {
            skipped.badName(sample);
            return new int[0];
        }
        // the running carbon-c-relay hashes (and matches) a tagged line only up to its first ';': its dispatcher
        // ends the key there (carbon-c-relay -t, which skips the dispatcher, hashes the tags too; GraphiteRelayIT
        // caught the difference)
        byte[] a = path.array();
        int n = path.length();
        for (int i = 0; i < n; i++) {
            if (a[i] == ';') {
                n = i;
                break;
            }
        }
        return ring.place(a, n);
    }
}
