package lodestar.listener.metricsd.internal;

import java.util.List;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.listener.metricsd.MetricKind;

/**
 * The state of one metric between flushes, with Coda Hale's semantics. Not thread-safe: its
 * {@link Bucket} serializes access. Times are {@link System#nanoTime()} values, passed in for tests.
 */
abstract class Metric {

    abstract MetricKind kind();

    abstract void update(double value, long nanos);

    abstract void clear(long nanos);

    /** Appends this metric's samples, named {@code <base>} or {@code <base>.<stat>}. */
    abstract void report(String base, Tags tags, long millis, long nanos, List<Sample> out);

    static void add(List<Sample> out, String base, String stat, Tags tags, double value, long millis, Kind kind) {
        out.add(new Sample(stat == null ? base : base + "." + stat, tags, value, millis, kind));
    }

    static Metric create(MetricKind kind, long nanos) {
        return switch (kind) {
            case COUNTER -> new Counter();
            case GAUGE -> new Gauge();
            case HISTOGRAM -> new Histogram(nanos);
            case METER -> new Meter(nanos);
            case TIMER -> new Timer(nanos);
        };
    }

    /**
     * A running total; updates add (negative ones subtract, as Coda Hale's dec()). Reported as a gauge
     * because it can go down, the way Coda Hale's exporters report counters.
     */
    static final class Counter extends Metric {
        private double count;

        @Override
        MetricKind kind() {
            return MetricKind.COUNTER;
        }

        @Override
        void update(double value, long nanos) {
            count += value;
        }

        @Override
        void clear(long nanos) {
            count = 0;
        }

        @Override
        void report(String base, Tags tags, long millis, long nanos, List<Sample> out) {
            add(out, base, null, tags, count, millis, Kind.GAUGE);
        }
    }

    /** The last value set; clear leaves it, as in Bucky (a gauge has no state to reset). */
    static final class Gauge extends Metric {
        private double value;

        @Override
        MetricKind kind() {
            return MetricKind.GAUGE;
        }

        @Override
        void update(double v, long nanos) {
            value = v;
        }

        @Override
        void clear(long nanos) {
            // nothing to reset
        }

        @Override
        void report(String base, Tags tags, long millis, long nanos, List<Sample> out) {
            add(out, base, null, tags, value, millis, Kind.GAUGE);
        }
    }

    /** Count, sum, min, max, mean, stddev exactly; quantiles over an exponentially decaying reservoir. */
    static final class Histogram extends Metric {
        private static final double[] QUANTILES = {0.5, 0.75, 0.95, 0.98, 0.99, 0.999};
        private static final String[] NAMES = {"median", "p75", "p95", "p98", "p99", "p999"};

        private final DecayingReservoir reservoir;
        private long count;
        private double sum;
        private double min;
        private double max;
        private double mean;
        private double m2;

        Histogram(long nanos) {
            reservoir = new DecayingReservoir(nanos);
        }

        @Override
        MetricKind kind() {
            return MetricKind.HISTOGRAM;
        }

        @Override
        void update(double v, long nanos) {
            count++;
            sum += v;
            if (count == 1 || v < min) {
                min = v;
            }
            if (count == 1 || v > max) {
                max = v;
            }
            // Welford: a stable running variance without keeping the values
            double delta = v - mean;
            mean += delta / count;
            m2 += delta * (v - mean);
            reservoir.update(v, nanos);
        }

        @Override
        void clear(long nanos) {
            count = 0;
            sum = 0;
            mean = 0;
            m2 = 0;
            reservoir.clear(nanos);
        }

        long count() {
            return count;
        }

        @Override
        void report(String base, Tags tags, long millis, long nanos, List<Sample> out) {
            add(out, base, "count", tags, count, millis, Kind.COUNTER);
            if (count == 0) {
                // no min, max or quantiles of nothing; count 0 says the metric is alive
                return;
            }
            add(out, base, "sum", tags, sum, millis, Kind.GAUGE);
            add(out, base, "min", tags, min, millis, Kind.GAUGE);
            add(out, base, "max", tags, max, millis, Kind.GAUGE);
            add(out, base, "mean", tags, mean, millis, Kind.GAUGE);
            add(out, base, "stddev", tags, count > 1 ? Math.sqrt(m2 / (count - 1)) : 0, millis, Kind.GAUGE);
            double[] values = reservoir.sortedValues();
            for (int i = 0; i < QUANTILES.length; i++) {
                add(out, base, NAMES[i], tags, quantile(values, QUANTILES[i]), millis, Kind.GAUGE);
            }
        }

