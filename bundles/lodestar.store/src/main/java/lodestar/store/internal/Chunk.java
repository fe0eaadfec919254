package lodestar.store.internal;

import java.util.Arrays;

/**
 * A compressed, append-only run of points: a timestamp and one or more double columns per point (one
 * for raw points; min, max, sum, count for a rollup bucket). Sealed chunks are immutable and are the
 * unit that is rolled up, expired, evicted and written to a snapshot.
 *
 * <p>Encoding, per point, MSB first (why: metrics are mostly regular and mostly decimal):
 * <ul>
 * <li>timestamp: the first point stores 64 bits; later ones the zig-zagged delta-of-delta:
 * {@code 0} (same interval), {@code 10}+4 bits (a few ms of jitter), {@code 110}+10, {@code 1110}+24,
 * {@code 1111}+64.</li>
 * <li>each column: {@code 0} = same bits as the previous value of that column; {@code 10} = the value
 * is {@code m / 10^e} with the column's previous exponent {@code e}, followed by the zig-zagged
 * difference between {@code m} and the previous value scaled by {@code 10^e}; {@code 110}+4 bits of a
 * new {@code e} then that difference; {@code 111}+64 raw bits (NaN, infinities, -0.0, values with too
 * many digits). Differences: {@code 0}+6 bits, {@code 10}+13, {@code 110}+24, {@code 111}+56.</li>
 * </ul>
 * The decimal form is only used when decoding gives back the exact same bits, so values round-trip
 * exactly, NaN payloads included. Not thread-safe: the owning {@link SeriesBuffer} locks.
 */
final class Chunk {

    /** Largest exponent tried for the decimal form: up to nine digits after the point. */
    private static final int MAX_EXP = 9;
    private static final double[] POW10 = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    /** Integers a double holds exactly; bounds the scaled mantissa so differences fit 56 bits. */
    private static final double EXACT = 9.007199254740992E15;

    private final int columns;
    // the bit string inline (not a separate object): one cache line fewer per append across many series
    private long[] words;
    private int bitLength;
    private int count;
    private long firstTimestamp;
    private long lastTimestamp;

    // encoder state; column 0 in fields so a raw chunk's append touches no other object
    private boolean open = true;
    private long previousDelta;
    private long previousBits0;
    private int previousExp0;
    private long[] previousBits; // columns 1.. of a rollup chunk
    private int[] previousExp;

    Chunk(int columns) {
        this.columns = columns;
        this.words = new long[4];
        if (columns > 1) {
            this.previousBits = new long[columns - 1];
            this.previousExp = new int[columns - 1];
        }
    }

    /** A sealed chunk read back from a snapshot. */
    Chunk(int columns, int count, long firstTimestamp, long lastTimestamp, long[] words, int bitLength) {
        this.columns = columns;
        this.count = count;
        this.firstTimestamp = firstTimestamp;
        this.lastTimestamp = lastTimestamp;
        this.words = words;
        this.bitLength = bitLength;
        this.open = false;
    }

    int columns() {
        return columns;
    }

    int count() {
        return count;
    }

    long firstTimestamp() {
        return firstTimestamp;
    }

    long lastTimestamp() {
        return lastTimestamp;
    }

    boolean sealed() {
        return !open;
    }

    int bitLength() {
        return bitLength;
    }

    long[] words() {
        return words;
    }

    /** Heap bytes this chunk holds, by the estimate documented in {@link MemoryAccount}. */
    long bytes() {
        long b = MemoryAccount.CHUNK_OBJECT + MemoryAccount.array(8L * words.length);
        if (previousBits != null) {
            b += MemoryAccount.array(8L * (columns - 1)) + MemoryAccount.array(4L * (columns - 1));
        }
        return b;
    }

    /** Appends a one-column point. The caller guarantees {@code timestamp >= lastTimestamp()}. */
    void append(long timestamp, double value) {
        appendTimestamp(timestamp);
        appendValue(0, value);
        count++;
    }

    /** Appends a rollup bucket (columns min, max, sum, count). */
    void append(long timestamp, double min, double max, double sum, double n) {
        appendTimestamp(timestamp);
        appendValue(0, min);
        appendValue(1, max);
        appendValue(2, sum);
        appendValue(3, n);
        count++;
    }

    /** Frees the encoder state and spare capacity; the chunk is read-only from now on. */
    void seal() {
        open = false;
        previousBits = null;
        previousExp = null;
        int need = Math.max(1, (bitLength + 63) >>> 6);
        if (need < words.length) {
            words = Arrays.copyOf(words, need);
        }
    }

    /** Writes the lowest {@code n} bits of {@code value} (1..64), most significant first. */
    private void write(long value, int n) {
        int wordIndex = bitLength >>> 6;
        if (wordIndex + 1 >= words.length) {
            // one spare word ahead so the two-word case below never needs a second check
            words = Arrays.copyOf(words, Math.max(words.length * 2, wordIndex + 2));
        }
        if (n < 64) {
            value &= (1L << n) - 1;
        }
        int free = 64 - (bitLength & 63);
        if (n <= free) {
            words[wordIndex] |= value << (free - n);
        } else {
            int spill = n - free;
            words[wordIndex] |= value >>> spill;
            words[wordIndex + 1] |= value << (64 - spill);
        }
        bitLength += n;
    }

