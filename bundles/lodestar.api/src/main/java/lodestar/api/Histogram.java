package lodestar.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * A distribution of observations carried whole from a listener to the sinks that can store it (OTLP,
 * Prometheus remote write, the Prometheus endpoint), instead of as separate numbers. It is the payload of a
 * {@link Sample} of {@link Kind#HISTOGRAM kind HISTOGRAM}; the core turns it into plain samples (count, sum,
 * buckets or quantiles: see {@code docs/HISTOGRAMS.md}) for every sink that does not declare
 * {@link Sink#NATIVE_HISTOGRAMS}, so most sinks never see one.
 *
 * <p>Three layouts, as the protocols that carry distributions define them:
 * <ul>
 * <li>{@link Layout#EXPLICIT explicit buckets} (OTLP Histogram, Prometheus classic histogram): ascending upper
 * bounds {@code b[0] < ... < b[n-1]} and {@code n + 1} per-bucket counts (not cumulative), bucket {@code i}
 * holding the observations in {@code (b[i-1], b[i]]} and the last one those above {@code b[n-1]};</li>
 * <li>{@link Layout#EXPONENTIAL exponential buckets} (OTLP ExponentialHistogram, Prometheus native
 * histogram): base {@code 2^(2^-scale)}, bucket index {@code i} covering {@code (base^i, base^(i+1)]} for
 * positive values, mirrored for negative ones, dense count arrays starting at an offset, plus a zero bucket
 * of width {@code zeroThreshold};</li>
 * <li>{@link Layout#SUMMARY quantiles} (OTLP Summary, Prometheus summary): pre-computed quantiles in
 * {@code [0, 1]} with their values, always cumulative.</li>
 * </ul>
 *
 * <p>Immutable: the arrays are copied in and out. {@code sum}, {@code min} and {@code max} are NaN when the
 * sender did not report them.
 */
public final class Histogram {

    /** Which of the three layouts a histogram has. */
    public enum Layout {
        EXPLICIT, EXPONENTIAL, SUMMARY
    }

    /** Whether counts are totals since a start time or only the observations of one interval. */
    public enum Temporality {
        /** Totals since {@link Histogram#startTime()} (Prometheus, OTLP cumulative). */
        CUMULATIVE,
        /** Only what was observed since the previous report (OTLP delta, StatsD-like). */
        DELTA
    }

    private static final double[] NO_DOUBLES = new double[0];
    private static final long[] NO_LONGS = new long[0];

    private final Layout layout;
    private final Temporality temporality;
    private final long startTime;
    private final long count;
    private final double sum;
    private final double min;
    private final double max;
    private final double[] bounds;
    private final long[] counts;
    private final int scale;
    private final double zeroThreshold;
    private final long zeroCount;
    private final int positiveOffset;
    private final long[] positive;
    private final int negativeOffset;
    private final long[] negative;
    private final double[] quantiles;
    private final double[] quantileValues;

    private Histogram(Layout layout, Temporality temporality, long startTime, long count, double sum, double min, double max,
            double[] bounds, long[] counts, int scale, double zeroThreshold, long zeroCount, int positiveOffset, long[] positive,
            int negativeOffset, long[] negative, double[] quantiles, double[] quantileValues) {
        if (count < 0) {
            throw new IllegalArgumentException("negative count " + count);
        }
        this.layout = layout;
        this.temporality = temporality == null ? Temporality.CUMULATIVE : temporality;
        this.startTime = startTime;
        this.count = count;
        this.sum = sum;
        this.min = min;
        this.max = max;
        this.bounds = bounds;
        this.counts = counts;
        this.scale = scale;
        this.zeroThreshold = zeroThreshold;
        this.zeroCount = zeroCount;
        this.positiveOffset = positiveOffset;
        this.positive = positive;
        this.negativeOffset = negativeOffset;
        this.negative = negative;
        this.quantiles = quantiles;
        this.quantileValues = quantileValues;
    }

    /**
     * A histogram with explicit buckets.
     *
     * @param startTime when cumulative counting started, ms since the epoch; 0 when unknown
     * @param bounds ascending, finite upper bounds (may be empty: then one bucket holds everything)
     * @param counts {@code bounds.length + 1} per-bucket counts, each at least 0, summing to {@code count}
     * @throws IllegalArgumentException when the arrays do not fit together as described
     */
    public static Histogram explicit(Temporality temporality, long startTime, long count, double sum, double min, double max,
            double[] bounds, long[] counts) {
        Objects.requireNonNull(bounds, "bounds");
        Objects.requireNonNull(counts, "counts");
        if (counts.length != bounds.length + 1) {
            throw new IllegalArgumentException(counts.length + " bucket counts for " + bounds.length + " bounds (need bounds + 1)");
        }
        for (int i = 0; i < bounds.length; i++) {
            if (!Double.isFinite(bounds[i]) || (i > 0 && !(bounds[i] > bounds[i - 1]))) {
                throw new IllegalArgumentException("bucket bounds must be finite and ascending: " + Arrays.toString(bounds));
            }
        }
        requireCounts(counts, count, 0, "bucket");
        return new Histogram(Layout.EXPLICIT, temporality, startTime, count, sum, min, max, bounds.clone(), counts.clone(), 0, 0, 0,
                0, NO_LONGS, 0, NO_LONGS, NO_DOUBLES, NO_DOUBLES);
    }

    /**
     * An exponential histogram.
     *
     * @param scale resolution, -10 to 20 as OTLP allows (Prometheus native histograms use -4 to 8)
     * @param zeroThreshold width of the zero bucket, at least 0
     * @throws IllegalArgumentException when the scale is out of range or the counts do not add up to {@code count}
     */
    public static Histogram exponential(Temporality temporality, long startTime, long count, double sum, double min, double max,
            int scale, double zeroThreshold, long zeroCount, int positiveOffset, long[] positive, int negativeOffset,
            long[] negative) {
        if (scale < -10 || scale > 20) {
            throw new IllegalArgumentException("exponential scale " + scale + " outside -10..20");
        }
        if (!(zeroThreshold >= 0) || Double.isInfinite(zeroThreshold)) {
            throw new IllegalArgumentException("zero threshold " + zeroThreshold + " must be finite and >= 0");
        }
        long[] pos = positive == null ? NO_LONGS : positive.clone();
        long[] neg = negative == null ? NO_LONGS : negative.clone();
        if (zeroCount < 0) {
            throw new IllegalArgumentException("negative zero count " + zeroCount);
        }
        long total = Math.addExact(zeroCount, Math.addExact(total(pos, "positive"), total(neg, "negative")));
        if (total != count) {
            throw new IllegalArgumentException("bucket counts add up to " + total + ", count is " + count);
        }
        return new Histogram(Layout.EXPONENTIAL, temporality, startTime, count, sum, min, max, NO_DOUBLES, NO_LONGS, scale,
                zeroThreshold, zeroCount, positiveOffset, pos, negativeOffset, neg, NO_DOUBLES, NO_DOUBLES);
    }

    /**
     * A summary: pre-computed quantiles, cumulative by nature.
     *
     * @param quantiles ascending, each in [0, 1]
     * @param values one value per quantile
     */
    public static Histogram summary(long startTime, long count, double sum, double[] quantiles, double[] values) {
        Objects.requireNonNull(quantiles, "quantiles");
        Objects.requireNonNull(values, "values");
        if (quantiles.length != values.length) {
            throw new IllegalArgumentException(quantiles.length + " quantiles with " + values.length + " values");
        }
        for (int i = 0; i < quantiles.length; i++) {
            if (!(quantiles[i] >= 0 && quantiles[i] <= 1) || (i > 0 && !(quantiles[i] > quantiles[i - 1]))) {
                throw new IllegalArgumentException("quantiles must be ascending within [0, 1]: " + Arrays.toString(quantiles));
            }
        }
        return new Histogram(Layout.SUMMARY, Temporality.CUMULATIVE, startTime, count, sum, Double.NaN, Double.NaN, NO_DOUBLES,
                NO_LONGS, 0, 0, 0, 0, NO_LONGS, 0, NO_LONGS, quantiles.clone(), values.clone());
    }

    private static void requireCounts(long[] counts, long count, long extra, String what) {
        long total = Math.addExact(total(counts, what), extra);
        if (total != count) {
            throw new IllegalArgumentException(what + " counts add up to " + total + ", count is " + count);
        }
    }

    private static long total(long[] counts, String what) {
        long total = 0;
        for (long c : counts) {
            if (c < 0) {
                throw new IllegalArgumentException("negative " + what + " count " + c);
            }
            total = Math.addExact(total, c);
        }
        return total;
    }

    public Layout layout() {
        return layout;
    }

    public Temporality temporality() {
        return temporality;
    }

    /** When cumulative counting started (ms since the epoch), 0 when unknown. */
    public long startTime() {
        return startTime;
    }

    /** Number of observations. */
    public long count() {
        return count;
    }

    /** Sum of the observations; NaN when not reported. */
    public double sum() {
        return sum;
    }

    /** Smallest observation; NaN when not reported. */
    public double min() {
        return min;
    }

    /** Largest observation; NaN when not reported. */
    public double max() {
        return max;
    }

    /** Explicit layout: the upper bounds (a copy). */
    public double[] bounds() {
        return bounds.clone();
    }

    /** Explicit layout: the per-bucket counts, {@code bounds().length + 1} of them (a copy). */
    public long[] bucketCounts() {
        return counts.clone();
    }

    /** Explicit layout: number of bounds, without copying. */
    public int boundCount() {
        return bounds.length;
    }

    /** Explicit layout: upper bound {@code i}, without copying. */
    public double bound(int i) {
        return bounds[i];
    }

    /** Explicit layout: count of bucket {@code i} (0 to {@link #boundCount()}), without copying. */
    public long bucketCount(int i) {
        return counts[i];
    }

    /** Exponential layout: the resolution; bucket base is {@code 2^(2^-scale)}. */
    public int scale() {
        return scale;
    }

    public double zeroThreshold() {
        return zeroThreshold;
    }

    public long zeroCount() {
        return zeroCount;
    }

    /** Exponential layout: index of the first positive bucket. */
    public int positiveOffset() {
        return positiveOffset;
    }

    /** Exponential layout: positive bucket counts from {@link #positiveOffset()} (a copy). */
    public long[] positiveCounts() {
        return positive.clone();
    }

    /** Exponential layout: index of the first negative bucket (by absolute value). */
    public int negativeOffset() {
        return negativeOffset;
    }

    /** Exponential layout: negative bucket counts from {@link #negativeOffset()} (a copy). */
    public long[] negativeCounts() {
        return negative.clone();
    }

    /** Summary layout: the quantiles, in [0, 1] (a copy). */
    public double[] quantiles() {
        return quantiles.clone();
    }

    /** Summary layout: the value at each quantile (a copy). */
    public double[] quantileValues() {
        return quantileValues.clone();
    }

    /**
     * Exponential layout: the upper bound of bucket {@code index}, {@code base^(index+1)}; the lower bound of
     * bucket {@code index} is {@code upperBound(scale, index - 1)}.
     */
    public static double upperBound(int scale, int index) {
        // 2^((index+1) * 2^-scale), computed in a way that stays exact for the powers of two it hits
        return Math.pow(2, Math.scalb((double) index + 1, -scale));
    }

    /** Roughly how many bytes this histogram holds, for buffer accounting. */
    public int estimatedBytes() {
        return 96 + 8 * (bounds.length + counts.length + positive.length + negative.length + quantiles.length + quantileValues.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Histogram h && h.layout == layout && h.temporality == temporality && h.startTime == startTime
                && h.count == count && Double.compare(h.sum, sum) == 0 && Double.compare(h.min, min) == 0
                && Double.compare(h.max, max) == 0 && Arrays.equals(h.bounds, bounds) && Arrays.equals(h.counts, counts)
                && h.scale == scale && Double.compare(h.zeroThreshold, zeroThreshold) == 0 && h.zeroCount == zeroCount
                && h.positiveOffset == positiveOffset && Arrays.equals(h.positive, positive)
                && h.negativeOffset == negativeOffset && Arrays.equals(h.negative, negative)
                && Arrays.equals(h.quantiles, quantiles) && Arrays.equals(h.quantileValues, quantileValues);
    }

    @Override
    public int hashCode() {
        return Objects.hash(layout, temporality, count, sum, Arrays.hashCode(counts), Arrays.hashCode(positive),
                Arrays.hashCode(quantileValues));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(layout.name().toLowerCase()).append(' ').append(temporality.name().toLowerCase())
                .append(" count=").append(count).append(" sum=").append(sum);
        switch (layout) {
        case EXPLICIT -> b.append(" bounds=").append(Arrays.toString(bounds)).append(" counts=").append(Arrays.toString(counts));
        case EXPONENTIAL -> b.append(" scale=").append(scale).append(" zero=").append(zeroCount).append(" +").append(positiveOffset)
                .append(Arrays.toString(positive)).append(" -").append(negativeOffset).append(Arrays.toString(negative));
        case SUMMARY -> b.append(" q=").append(Arrays.toString(quantiles)).append(" v=").append(Arrays.toString(quantileValues));
        }
        return b.toString();
    }
}
