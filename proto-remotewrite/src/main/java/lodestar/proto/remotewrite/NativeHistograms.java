package lodestar.proto.remotewrite;

import java.util.ArrayList;
import java.util.List;

import lodestar.api.Histogram;
import lodestar.proto.prompb.Types;

/**
 * Prometheus native histograms (remote write 1.0's {@code Histogram} and 2.0's, the same fields in two messages)
 * to and from Lodestar's {@link Histogram}.
 *
 * <p>Prometheus and Lodestar (like OTLP) number exponential buckets one apart: Prometheus bucket {@code i} of
 * schema {@code s} covers {@code (base^(i-1), base^i]}, Lodestar's bucket {@code i} of scale {@code s} covers
 * {@code (base^i, base^(i+1)]}, with the same base {@code 2^(2^-s)}; so Lodestar index = Prometheus index - 1.
 * Prometheus sends sparse buckets as spans (first offset absolute, later ones gaps) with integer counts as deltas
 * or float counts as absolute values; Lodestar holds dense arrays from an offset with integer counts. Float counts
 * are rounded to the nearest integer. A histogram whose buckets do not add up to its count (NaN observations count
 * but fall in no bucket) takes the buckets' total as its count. Reset hints: YES sets the start time to the
 * sample's timestamp, GAUGE (a gauge histogram, no running total) becomes {@link Histogram.Temporality#DELTA}.
 * Schema -53 (custom bucket bounds, "nhcb") becomes an {@link Histogram.Layout#EXPLICIT} histogram.
 */
public final class NativeHistograms {

    /** Prometheus's schema for histograms with custom bucket bounds. */
    public static final int CUSTOM_BUCKETS_SCHEMA = -53;
    /** Prometheus accepts exponential schemas -4 to 8. */
    public static final int MIN_SCHEMA = -4;
    public static final int MAX_SCHEMA = 8;
    /** Most dense buckets per side a received histogram may expand to (spans can name far-apart indexes). */
    public static final int MAX_BUCKETS = 4096;

    private NativeHistograms() {
    }

    /** The neutral form both protocol versions are read into and written from. */
    record Native(int schema, double zeroThreshold, double zeroCount, double count, double sum, int[] posOffsets,
            int[] posLengths, long[] posDeltas, double[] posCounts, int[] negOffsets, int[] negLengths, long[] negDeltas,
            double[] negCounts, boolean floats, int resetHint, double[] customValues) {
    }

    // --- reading ---------------------------------------------------------------------------------------------

    /**
     * A remote write 1.0 histogram as Lodestar's.
     *
     * @throws IllegalArgumentException when it is malformed (spans and counts that do not match, negative counts,
     *     an unknown schema, too many buckets)
     */
    public static Histogram fromV1(Types.Histogram h, long timestamp) {
        boolean floats = h.getCountCase() == Types.Histogram.CountCase.COUNT_FLOAT;
        double zero = h.getZeroCountCase() == Types.Histogram.ZeroCountCase.ZERO_COUNT_FLOAT ? h.getZeroCountFloat()
                : unsigned(h.getZeroCountInt());
        double count = floats ? h.getCountFloat() : unsigned(h.getCountInt());
        int[][] pos = spansV1(h.getPositiveSpansList());
        int[][] neg = spansV1(h.getNegativeSpansList());
        return from(new Native(h.getSchema(), h.getZeroThreshold(), zero, count, h.getSum(), pos[0], pos[1],
                longs(h.getPositiveDeltasList()), doubles(h.getPositiveCountsList()), neg[0], neg[1],
                longs(h.getNegativeDeltasList()), doubles(h.getNegativeCountsList()), floats, h.getResetHintValue(),
                doubles(h.getCustomValuesList())), timestamp);
    }

