package lodestar.listener.metricsd.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import lodestar.api.Sample;
import lodestar.api.Tags;

/**
 * The metrics of one flush interval (one of Bucky's handlers). The receiver thread updates it and the
 * flush thread reports it; one lock serializes both, held only for in-memory work.
 */
final class Bucket {

    /** A metric with the name and tags it reports under, and when a command last touched it. */
    static final class Entry {
        final String base;
        final Tags tags;
        final Metric metric;
        /** one of the registry's overflow metrics, which count against no limit */
        final boolean overflow;
        /** {@link System#nanoTime()} of the last command applied; guarded by the bucket */
        long lastUpdate;

        Entry(String base, Tags tags, Metric metric, boolean overflow, long nanos) {
            this.base = base;
            this.tags = tags;
            this.metric = metric;
            this.overflow = overflow;
            this.lastUpdate = nanos;
        }

        Metric metric() {
            return metric;
        }
    }

    final long intervalMillis;
    private final Map<String, Entry> metrics = new HashMap<>();

    Bucket(long intervalMillis) {
        this.intervalMillis = intervalMillis;
    }

    synchronized Entry get(String key) {
        return metrics.get(key);
    }

    synchronized void put(String key, Entry e) {
        metrics.put(key, e);
    }

    /** Removes the metric; returns it, or null when there was none. */
    synchronized Entry remove(String key) {
        return metrics.remove(key);
    }

    synchronized int size() {
        return metrics.size();
    }

    /** Metrics held that count against the limits (all but the overflow metrics). */
    synchronized int limited() {
        int n = 0;
        for (Entry e : metrics.values()) {
            if (!e.overflow) {
                n++;
            }
        }
        return n;
    }

    /** Runs {@code action} on the metric under the bucket's lock; the metric counts as updated at {@code nanos}. */
    synchronized void with(Entry e, long nanos, java.util.function.Consumer<Metric> action) {
        e.lastUpdate = nanos;
        action.accept(e.metric());
    }

    /**
     * Forgets the metrics no command touched for {@code timeoutNanos} (0: keeps them all); returns how many went,
     * overflow metrics not counted.
     */
    synchronized int expire(long nanos, long timeoutNanos) {
        if (timeoutNanos <= 0) {
            return 0;
        }
        int gone = 0;
        for (Iterator<Entry> it = metrics.values().iterator(); it.hasNext();) {
            Entry e = it.next();
            if (nanos - e.lastUpdate >= timeoutNanos) {
                it.remove();
                if (!e.overflow) {
                    gone++;
                }
            }
        }
        return gone;
    }

    /** Every metric's samples, stamped {@code millis}. */
    synchronized List<Sample> report(long millis, long nanos) {
        List<Sample> out = new ArrayList<>(metrics.size() * 4);
        for (Entry e : metrics.values()) {
            e.metric().report(e.base, e.tags, millis, nanos, out);
        }
        return out;
    }
}
