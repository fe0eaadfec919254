package lodestar.listener.statsd.internal;

import java.util.Arrays;

/**
 * A set of byte strings (a StatsD set's members). Members of at most 7 bytes (user ids, small numbers: the
 * common case) are stored inline as a {@code long} (length in the top byte, so distinct byte strings give
 * distinct longs) in an open-addressing {@code long[]}: adding one allocates nothing and follows no pointer.
 * Longer members are copied once, when new, into a second table. Not thread-safe.
 */
final class ByteSet {

    private long[] small = new long[16];
    private int smallSize;
    private byte[][] table;
    private int[] hashes;
    private int size;

    int size() {
        return smallSize + size;
    }

    void add(byte[] b, int from, int to) {
        int len = to - from;
        if (len <= 7 && len > 0) {
            long x = 0;
            for (int i = from; i < to; i++) {
                x = (x << 8) | (b[i] & 0xff);
            }
            addSmall(x | ((long) len << 56));
            return;
        }
        addLarge(b, from, to);
    }

    private void addSmall(long x) {
        long[] t = small;
        int mask = t.length - 1;
        long m = x * 0x9E3779B97F4A7C15L;
        int i = (int) (m ^ (m >>> 32)) & mask;
        while (true) {
            long y = t[i];
            if (y == x) {
                return;
            }
            if (y == 0) {
                break;
            }
            i = (i + 1) & mask;
        }
        t[i] = x;
        if (++smallSize * 2 > t.length) {
            long[] old = t;
            small = t = new long[old.length * 2];
            mask = t.length - 1;
            for (long v : old) {
                if (v != 0) {
                    long mv = v * 0x9E3779B97F4A7C15L;
                    int j = (int) (mv ^ (mv >>> 32)) & mask;
                    while (t[j] != 0) {
                        j = (j + 1) & mask;
                    }
                    t[j] = v;
                }
            }
        }
    }

    private void addLarge(byte[] b, int from, int to) {
        if (table == null) {
            table = new byte[16][];
            hashes = new int[16];
        }
        int h = Bytes.hash(b, from, to);
        int len = to - from;
        int mask = table.length - 1;
        int i = h & mask;
        while (table[i] != null) {
            if (hashes[i] == h && table[i].length == len && Arrays.equals(table[i], 0, len, b, from, to)) {
                return;
            }
            i = (i + 1) & mask;
        }
        table[i] = Arrays.copyOfRange(b, from, to);
        hashes[i] = h;
        if (++size * 2 > table.length) {
            resize();
        }
    }

    private void resize() {
        byte[][] ot = table;
        int[] oh = hashes;
        table = new byte[ot.length * 2][];
        hashes = new int[ot.length * 2];
        int mask = table.length - 1;
        for (int j = 0; j < ot.length; j++) {
            if (ot[j] != null) {
                int i = oh[j] & mask;
                while (table[i] != null) {
                    i = (i + 1) & mask;
                }
                table[i] = ot[j];
                hashes[i] = oh[j];
            }
        }
    }

    void clear() {
        if (smallSize > 0) {
            if (small.length > 1024) {
                small = new long[16];
            } else {
                Arrays.fill(small, 0L);
            }
            smallSize = 0;
        }
        if (size > 0) {
            if (table.length > 1024) {
                table = new byte[16][];
                hashes = new int[16];
            } else {
                Arrays.fill(table, null);
            }
            size = 0;
        }
    }
}
