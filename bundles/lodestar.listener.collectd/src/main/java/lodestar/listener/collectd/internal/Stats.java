package lodestar.listener.collectd.internal;

import java.util.concurrent.atomic.LongAdder;

/** Thread-safe counters by {@link Stat}: written by the receiver and the worker, read by the status. */
final class Stats {

    private final LongAdder[] counters = new LongAdder[Stat.values().length];

    Stats() {
        for (int i = 0; i < counters.length; i++) {
            counters[i] = new LongAdder();
        }
    }

    void inc(Stat s) {
        counters[s.ordinal()].increment();
    }

    void add(Stat s, long n) {
        counters[s.ordinal()].add(n);
    }

    void set(Stat s, long v) {
        LongAdder a = counters[s.ordinal()];
        a.reset();
        a.add(v);
    }

    long get(Stat s) {
        return counters[s.ordinal()].sum();
    }
}