    private void appendTimestamp(long timestamp) {
        if (count == 0) {
            write(timestamp, 64);
            firstTimestamp = timestamp;
            lastTimestamp = timestamp;
            return;
        }
        long delta = timestamp - lastTimestamp;
        long dod = delta - previousDelta;
        previousDelta = delta;
        lastTimestamp = timestamp;
        if (dod == 0) {
            write(0, 1);
            return;
        }
        long z = zigzag(dod);
        if (z < (1L << 4)) {
            write(0b10, 2);
            write(z, 4);
        } else if (z < (1L << 10)) {
            write(0b110, 3);
            write(z, 10);
        } else if (z < (1L << 24)) {
            write(0b1110, 4);
            write(z, 24);
        } else {
            write(0b1111, 4);
            write(z, 64);
        }
    }

    private void appendValue(int column, double value) {
        long raw = Double.doubleToRawLongBits(value);
        long previous = column == 0 ? previousBits0 : previousBits[column - 1];
        if (raw == previous) {
            write(0, 1);
            return;
        }
        if (column == 0) {
            previousBits0 = raw;
        } else {
            previousBits[column - 1] = raw;
        }
        double previousValue = Double.longBitsToDouble(previous);
        int exp = column == 0 ? previousExp0 : previousExp[column - 1];
        long mantissa = decimal(value, raw, exp);
        if (mantissa != Long.MIN_VALUE) {
            write(0b10, 2);
            writeDifference(mantissa - scaled(previousValue, exp));
            return;
        }
        for (int e = 0; e <= MAX_EXP; e++) {
            if (e == exp) {
                continue;
            }
            mantissa = decimal(value, raw, e);
            if (mantissa != Long.MIN_VALUE) {
                if (column == 0) {
                    previousExp0 = e;
                } else {
                    previousExp[column - 1] = e;
                }
                write(0b110, 3);
                write(e, 4);
                writeDifference(mantissa - scaled(previousValue, e));
                return;
            }
        }
        write(0b111, 3);
        write(raw, 64);
    }

    private void writeDifference(long difference) {
        long z = zigzag(difference);
        if (z < (1L << 6)) {
            write(0, 1);
            write(z, 6);
        } else if (z < (1L << 13)) {
            write(0b10, 2);
            write(z, 13);
        } else if (z < (1L << 24)) {
            write(0b110, 3);
            write(z, 24);
        } else {
            write(0b111, 3);
            write(z, 56);
        }
    }

    /** {@code m} with {@code m / 10^e} bit-identical to the value, or Long.MIN_VALUE. */
    private static long decimal(double value, long raw, int e) {
        double x = value * POW10[e];
        if (!(Math.abs(x) < EXACT)) {
            return Long.MIN_VALUE; // also NaN and infinities
        }
        long m = Math.round(x);
        return Double.doubleToRawLongBits(m / POW10[e]) == raw ? m : Long.MIN_VALUE;
    }

    /** The previous value on the scale of {@code e}; both coder sides compute it from the same double. */
    private static long scaled(double previous, int e) {
        double x = previous * POW10[e];
        return Math.abs(x) < EXACT ? Math.round(x) : 0;
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long z) {
        return (z >>> 1) ^ -(z & 1);
    }

    /** Decodes points in order. Works on sealed and open chunks (the owner's lock held). */
    Cursor cursor() {
        return new Cursor();
    }

    /** One pass over the points; {@link #timestamp()} and {@link #value(int)} after each {@link #next()}. */
    final class Cursor {
        private final BitReader in = new BitReader(words);
        private final int total = count;
        private final double[] values = new double[columns];
        private final long[] previousRaw = new long[columns];
        private final int[] exps = new int[columns];
        private int index;
        private long timestamp;
        private long delta;

        boolean next() {
            if (index >= total) {
                return false;
            }
            if (index == 0) {
                timestamp = in.read(64);
            } else {
                long dod;
                if (!in.readBit()) {
                    dod = 0;
                } else if (!in.readBit()) {
                    dod = unzigzag(in.read(4));
                } else if (!in.readBit()) {
                    dod = unzigzag(in.read(10));
                } else if (!in.readBit()) {
                    dod = unzigzag(in.read(24));
                } else {
                    dod = unzigzag(in.read(64));
                }
                delta += dod;
                timestamp += delta;
            }
            for (int c = 0; c < columns; c++) {
                values[c] = readValue(c);
            }
            index++;
            return true;
        }

        private double readValue(int c) {
            if (!in.readBit()) {
                return Double.longBitsToDouble(previousRaw[c]);
            }
            double previous = Double.longBitsToDouble(previousRaw[c]);
            double v;
            if (!in.readBit()) {
                int e = exps[c];
                v = (readDifference() + scaled(previous, e)) / POW10[e];
            } else if (!in.readBit()) {
                int e = (int) in.read(4);
                if (e > MAX_EXP) {
                    throw new IllegalStateException("corrupt chunk: exponent " + e);
                }
                exps[c] = e;
                v = (readDifference() + scaled(previous, e)) / POW10[e];
            } else {
                v = Double.longBitsToDouble(in.read(64));
            }
            previousRaw[c] = Double.doubleToRawLongBits(v);
            return v;
        }

        private long readDifference() {
            long z;
            if (!in.readBit()) {
                z = in.read(6);
            } else if (!in.readBit()) {
                z = in.read(13);
            } else if (!in.readBit()) {
                z = in.read(24);
            } else {
                z = in.read(56);
            }
            return unzigzag(z);
        }

        long timestamp() {
            return timestamp;
        }

        double value(int column) {
            return values[column];
        }
    }
}