    /** A remote write 2.0 histogram as Lodestar's; see {@link #fromV1}. */
    public static Histogram fromV2(lodestar.proto.prompb.v2.Types.Histogram h, long timestamp) {
        var countFloat = lodestar.proto.prompb.v2.Types.Histogram.CountCase.COUNT_FLOAT;
        var zeroFloat = lodestar.proto.prompb.v2.Types.Histogram.ZeroCountCase.ZERO_COUNT_FLOAT;
        boolean floats = h.getCountCase() == countFloat;
        double zero = h.getZeroCountCase() == zeroFloat ? h.getZeroCountFloat() : unsigned(h.getZeroCountInt());
        double count = floats ? h.getCountFloat() : unsigned(h.getCountInt());
        int[][] pos = spansV2(h.getPositiveSpansList());
        int[][] neg = spansV2(h.getNegativeSpansList());
        Histogram out = from(new Native(h.getSchema(), h.getZeroThreshold(), zero, count, h.getSum(), pos[0], pos[1],
                longs(h.getPositiveDeltasList()), doubles(h.getPositiveCountsList()), neg[0], neg[1],
                longs(h.getNegativeDeltasList()), doubles(h.getNegativeCountsList()), floats, h.getResetHintValue(),
                doubles(h.getCustomValuesList())), timestamp);
        return out;
    }

    static Histogram from(Native n, long timestamp) {
        // reset hints are numbered alike in both versions: 1 yes, 3 gauge
        Histogram.Temporality temporality = n.resetHint == 3 ? Histogram.Temporality.DELTA : Histogram.Temporality.CUMULATIVE;
        long start = n.resetHint == 1 ? timestamp : 0;
        if (n.schema == CUSTOM_BUCKETS_SCHEMA) {
            double[] bounds = n.customValues;
            Dense d = dense(n.posOffsets, n.posLengths, n.posDeltas, n.posCounts, n.floats, "positive");
            long[] counts = new long[bounds.length + 1];
            for (int i = 0; i < d.counts.length; i++) {
                int index = d.offset + i;
                if (d.counts[i] == 0) {
                    continue;
                }
                if (index < 0 || index > bounds.length) {
                    throw new IllegalArgumentException("custom bucket " + index + " outside the " + bounds.length + " bounds");
                }
                counts[index] = d.counts[i];
            }
            long total = 0;
            for (long c : counts) {
                total = Math.addExact(total, c);
            }
            return Histogram.explicit(temporality, start, total, n.sum, Double.NaN, Double.NaN, bounds, counts);
        }
        if (n.schema < MIN_SCHEMA || n.schema > MAX_SCHEMA) {
            throw new IllegalArgumentException("native histogram schema " + n.schema + " outside " + MIN_SCHEMA + ".." + MAX_SCHEMA);
        }
        Dense pos = dense(n.posOffsets, n.posLengths, n.posDeltas, n.posCounts, n.floats, "positive");
        Dense neg = dense(n.negOffsets, n.negLengths, n.negDeltas, n.negCounts, n.floats, "negative");
        long zero = count(n.zeroCount, "zero");
        long total = Math.addExact(zero, Math.addExact(pos.total(), neg.total()));
        return Histogram.exponential(temporality, start, total, n.sum, Double.NaN, Double.NaN, n.schema, n.zeroThreshold, zero,
                pos.offset - 1, pos.counts, neg.offset - 1, neg.counts);
    }

    private record Dense(int offset, long[] counts) {
        long total() {
            long t = 0;
            for (long c : counts) {
                t = Math.addExact(t, c);
            }
            return t;
        }
    }

    /** Spans + deltas (or absolute float counts) as a dense array from the first span's (Prometheus) index. */
    private static Dense dense(int[] offsets, int[] lengths, long[] deltas, double[] counts, boolean floats, String side) {
        if (offsets.length == 0) {
            if ((floats ? counts.length : deltas.length) != 0) {
                throw new IllegalArgumentException(side + " bucket counts without spans");
            }
            return new Dense(1, new long[0]);
        }
        long buckets = 0;
        long width = 0;
        for (int i = 0; i < offsets.length; i++) {
            if (i > 0 && offsets[i] < 0) {
                throw new IllegalArgumentException(side + " span " + i + " has a negative gap " + offsets[i]);
            }
            buckets += lengths[i];
            width += (i > 0 ? offsets[i] : 0) + (long) lengths[i];
        }
        int given = floats ? counts.length : deltas.length;
        if (buckets != given) {
            throw new IllegalArgumentException(side + " spans hold " + buckets + " buckets, " + given + " counts given");
        }
        if (width > MAX_BUCKETS) {
            throw new IllegalArgumentException(side + " buckets span " + width + " indexes, more than " + MAX_BUCKETS);
        }
        long[] out = new long[(int) width];
        int at = 0;
        int k = 0;
        long running = 0;
        for (int i = 0; i < offsets.length; i++) {
            if (i > 0) {
                at += offsets[i];
            }
            for (int j = 0; j < lengths[i]; j++) {
                long c;
                if (floats) {
                    c = count(counts[k], side);
                } else {
                    running += deltas[k];
                    if (running < 0) {
                        throw new IllegalArgumentException("negative " + side + " bucket count " + running);
                    }
                    c = running;
                }
                out[at++] = c;
                k++;
            }
        }
        return new Dense(offsets[0], out);
    }

