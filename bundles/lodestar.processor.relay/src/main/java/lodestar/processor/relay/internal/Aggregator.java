package lodestar.processor.relay.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import lodestar.processor.relay.internal.Rules.Aggregate;
import lodestar.processor.relay.internal.Rules.Output;

/**
 * The state of carbon-c-relay style aggregations: per output series, buckets of {@code every} seconds aligned to
 * the epoch, by the samples' own timestamps. A bucket is final {@code expire} seconds after it ends; then every
 * output is computed and the bucket forgotten. Samples for a bucket already final (too late) or more than
 * {@code expire} seconds ahead of the clock are counted and dropped, and so are new series beyond
 * {@code maxSeries}: memory stays bounded whatever the senders do. Thread-safe.
 */
final class Aggregator {

    /** At most this many values kept per bucket for median and percentiles; beyond, a uniform sample of them. */
    static final int MAX_VALUES_PER_BUCKET = 10_000;

    /** One output series: its rule, the output, and its open buckets by start second. */
    private static final class Series {
        final Aggregate rule;
        final Output output;
        final String name;
        final TreeMap<Long, Bucket> buckets = new TreeMap<>();
        /** removed from the map by expire(): an adder holding it must look again */
        boolean dead;

        Series(Aggregate rule, Output output, String name) {
            this.rule = rule;
            this.output = output;
            this.name = name;
        }
    }

    private static final class Bucket {
        long count;
        double sum;
        double sumSquares;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double[] values; // only when a median or percentile is computed
        int kept;
        long seed = 0x9E3779B97F4A7C15L;

        void add(double v, boolean keepValues) {
            count++;
            sum += v;
            sumSquares += v * v;
            min = Math.min(min, v);
            max = Math.max(max, v);
            if (!keepValues) {
                return;
            }
            if (values == null) {
                values = new double[16];
            }
            if (kept < MAX_VALUES_PER_BUCKET) {
                if (kept == values.length) {
                    values = Arrays.copyOf(values, Math.min(values.length * 2, MAX_VALUES_PER_BUCKET));
                }
                values[kept++] = v;
            } else {
                // reservoir sampling keeps a uniform sample once the bucket is full
                seed ^= seed << 13;
                seed ^= seed >>> 7;
                seed ^= seed << 17;
                long r = Math.floorMod(seed, count);
                if (r < MAX_VALUES_PER_BUCKET) {
                    values[(int) r] = v;
                }
            }
        }
    }

    /** A computed aggregate, ready to be emitted. */
    record Result(Aggregate rule, String name, double value, long timestampMillis) {
    }

    private final int maxSeries;
    private final Map<String, Series> series = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    final LongAdder late = new LongAdder();
    final LongAdder early = new LongAdder();
    final LongAdder overLimit = new LongAdder();
    final LongAdder aggregated = new LongAdder();

    Aggregator(int maxSeries) {
        this.maxSeries = maxSeries;
    }

    int seriesCount() {
        return count.get();
    }

    /**
     * Adds a sample's value to every output of {@code rule}, named by expanding the output's template with the match.
     *
     * @return false if it was dropped (too late, too early, or no room for a new series)
     */
    boolean add(Aggregate rule, java.util.regex.Matcher m, double value, long timestampMillis, long nowMillis) {
        if (!Double.isFinite(value)) {
            return false;
        }
        long second = Math.floorDiv(timestampMillis, 1000);
        long start = second - Math.floorMod(second, rule.every());
        long now = Math.floorDiv(nowMillis, 1000);
        if (start + rule.every() + rule.expire() <= now) {
            late.increment();
            return false;
        }
        if (second > now + rule.expire()) {
            early.increment();
            return false;
        }
        boolean keep = rule.needsValues();
        boolean added = false;
        for (int i = 0; i < rule.outputs().size(); i++) {
            Output o = rule.outputs().get(i);
            String name = Rules.expand(o.template(), m);
            String key = rule.index() + "\u0000" + i + "\u0000" + name;
            while (true) {
                Series s = series.get(key);
                if (s == null) {
                    if (count.incrementAndGet() > maxSeries) {
                        count.decrementAndGet();
                        overLimit.increment();
                        break;
                    }
                    Series fresh = new Series(rule, o, name);
                    s = series.putIfAbsent(key, fresh);
                    if (s == null) {
                        s = fresh;
                    } else {
                        count.decrementAndGet();
                    }
                }
                synchronized (s) {
                    if (s.dead) {
                        continue; // expire() just took it out of the map: start a new one
                    }
                    s.buckets.computeIfAbsent(start, k -> new Bucket()).add(value, keep);
                }
                added = true;
                break;
            }
        }
        if (added) {
            aggregated.increment();
        }
        return added;
    }

    /** Computes and forgets every bucket final at {@code nowMillis}; series left without buckets go too. */
    List<Result> expire(long nowMillis) {
        long now = Math.floorDiv(nowMillis, 1000);
        List<Result> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, Series>> it = series.entrySet().iterator(); it.hasNext(); ) {
            Series s = it.next().getValue();
            synchronized (s) {
                for (Iterator<Map.Entry<Long, Bucket>> b = s.buckets.entrySet().iterator(); b.hasNext(); ) {
                    Map.Entry<Long, Bucket> e = b.next();
                    long start = e.getKey();
                    if (start + s.rule.every() + s.rule.expire() > now) {
                        break; // sorted: the later ones are open too
                    }
                    b.remove();
                    long ts = switch (s.rule.stamp()) {
                        case START -> start;
                        case MIDDLE -> start + s.rule.every() / 2;
                        case END -> start + s.rule.every();
                    };
                    out.add(new Result(s.rule, s.name, compute(s.output, e.getValue()), ts * 1000));
                }
                if (s.buckets.isEmpty()) {
                    s.dead = true;
                    it.remove();
                    count.decrementAndGet();
                }
            }
        }
        return out;
    }

    static double compute(Output o, Bucket b) {
        return switch (o.compute()) {
            case SUM -> b.sum;
            case COUNT -> b.count;
            case MAX -> b.max;
            case MIN -> b.min;
            case AVERAGE -> b.sum / b.count;
            case MEDIAN -> percentile(b, 50);
            case PERCENTILE -> percentile(b, o.percentile());
            case VARIANCE -> variance(b);
            case STDDEV -> Math.sqrt(variance(b));
        };
    }

    private static double variance(Bucket b) {
        double mean = b.sum / b.count;
        return Math.max(0, b.sumSquares / b.count - mean * mean); // population variance, as carbon-c-relay
    }

    /** The nearest-rank percentile of the kept values, with carbon-c-relay's rank: (int) (pct / 100 * n + 0.9). */
    private static double percentile(Bucket b, double pct) {
        double[] v = Arrays.copyOf(b.values, b.kept);
        Arrays.sort(v);
        int rank = (int) (pct / 100.0 * v.length + 0.9);
        return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
    }
}
