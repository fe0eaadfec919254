package lodestar.listener.statsd.internal;

import java.util.function.Predicate;

/**
 * Open-addressing map from key bytes to {@link Metric}; lookups allocate nothing. Not thread-safe.
 * The probe runs over a {@code long[]} of hashes (8 slots per cache line) and touches a {@link Metric} only
 * when the full 32-bit hash matches; a key of up to 16 bytes is compared with the words kept in the metric,
 * so a lookup typically reads one cache line of the table and the metric it needs anyway.
 */
final class MetricMap {

    /** {@code hash << 32 | 1} per used slot, 0 when empty; parallel to {@link #table}. */
    private long[] hashes = new long[64];
    private Metric[] table = new Metric[64];
    private int size;

    int size() {
        return size;
    }

    Metric get(byte[] key, int len, int hash) {
        long[] h = hashes;
        long want = ((long) hash << 32) | 1L;
        int mask = h.length - 1;
        long k0 = 0;
        long k1 = 0;
        boolean words = false;
        for (int i = hash & mask;; i = (i + 1) & mask) {
            long x = h[i];
            if (x == 0) {
                return null;
            }
            if (x == want) {
                if (!words) {
                    k0 = Bytes.word(key, 0, len);
                    k1 = Bytes.word(key, 8, len);
                    words = true;
                }
                Metric m = table[i];
                if (m.keyEquals(key, len, k0, k1)) {
                    return m;
                }
            }
        }
    }

    void put(Metric m) {
        if ((size + 1) * 2 > table.length) {
            resize(table.length * 2);
        }
        insert(hashes, table, m);
        size++;
    }

    private static void insert(long[] h, Metric[] t, Metric m) {
        int mask = t.length - 1;
        int i = m.hash & mask;
        while (h[i] != 0) {
            i = (i + 1) & mask;
        }
        h[i] = ((long) m.hash << 32) | 1L;
        t[i] = m;
    }

    private void resize(int capacity) {
        Metric[] old = table;
        table = new Metric[capacity];
        hashes = new long[capacity];
        for (Metric m : old) {
            if (m != null) {
                insert(hashes, table, m);
            }
        }
    }

    /** Every metric, in table order, into {@code out}; returns the count. */
    int values(Metric[] out) {
        int k = 0;
        for (Metric m : table) {
            if (m != null) {
                out[k++] = m;
            }
        }
        return k;
    }

    /** Keeps only the metrics {@code keep} accepts (rebuilds the table); returns how many went. */
    int retain(Predicate<Metric> keep) {
        int before = size;
        Metric[] old = table;
        int cap = 64;
        while (cap < size * 2) {
            cap *= 2;
        }
        table = new Metric[cap];
        hashes = new long[cap];
        size = 0;
        for (Metric m : old) {
            if (m != null && keep.test(m)) {
                insert(hashes, table, m);
                size++;
            }
        }
        return before - size;
    }

    /** Empties the map; returns how many metrics went. */
    int clear() {
        int before = size;
        table = new Metric[64];
        hashes = new long[64];
        size = 0;
        return before;
    }
}