    private static long count(double v, String what) {
        if (!(v >= 0) || v > 9.0e18) {
            throw new IllegalArgumentException("bad " + what + " count " + v);
        }
        return Math.round(v);
    }

    private static double unsigned(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0;
    }

    // --- writing ---------------------------------------------------------------------------------------------

    /**
     * Whether {@link #toV1}/{@link #toV2} can write it: exponential histograms down to Prometheus's coarsest
     * schema (-4; finer scales than 8 are merged down to 8).
     */
    public static boolean writable(Histogram h) {
        return h.layout() == Histogram.Layout.EXPONENTIAL && h.scale() >= MIN_SCHEMA;
    }

    /** An exponential Lodestar histogram as a remote write 1.0 native histogram stamped {@code timestamp}. */
    public static Types.Histogram toV1(Histogram h, long timestamp) {
        Native n = toNative(h);
        Types.Histogram.Builder b = Types.Histogram.newBuilder().setCountInt((long) n.count).setSum(n.sum)
                .setSchema(n.schema).setZeroThreshold(n.zeroThreshold).setZeroCountInt((long) n.zeroCount)
                .setResetHintValue(n.resetHint).setTimestamp(timestamp);
        for (int i = 0; i < n.posOffsets.length; i++) {
            b.addPositiveSpans(Types.BucketSpan.newBuilder().setOffset(n.posOffsets[i]).setLength(n.posLengths[i]));
        }
        for (long d : n.posDeltas) {
            b.addPositiveDeltas(d);
        }
        for (int i = 0; i < n.negOffsets.length; i++) {
            b.addNegativeSpans(Types.BucketSpan.newBuilder().setOffset(n.negOffsets[i]).setLength(n.negLengths[i]));
        }
        for (long d : n.negDeltas) {
            b.addNegativeDeltas(d);
        }
        return b.build();
    }

    /** An exponential Lodestar histogram as a remote write 2.0 native histogram stamped {@code timestamp}. */
    public static lodestar.proto.prompb.v2.Types.Histogram toV2(Histogram h, long timestamp) {
        Native n = toNative(h);
        var b = lodestar.proto.prompb.v2.Types.Histogram.newBuilder().setCountInt((long) n.count).setSum(n.sum)
                .setSchema(n.schema).setZeroThreshold(n.zeroThreshold).setZeroCountInt((long) n.zeroCount)
                .setResetHintValue(n.resetHint).setTimestamp(timestamp);
        if (h.startTime() > 0) {
            b.setStartTimestamp(h.startTime());
        }
        for (int i = 0; i < n.posOffsets.length; i++) {
            b.addPositiveSpans(lodestar.proto.prompb.v2.Types.BucketSpan.newBuilder().setOffset(n.posOffsets[i])
                    .setLength(n.posLengths[i]));
        }
        for (long d : n.posDeltas) {
            b.addPositiveDeltas(d);
        }
        for (int i = 0; i < n.negOffsets.length; i++) {
            b.addNegativeSpans(lodestar.proto.prompb.v2.Types.BucketSpan.newBuilder().setOffset(n.negOffsets[i])
                    .setLength(n.negLengths[i]));
        }
        for (long d : n.negDeltas) {
            b.addNegativeDeltas(d);
        }
        return b.build();
    }

