package lodestar.listener.statsd.internal;

import java.util.Arrays;
import java.util.function.Predicate;

/** Open-addressing map from key bytes to {@link Metric}; lookups allocate nothing. Not thread-safe. */
final class MetricMap {

    private Metric[] table = new Metric[64];
    private int size;

    int size() {
        return size;
    }

    Metric get(byte[] key, int len, int hash) {
        Metric[] t = table;
        int mask = t.length - 1;
        for (int i = hash & mask;; i = (i + 1) & mask) {
            Metric m = t[i];
            if (m == null) {
                return null;
            }
            if (m.hash == hash && m.key.length == len && Arrays.equals(m.key, 0, len, key, 0, len)) {
                return m;
            }
        }
    }

    void put(Metric m) {
        if ((size + 1) * 2 > table.length) {
            resize(table.length * 2);
        }
        insert(table, m);
        size++;
    }

    private static void insert(Metric[] t, Metric m) {
        int mask = t.length - 1;
        int i = m.hash & mask;
        while (t[i] != null) {
            i = (i + 1) & mask;
        }
        t[i] = m;
    }

    private void resize(int capacity) {
        Metric[] old = table;
        table = new Metric[capacity];
        for (Metric m : old) {
            if (m != null) {
                insert(table, m);
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

    /** Keeps only the metrics {@code keep} accepts (rebuilds the table). */
    void retain(Predicate<Metric> keep) {
        Metric[] old = table;
        int cap = 64;
        while (cap < size * 2) {
            cap *= 2;
        }
        table = new Metric[cap];
        size = 0;
        for (Metric m : old) {
            if (m != null && keep.test(m)) {
                insert(table, m);
                size++;
            }
        }
    }

    void clear() {
        table = new Metric[64];
        size = 0;
    }
}
