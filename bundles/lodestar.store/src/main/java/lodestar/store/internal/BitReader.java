package lodestar.store.internal;

/**
 * Reading side of the bit strings {@link Chunk} writes (most significant bit first in each
 * {@code long}). Bit granularity rather than bytes is what lets a steady series cost one or two bits
 * per point.
 */
final class BitReader {

    private final long[] words;
    private int position;

    /** Not thread-safe; create one per pass. */
    BitReader(long[] words) {
        this.words = words;
    }

    boolean readBit() {
        boolean bit = (words[position >>> 6] & (1L << (63 - (position & 63)))) != 0;
        position++;
        return bit;
    }

    /** Reads {@code n} bits (1..64) as an unsigned value. */
    long read(int n) {
        int wordIndex = position >>> 6;
        int used = position & 63;
        int free = 64 - used;
        long result;
        if (n <= free) {
            result = words[wordIndex] >>> (free - n);
        } else {
            int spill = n - free;
            result = (words[wordIndex] << spill) | (words[wordIndex + 1] >>> (64 - spill));
        }
        position += n;
        return n == 64 ? result : result & ((1L << n) - 1);
    }
}
