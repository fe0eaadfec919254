package lodestar.listener.metricsd.internal;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.listener.metricsd.Action;

/**
 * All metrics, in one {@link Bucket} per flush interval, with a bound on how many there are so a sender
 * inventing names cannot exhaust memory.
 */
final class Registry {

    private final Routes routes;
    private final Bucket[] buckets;
    private final HostNaming naming;
    private final int maxMetrics;
    private final AtomicInteger size = new AtomicInteger();
    final LongAdder kindConflicts = new LongAdder();
    final LongAdder refused = new LongAdder();

    Registry(Routes routes, HostNaming naming, int maxMetrics) {
        this.routes = routes;
        this.naming = naming;
        this.maxMetrics = maxMetrics;
        this.buckets = new Bucket[routes.size()];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new Bucket(routes.intervalMillis(i));
        }
    }

    Bucket[] buckets() {
        return buckets;
    }

    int size() {
        return size.get();
    }

    /**
     * Applies one command from {@code host}. Called from the receiver thread only, so the lookup and the
     * insert of a new metric cannot race with each other.
     */
    void apply(String host, Command c, long nanos) {
        String base = naming.prefix(host) + c.name();
        Tags tags = naming.tags(host);
        String key = Sample.seriesKey(base, tags);
        Bucket b = buckets[routes.route(base)];
        Bucket.Entry e = b.get(key);
        if (c.action() == Action.DELETE) {
            if (b.remove(key)) {
                size.decrementAndGet();
            }
            return;
        }
        if (e != null && e.metric().kind() != c.kind()) {
            // Bucky would feed the value to whatever metric has the name; mixing kinds is a sender bug
            kindConflicts.increment();
            return;
        }
        if (c.action() == Action.CLEAR) {
            if (e != null) {
                b.with(e, m -> m.clear(nanos));
            }
            return;
        }
        if (e == null) {
            if (size.get() >= maxMetrics) {
                refused.increment();
                return;
            }
            e = new Bucket.Entry(base, tags, Metric.create(c.kind(), nanos));
            b.put(key, e);
            size.incrementAndGet();
        }
        b.with(e, m -> m.update(c.value(), nanos));
    }

    List<Sample> report(int bucket, long millis, long nanos) {
        return buckets[bucket].report(millis, nanos);
    }
}
