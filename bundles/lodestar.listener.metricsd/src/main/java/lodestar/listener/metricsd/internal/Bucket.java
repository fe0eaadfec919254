package lodestar.listener.metricsd.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import lodestar.api.Sample;
import lodestar.api.Tags;

/**
 * The metrics of one flush interval (one of Bucky's handlers). The receiver thread updates it and the
 * flush thread reports it; one lock serializes both, held only for in-memory work.
 */
final class Bucket {

    /** A metric with the name and tags it reports under. */
    record Entry(String base, Tags tags, Metric metric) {
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

    synchronized boolean remove(String key) {
        return metrics.remove(key) != null;
    }

    synchronized int size() {
        return metrics.size();
    }

    /** Runs {@code action} on the metric under the bucket's lock. */
    synchronized void with(Entry e, java.util.function.Consumer<Metric> action) {
        action.accept(e.metric());
    }

    /** Every metric's samples, stamped {@code millis}. */
    synchronized List<Sample> report(long millis, long nanos) {
        List<Sample> out = new ArrayList<>(metrics.size() * 4);
        for (Entry e : metrics.values()) {
            e.metric().report(e.base(), e.tags(), millis, nanos, out);
        }
        return out;
    }
}