        /** Coda Hale's (and Bucky's) interpolation between the two values around position q(n+1). */
        static double quantile(double[] v, double q) {
            double pos = q * (v.length + 1);
            if (pos < 1) {
                return v[0];
            }
            if (pos >= v.length) {
                return v[v.length - 1];
            }
            double lower = v[(int) pos - 1];
            double upper = v[(int) pos];
            return lower + (pos - Math.floor(pos)) * (upper - lower);
        }
    }

    /** Events: a total and Coda Hale's mean and 1/5/15-minute exponentially weighted rates, per second. */
    static final class Meter extends Metric {
        private static final long TICK = 5_000_000_000L;

        private final Ewma m1 = new Ewma(1);
        private final Ewma m5 = new Ewma(5);
        private final Ewma m15 = new Ewma(15);
        private long count;
        private long start;
        private long lastTick;

        Meter(long nanos) {
            start = nanos;
            lastTick = nanos;
        }

        @Override
        MetricKind kind() {
            return MetricKind.METER;
        }

        @Override
        void update(double events, long nanos) {
            tickIfNecessary(nanos);
            long n = Math.round(events);
            count += n;
            m1.update(n);
            m5.update(n);
            m15.update(n);
        }

        @Override
        void clear(long nanos) {
            count = 0;
            start = nanos;
            lastTick = nanos;
            m1.reset();
            m5.reset();
            m15.reset();
        }

        /** The rates move in whole 5 s ticks, as Coda Hale's, whatever the flush interval. */
        private void tickIfNecessary(long nanos) {
            long age = nanos - lastTick;
            if (age >= TICK) {
                lastTick = nanos - age % TICK;
                for (long i = age / TICK; i > 0; i--) {
                    m1.tick();
                    m5.tick();
                    m15.tick();
                }
            }
        }

        @Override
        void report(String base, Tags tags, long millis, long nanos, List<Sample> out) {
            reportRates(base, tags, millis, nanos, out, true);
        }

        void reportRates(String base, Tags tags, long millis, long nanos, List<Sample> out, boolean withCount) {
            tickIfNecessary(nanos);
            if (withCount) {
                add(out, base, "count", tags, count, millis, Kind.COUNTER);
            }
            double elapsed = (nanos - start) / 1e9;
            add(out, base, "mean_rate", tags, count == 0 || elapsed <= 0 ? 0 : count / elapsed, millis, Kind.RATE);
            add(out, base, "m1_rate", tags, m1.rate(), millis, Kind.RATE);
            add(out, base, "m5_rate", tags, m5.rate(), millis, Kind.RATE);
            add(out, base, "m15_rate", tags, m15.rate(), millis, Kind.RATE);
        }
    }

    /** Durations: Coda Hale's timer, a histogram of the values and a meter marking each call. */
    static final class Timer extends Metric {
        private final Histogram histogram;
        private final Meter meter;

        Timer(long nanos) {
            histogram = new Histogram(nanos);
            meter = new Meter(nanos);
        }

        @Override
        MetricKind kind() {
            return MetricKind.TIMER;
        }

        @Override
        void update(double duration, long nanos) {
            histogram.update(duration, nanos);
            meter.update(1, nanos);
        }

        @Override
        void clear(long nanos) {
            histogram.clear(nanos);
            meter.clear(nanos);
        }

        @Override
        void report(String base, Tags tags, long millis, long nanos, List<Sample> out) {
            // one count: the histogram's count and the meter's are the same number of calls
            histogram.report(base, tags, millis, nanos, out);
            meter.reportRates(base, tags, millis, nanos, out, false);
        }
    }
}
