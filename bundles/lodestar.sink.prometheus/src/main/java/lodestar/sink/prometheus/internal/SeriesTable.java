package lodestar.sink.prometheus.internal;

import lodestar.support.prometheus.PrometheusNames;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Histogram;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.log.RateLimitedLog;

/**
 * The latest value of every series, for Prometheus to scrape: the sink's writes update it, scrapes read
 * it. A series nobody has written for {@code staleAfterMillis} is removed (so a host or a disk that is
 * gone stops being reported), and at most {@code maxSeries} are held: new series beyond that are
 * dropped and counted. One writer thread (the sink's runner), any number of concurrent readers.
 */
final class SeriesTable {

    private static final Logger LOG = LoggerFactory.getLogger(SeriesTable.class);

    /** Prometheus's metric types we expose. */
    enum Type {
        COUNTER, GAUGE, HISTOGRAM, SUMMARY
    }

    /** One series' latest point; {@code touched} is when it was written, on the table's clock. */
    record Point(double value, long timestamp, long touched, Histogram histogram) {
        Point(double value, long timestamp, long touched) {
            this(value, timestamp, touched, null);
        }
    }

    /** One metric family: its name as the samples carry it, its type, its series by rendered labels. */
    static final class Family {
        final String sampleName;
        final Type type;
        final ConcurrentSkipListMap<String, Point> series = new ConcurrentSkipListMap<>();

        Family(String sampleName, Type type) {
            this.sampleName = sampleName;
            this.type = type;
        }

        /** The family's name in OpenMetrics: a counter's without {@code _total}. */
        String familyName() {
            return type == Type.COUNTER && sampleName.endsWith("_total")
                    ? sampleName.substring(0, sampleName.length() - "_total".length()) : sampleName;
        }
    }

    private final long staleAfterMillis;
    private final int maxSeries;
    private final LongSupplier clock;
    private final ConcurrentSkipListMap<String, Family> families = new ConcurrentSkipListMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final LongAdder overLimit = new LongAdder();
    private final LongAdder retyped = new LongAdder();
    private final LongAdder stale = new LongAdder();
    private final RateLimitedLog overLimitLog = new RateLimitedLog(60_000, LOG::warn);
    private final RateLimitedLog retypedLog = new RateLimitedLog(60_000, LOG::warn);
    private volatile long nextSweep;

    SeriesTable(long staleAfterMillis, int maxSeries, LongSupplier clock) {
        this.staleAfterMillis = staleAfterMillis;
        this.maxSeries = maxSeries;
        this.clock = clock;
    }

    /** Prometheus's type for a Lodestar kind: COUNTER is a counter, everything else a gauge (see README). */
    static Type type(Kind kind) {
        return kind == Kind.COUNTER ? Type.COUNTER : Type.GAUGE;
    }

    /** A sample's type: its kind's, or HISTOGRAM / SUMMARY for a distribution (see README, "Histograms"). */
    static Type type(Sample s) {
        Histogram h = s.histogram();
        if (h == null) {
            return type(s.kind());
        }
        return h.layout() == Histogram.Layout.SUMMARY ? Type.SUMMARY : Type.HISTOGRAM;
    }

    /** The sample name Prometheus will see: sanitized, and a counter's ending in {@code _total}. */
    static String sampleName(String name, Type type) {
        return type == Type.HISTOGRAM || type == Type.SUMMARY ? PrometheusNames.metricName(name)
                : PrometheusNames.sampleName(name, type == Type.COUNTER);
    }

    /** The rendered label set, {@code {a="1",b="2"}} in key order, or "" without tags. */
    static String labels(Tags tags) {
        if (tags.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder(32).append('{');
        String last = null;
        for (int i = 0; i < tags.size(); i++) {
            String v = tags.value(i);
            if (v.isEmpty()) {
                continue; // Prometheus reads an empty label as an absent one
            }
            String k = PrometheusNames.labelName(tags.key(i));
            if (k.equals(last) || b.indexOf("," + k + "=\"") >= 0 || b.indexOf("{" + k + "=\"") >= 0) {
                continue; // two keys that sanitize alike: the first in key order wins
            }
            if (b.length() > 1) {
                b.append(',');
            }
            b.append(k).append("=\"");
            PrometheusNames.appendLabelValue(b, v);
            b.append('"');
            last = k;
        }
        return b.length() == 1 ? "" : b.append('}').toString();
    }

    void update(List<Sample> batch) {
        long now = clock.getAsLong();
        for (Sample s : batch) {
            Type type = type(s);
            String name = sampleName(s.name(), type);
            Family f = families.get(name);
            if (f == null || f.type != type) {
                if (f != null) {
                    // the same name as a counter and as a gauge: a family has one type, the latest wins
                    retyped.increment();
                    size.addAndGet(-f.series.size());
                    Family old = f;
                    retypedLog.log(() -> "Prometheus sink: " + name + " changes from " + old.type + " to " + type
                            + " (" + s + "); its " + old.series.size() + " series of the old type are dropped");
                }
                f = new Family(name, type);
                families.put(name, f);
            }
            String labels = labels(s.tags());
            Point p = new Point(s.value(), s.timestamp(), now, s.histogram());
            if (f.series.put(labels, p) == null && size.incrementAndGet() > maxSeries) {
                f.series.remove(labels, p);
                size.decrementAndGet();
                overLimit.increment();
                overLimitLog.log(() -> "Prometheus sink: holding " + maxSeries + " series (maxSeries), dropping new"
                        + " ones such as " + s + "; " + overLimit.sum() + " samples dropped so far");
            }
        }
        if (now >= nextSweep) {
            nextSweep = now + Math.max(1000, staleAfterMillis / 4);
            sweep(now, true);
        }
    }

    /**
     * Removes stale series, and empty families when called by the writer: a reader removing a family
     * could race with the writer adding a series to it.
     */
    private void sweep(long now, boolean families) {
        long oldest = now - staleAfterMillis;
        for (Iterator<Family> fi = this.families.values().iterator(); fi.hasNext();) {
            Family f = fi.next();
            for (Iterator<Map.Entry<String, Point>> si = f.series.entrySet().iterator(); si.hasNext();) {
                Map.Entry<String, Point> e = si.next();
                if (e.getValue().touched() < oldest && f.series.remove(e.getKey(), e.getValue())) {
                    size.decrementAndGet();
                    stale.increment();
                }
            }
            if (families && f.series.isEmpty()) {
                this.families.remove(f.sampleName, f);
            }
        }
    }

    /** The families in name order (some may be empty), after removing stale series; for rendering. */
    Iterable<Family> families() {
        sweep(clock.getAsLong(), false);
        return families.values();
    }

    int size() {
        return size.get();
    }

    long droppedOverLimit() {
        return overLimit.sum();
    }

    long removedStale() {
        return stale.sum();
    }

    long retypedFamilies() {
        return retyped.sum();
    }
}
