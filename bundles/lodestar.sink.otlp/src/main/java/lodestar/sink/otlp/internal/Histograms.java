package lodestar.sink.otlp.internal;

import java.util.Arrays;
import lodestar.api.Histogram;
import lodestar.api.Histogram.Temporality;

/** Adding delta histograms up into cumulative ones. Pure functions. */
final class Histograms {

    private Histograms() {
    }

    /** {@code h} as a cumulative histogram starting at its own start time (the first of a series). */
    static Histogram cumulative(Histogram h) {
        return switch (h.layout()) {
            case EXPLICIT -> Histogram.explicit(Temporality.CUMULATIVE, h.startTime(), h.count(), h.sum(), h.min(), h.max(),
                    h.bounds(), h.bucketCounts());
            case EXPONENTIAL -> Histogram.exponential(Temporality.CUMULATIVE, h.startTime(), h.count(), h.sum(), h.min(), h.max(),
                    h.scale(), h.zeroThreshold(), h.zeroCount(), h.positiveOffset(), h.positiveCounts(), h.negativeOffset(),
                    h.negativeCounts());
            case SUMMARY -> h;
        };
    }

    /**
     * {@code total} plus the observations of {@code delta}, or null when they cannot be added (another layout,
     * other bounds, another exponential scale or zero threshold): the series then starts again from {@code delta}.
     */
    static Histogram add(Histogram total, Histogram delta) {
        if (total == null || total.layout() != delta.layout()) {
            return null;
        }
        long count = total.count() + delta.count();
        double sum = nanAdd(total.sum(), delta.sum());
        double min = total.count() == 0 ? delta.min() : delta.count() == 0 ? total.min() : Math.min(total.min(), delta.min());
        double max = total.count() == 0 ? delta.max() : delta.count() == 0 ? total.max() : Math.max(total.max(), delta.max());
        switch (total.layout()) {
            case EXPLICIT -> {
                if (!Arrays.equals(total.bounds(), delta.bounds())) {
                    return null;
                }
                long[] c = total.bucketCounts();
                for (int i = 0; i < c.length; i++) {
                    c[i] += delta.bucketCount(i);
                }
                return Histogram.explicit(Temporality.CUMULATIVE, total.startTime(), count, sum, min, max, total.bounds(), c);
            }
            case EXPONENTIAL -> {
                if (total.scale() != delta.scale() || Double.compare(total.zeroThreshold(), delta.zeroThreshold()) != 0) {
                    return null;
                }
                if (span(total.positiveOffset(), total.positiveCounts().length, delta.positiveOffset(), delta.positiveCounts().length) > MAX_BUCKETS
                        || span(total.negativeOffset(), total.negativeCounts().length, delta.negativeOffset(), delta.negativeCounts().length) > MAX_BUCKETS) {
                    return null; // far-apart buckets would make a huge dense array: start again instead
                }
                long[][] pos = merge(total.positiveOffset(), total.positiveCounts(), delta.positiveOffset(), delta.positiveCounts());
                long[][] neg = merge(total.negativeOffset(), total.negativeCounts(), delta.negativeOffset(), delta.negativeCounts());
                return Histogram.exponential(Temporality.CUMULATIVE, total.startTime(), count, sum, min, max, total.scale(),
                        total.zeroThreshold(), total.zeroCount() + delta.zeroCount(), (int) pos[0][0], pos[1], (int) neg[0][0], neg[1]);
            }
            default -> {
                return null;
            }
        }
    }

    /** Most buckets a summed exponential histogram may span on one side. */
    static final int MAX_BUCKETS = 4096;

    private static long span(int offA, int lenA, int offB, int lenB) {
        if (lenA == 0 || lenB == 0) {
            return Math.max(lenA, lenB);
        }
        return (long) Math.max(offA + lenA, offB + lenB) - Math.min(offA, offB);
    }

    private static double nanAdd(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : a + b;
    }

    /** Two dense bucket arrays at their offsets added into one: {{offset}, counts}. */
    static long[][] merge(int offA, long[] a, int offB, long[] b) {
        if (a.length == 0) {
            return new long[][] {{offB}, b};
        }
        if (b.length == 0) {
            return new long[][] {{offA}, a};
        }
        int from = Math.min(offA, offB);
        int to = Math.max(offA + a.length, offB + b.length);
        long[] out = new long[to - from];
        for (int i = 0; i < a.length; i++) {
            out[offA - from + i] += a[i];
        }
        for (int i = 0; i < b.length; i++) {
            out[offB - from + i] += b[i];
        }
        return new long[][] {{from}, out};
    }
}