    static Native toNative(Histogram h) {
        if (!writable(h)) {
            throw new IllegalArgumentException("not writable as a native histogram: " + h);
        }
        int shift = Math.max(0, h.scale() - MAX_SCHEMA);
        int schema = h.scale() - shift;
        Sparse pos = sparse(h.positiveOffset(), h.positiveCounts(), shift);
        Sparse neg = sparse(h.negativeOffset(), h.negativeCounts(), shift);
        // DELTA: each report stands alone, which Prometheus calls a gauge histogram; a start time is a reset
        int hint = h.temporality() == Histogram.Temporality.DELTA ? 3 : 0;
        return new Native(schema, h.zeroThreshold(), h.zeroCount(), h.count(), h.sum(), pos.offsets, pos.lengths, pos.deltas,
                new double[0], neg.offsets, neg.lengths, neg.deltas, new double[0], false, hint, new double[0]);
    }

    private record Sparse(int[] offsets, int[] lengths, long[] deltas) {
    }

    /**
     * Dense Lodestar counts from {@code offset} as Prometheus spans and deltas, merged {@code 2^shift} to one when
     * the scale is finer than Prometheus takes. A run of two or more empty buckets ends a span.
     */
    private static Sparse sparse(int offset, long[] counts, int shift) {
        // merge down: Lodestar index j at scale s lies in index j >> shift at scale s - shift
        List<long[]> merged = new ArrayList<>(); // {lodestar index, count}
        for (int i = 0; i < counts.length; i++) {
            int j = (offset + i) >> shift;
            if (!merged.isEmpty() && merged.get(merged.size() - 1)[0] == j) {
                merged.get(merged.size() - 1)[1] += counts[i];
            } else {
                merged.add(new long[] {j, counts[i]});
            }
        }
        List<Integer> offsets = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        List<Long> deltas = new ArrayList<>();
        long previousCount = 0;
        long previousIndex = Long.MIN_VALUE; // Prometheus index of the last bucket written
        for (long[] m : merged) {
            if (m[1] == 0) {
                continue;
            }
            long prom = m[0] + 1;
            if (previousIndex != Long.MIN_VALUE && prom - previousIndex <= 2) {
                // close enough: fill the one-bucket gap with an empty bucket in the same span
                for (long fill = previousIndex + 1; fill < prom; fill++) {
                    deltas.add(-previousCount);
                    previousCount = 0;
                    lengths.set(lengths.size() - 1, lengths.get(lengths.size() - 1) + 1);
                }
                lengths.set(lengths.size() - 1, lengths.get(lengths.size() - 1) + 1);
            } else {
                offsets.add((int) (previousIndex == Long.MIN_VALUE ? prom : prom - previousIndex - 1));
                lengths.add(1);
            }
            deltas.add(m[1] - previousCount);
            previousCount = m[1];
            previousIndex = prom;
        }
        return new Sparse(offsets.stream().mapToInt(Integer::intValue).toArray(),
                lengths.stream().mapToInt(Integer::intValue).toArray(), deltas.stream().mapToLong(Long::longValue).toArray());
    }

    // --- small helpers ---------------------------------------------------------------------------------------

    private static int[][] spansV1(List<Types.BucketSpan> spans) {
        int[][] out = new int[2][spans.size()];
        for (int i = 0; i < spans.size(); i++) {
            out[0][i] = spans.get(i).getOffset();
            out[1][i] = checkedLength(spans.get(i).getLength());
        }
        return out;
    }

    private static int[][] spansV2(List<lodestar.proto.prompb.v2.Types.BucketSpan> spans) {
        int[][] out = new int[2][spans.size()];
        for (int i = 0; i < spans.size(); i++) {
            out[0][i] = spans.get(i).getOffset();
            out[1][i] = checkedLength(spans.get(i).getLength());
        }
        return out;
    }

    private static int checkedLength(int unsignedLength) {
        if (unsignedLength < 0 || unsignedLength > MAX_BUCKETS) {
            throw new IllegalArgumentException("bucket span of " + Integer.toUnsignedString(unsignedLength) + " buckets");
        }
        return unsignedLength;
    }

    private static long[] longs(List<Long> l) {
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.get(i);
        }
        return out;
    }

    private static double[] doubles(List<Double> l) {
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.get(i);
        }
        return out;
    }
}
