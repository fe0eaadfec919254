package lodestar.listener.metricsd.internal;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.listener.metricsd.Action;
import lodestar.listener.metricsd.MetricKind;
import lodestar.support.cardinality.CardinalityGuard;

/**
 * All metrics, in one {@link Bucket} per flush interval, behind the listener's {@link CardinalityGuard}: a command
 * that would create a metric asks it first, so a sender inventing names cannot exhaust memory; a refused metric's
 * value is dropped, or folded into the overflow metric of its kind ({@code metricsd.overflow.<kind>}). Metrics no
 * command touched for {@code seriesTimeout} are forgotten at their bucket's flush, so a table filled with junk
 * recovers and the junk stops being reported.
 */
final class Registry {

    /** Base name of the overflow metrics, one per kind: {@code metricsd.overflow.counter} ... */
    static final String OVERFLOW = "metricsd.overflow";

    private final Routes routes;
    private final Bucket[] buckets;
    private final HostNaming naming;
    private final CardinalityGuard guard;
    private volatile long timeoutNanos;
    final LongAdder kindConflicts = new LongAdder();

    /** @param seriesTimeoutMillis idle metrics are forgotten after this long; 0 never */
    Registry(Routes routes, HostNaming naming, CardinalityGuard guard, long seriesTimeoutMillis) {
        this.routes = routes;
        this.naming = naming;
        this.guard = guard;
        this.timeoutNanos = seriesTimeoutMillis * 1_000_000L;
        this.buckets = new Bucket[routes.size()];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new Bucket(routes.intervalMillis(i));
        }
    }

    /** A new {@code seriesTimeout}, from the next flush on. */
    void seriesTimeout(long millis) {
        timeoutNanos = millis * 1_000_000L;
    }

    Bucket[] buckets() {
        return buckets;
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
            Bucket.Entry gone = b.remove(key);
            if (gone != null && !gone.overflow) {
                guard.removed(1);
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
                b.with(e, nanos, m -> m.clear(nanos));
            }
            return;
        }
        if (e == null) {
            switch (guard.admit(base)) {
                case DROP -> {
                    return;
                }
                case FOLD -> e = overflow(c.kind(), nanos);
                default -> {
                    e = new Bucket.Entry(base, tags, Metric.create(c.kind(), nanos), false, nanos);
                    b.put(key, e);
                }
            }
        }
        b.with(e, nanos, m -> m.update(c.value(), nanos));
    }

    /** The overflow metric of {@code kind}, made when the first value is folded into it (and after it aged out). */
    private Bucket.Entry overflow(MetricKind kind, long nanos) {
        String base = OVERFLOW + "." + kind.name().toLowerCase(Locale.ROOT);
        Bucket b = buckets[routes.route(base)];
        Bucket.Entry e = b.get(base);
        if (e == null) {
            e = new Bucket.Entry(base, Tags.EMPTY, Metric.create(kind, nanos), true, nanos);
            b.put(base, e);
        }
        return e;
    }

    /** Forgets the bucket's idle metrics, then reports the others. */
    List<Sample> report(int bucket, long millis, long nanos) {
        guard.expired(buckets[bucket].expire(nanos, timeoutNanos));
        guard.tick();
        return buckets[bucket].report(millis, nanos);
    }

    /** Every metric this registry holds leaves with it (a configuration that needs a new registry). */
    void discard() {
        int n = 0;
        for (Bucket b : buckets) {
            n += b.limited();
        }
        guard.removed(n);
    }
}
