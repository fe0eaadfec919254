package lodestar.core.internal;

import lodestar.api.Histogram;

/**
 * A quantile estimated from exponential buckets, for sinks that get histograms flattened. Walks the buckets from
 * the most negative value up to the most positive, finds the one holding the wanted rank and interpolates
 * geometrically inside it (the buckets are evenly spaced in log scale, so a linear guess would be biased to the
 * upper half); clamped to the reported min and max when there are any.
 */
final class ExponentialQuantile {

    private ExponentialQuantile() {
    }

    static double estimate(Histogram h, double q) {
        long count = h.count();
        if (count == 0) {
            return Double.NaN;
        }
        // rank in 1..count of the observation we want
        double rank = Math.max(1, q * count);
        long seen = 0;
        long[] neg = h.negativeCounts();
        int scale = h.scale();
        // negative buckets: the largest absolute value (highest index) is the smallest value
        for (int i = neg.length - 1; i >= 0; i--) {
            if (neg[i] == 0) {
                continue;
            }
            if (seen + neg[i] >= rank) {
                int index = h.negativeOffset() + i;
                double fraction = (rank - seen) / neg[i];
                // from -upper (smallest) towards -lower
                return clamp(h, -interpolate(scale, index, 1 - fraction));
            }
            seen += neg[i];
        }
        if (seen + h.zeroCount() >= rank) {
            return clamp(h, 0);
        }
        seen += h.zeroCount();
        long[] pos = h.positiveCounts();
        for (int i = 0; i < pos.length; i++) {
            if (pos[i] == 0) {
                continue;
            }
            if (seen + pos[i] >= rank) {
                double fraction = (rank - seen) / pos[i];
                return clamp(h, interpolate(scale, h.positiveOffset() + i, fraction));
            }
            seen += pos[i];
        }
        // counts short of count cannot happen for a valid histogram; the largest bound is the best answer
        return clamp(h, pos.length == 0 ? 0 : Histogram.upperBound(scale, h.positiveOffset() + pos.length - 1));
    }

    /** The point {@code fraction} of the way (geometrically) through bucket {@code index}. */
    private static double interpolate(int scale, int index, double fraction) {
        double lower = Histogram.upperBound(scale, index - 1);
        double upper = Histogram.upperBound(scale, index);
        return lower * Math.pow(upper / lower, fraction);
    }

    private static double clamp(Histogram h, double v) {
        if (!Double.isNaN(h.min()) && v < h.min()) {
            return h.min();
        }
        if (!Double.isNaN(h.max()) && v > h.max()) {
            return h.max();
        }
        return v;
    }
}
