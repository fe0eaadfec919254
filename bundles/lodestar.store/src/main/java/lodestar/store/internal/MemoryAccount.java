package lodestar.store.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's estimate of the heap it holds, kept as a running total so the cap can be checked after
 * every batch for the price of one read.
 *
 * <p>Estimates assume a 64-bit JVM with compressed references (12-byte object headers, 8-byte
 * alignment, 16-byte array headers, Latin-1 compact strings) and err on the high side:
 * <ul>
 * <li>a series: {@link #SERIES_OBJECT} bytes (the series object, its map entry and table slot, two
 * chunk lists, the rollup's pending bucket, the key String) plus two bytes per character of the key
 * (the key and the name/tag strings it was built from);</li>
 * <li>a chunk: {@link #CHUNK_OBJECT} bytes plus its {@code long[]} of compressed bits at its allocated
 * capacity (an open chunk also carries its small encoder state).</li>
 * </ul>
 * A JVM without compressed references uses somewhat more; size {@code maxMemory} with headroom.
 */
final class MemoryAccount {

    /** Series object (~96), map node + slot (~40), 2 ArrayDeques (~2 x 104), key String (~40), Tags (~48). */
    static final long SERIES_OBJECT = 432;
    /** Chunk object: header, bit length, count, two timestamps, encoder state, array reference (~64). */
    static final long CHUNK_OBJECT = 64;

    private final AtomicLong bytes = new AtomicLong();

    static long series(String key) {
        return SERIES_OBJECT + 2L * key.length();
    }

    /** An array of {@code payload} bytes, with header and alignment. */
    static long array(long payload) {
        return (16 + payload + 7) & ~7L;
    }

    void add(long delta) {
        if (delta != 0) {
            bytes.addAndGet(delta);
        }
    }

    long used() {
        return bytes.get();
    }
}
