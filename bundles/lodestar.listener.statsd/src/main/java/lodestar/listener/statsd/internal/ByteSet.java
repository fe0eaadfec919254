package lodestar.listener.statsd.internal;

import java.util.Arrays;

/** A set of byte strings (a StatsD set's members); copies a member only when it is new. Not thread-safe. */
final class ByteSet {

    private byte[][] table = new byte[16][];
    private int[] hashes = new int[16];
    private int size;

    int size() {
        return size;
    }

    void add(byte[] b, int from, int to) {
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
