package lodestar.core.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import lodestar.api.Histogram;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Sink;
import lodestar.api.Tags;

/**
 * Turns {@link Kind#HISTOGRAM} samples into plain ones for the sinks that cannot store a distribution (every sink
 * without {@link Sink#NATIVE_HISTOGRAMS}): Graphite, InfluxDB, the store, ... The rules are the table in
 * {@code docs/HISTOGRAMS.md}; in short, for a histogram named {@code n}:
 * <ul>
 * <li>{@code n.count} and {@code n.sum}: {@link Kind#COUNTER} when cumulative, {@link Kind#DELTA} when delta;</li>
 * <li>{@code n.min}, {@code n.max}: gauges, when the sender reported them;</li>
 * <li>explicit buckets: {@code n.bucket} with tag {@code le} per upper bound and {@code le=+Inf}, cumulative
 * counts as Prometheus writes them (so {@code le=+Inf} equals {@code n.count});</li>
 * <li>exponential buckets: no bucket series (their bounds move with the sender's scale, so they would make series
 * without end) but estimated quantiles {@code n.p50}, {@code n.p90}, {@code n.p99};</li>
 * <li>summaries: the sender's quantiles as {@code n.p50}, {@code n.p99}, {@code n.p99_9}, ...</li>
 * </ul>
 */
final class HistogramFlattener {

    /** The quantiles estimated from exponential buckets. */
    static final double[] EXPONENTIAL_QUANTILES = { 0.5, 0.9, 0.99 };

    private HistogramFlattener() {
    }

    /** Whether any sample of the batch is a histogram (the common case: none, and nothing is copied). */
    static boolean hasHistograms(List<Sample> samples) {
        for (int i = 0, n = samples.size(); i < n; i++) {
            if (samples.get(i).kind() == Kind.HISTOGRAM) {
                return true;
            }
        }
        return false;
    }

    /** The batch with every histogram replaced by its plain samples, in place, the others untouched. */
    static List<Sample> flatten(List<Sample> samples) {
        List<Sample> out = new ArrayList<>(samples.size() + 16);
        for (Sample s : samples) {
            if (s.kind() == Kind.HISTOGRAM) {
                flatten(s, out);
            } else {
                out.add(s);
            }
        }
        return out;
    }

    /** How many plain samples {@code s} becomes, for admission checks. */
    static int flattenedSize(Sample s) {
        Histogram h = s.histogram();
        if (h == null) {
            return 1;
        }
        int n = 4;
        return switch (h.layout()) {
        case EXPLICIT -> n + h.boundCount() + 1;
        case EXPONENTIAL -> n + EXPONENTIAL_QUANTILES.length;
        case SUMMARY -> n + h.quantiles().length;
        };
    }

    static void flatten(Sample s, List<Sample> out) {
        Histogram h = s.histogram();
        String n = s.name();
        Tags tags = s.tags();
        long ts = s.timestamp();
        Kind total = h.temporality() == Histogram.Temporality.DELTA ? Kind.DELTA : Kind.COUNTER;
        out.add(Sample.of(n + ".count", tags, h.count(), ts, total));
        if (!Double.isNaN(h.sum())) {
            out.add(Sample.of(n + ".sum", tags, h.sum(), ts, total));
        }
        if (!Double.isNaN(h.min())) {
            out.add(Sample.of(n + ".min", tags, h.min(), ts, Kind.GAUGE));
        }
        if (!Double.isNaN(h.max())) {
            out.add(Sample.of(n + ".max", tags, h.max(), ts, Kind.GAUGE));
        }
        switch (h.layout()) {
        case EXPLICIT -> {
            long cumulative = 0;
            for (int i = 0; i < h.boundCount(); i++) {
                cumulative += h.bucketCount(i);
                out.add(Sample.of(n + ".bucket", tags.with("le", formatBound(h.bound(i))), cumulative, ts, total));
            }
            out.add(Sample.of(n + ".bucket", tags.with("le", "+Inf"), h.count(), ts, total));
        }
        case EXPONENTIAL -> {
            if (h.count() > 0) {
                for (double q : EXPONENTIAL_QUANTILES) {
                    out.add(Sample.of(n + "." + quantileName(q), tags, ExponentialQuantile.estimate(h, q), ts, Kind.GAUGE));
                }
            }
        }
        case SUMMARY -> {
            double[] q = h.quantiles();
            double[] v = h.quantileValues();
            for (int i = 0; i < q.length; i++) {
                out.add(Sample.of(n + "." + quantileName(q[i]), tags, v[i], ts, Kind.GAUGE));
            }
        }
        }
    }

    /** {@code 0.5 -> p50}, {@code 0.999 -> p99_9}, {@code 1 -> p100}: a Graphite-safe node. */
    static String quantileName(double q) {
        String pct = BigDecimal.valueOf(q).movePointRight(2).stripTrailingZeros().toPlainString();
        return "p" + pct.replace('.', '_');
    }

    /** Upper bounds as Prometheus clients write them: {@code 0.005}, {@code 1}, {@code 2.5}, never {@code 1.0E-5}. */
    static String formatBound(double b) {
        return BigDecimal.valueOf(b).stripTrailingZeros().toPlainString();
    }
}
