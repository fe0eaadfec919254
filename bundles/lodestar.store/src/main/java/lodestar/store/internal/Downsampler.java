package lodestar.store.internal;

import java.util.Arrays;

import lodestar.api.TimeSeries;

/**
 * Turns a time-ordered stream of raw points and rollup buckets into a query answer: either the points
 * as stored ({@code step <= 0}; a rollup bucket becomes its average at the bucket start) or averages
 * over buckets of {@code step} millis aligned to multiples of {@code step}.
 *
 * <p>Streaming instead of a dense array of buckets, so a query with a tiny step over a long range only
 * costs what it returns.
 */
final class Downsampler {

    private final long from;
    private final long to;
    private final long step;

    private long[] timestamps = new long[64];
    private double[] values = new double[64];
    private int size;

    private long bucket = Long.MIN_VALUE;
    private double sum;
    private long count;

    Downsampler(long from, long to, long step) {
        this.from = from;
        this.to = to;
        this.step = step;
    }

    long from() {
        return from;
    }

    long to() {
        return to;
    }

    /** Whether a chunk covering {@code [first, last]} can contribute. */
    boolean overlaps(long first, long last) {
        return last >= from && first <= to;
    }

    void point(long timestamp, double value) {
        if (timestamp < from || timestamp > to) {
            return;
        }
        if (step <= 0) {
            emit(timestamp, value);
        } else {
            accumulate(Math.floorDiv(timestamp, step) * step, value, 1);
        }
    }

    void bucket(long start, double sum, long n) {
        if (start < from || start > to || n <= 0) {
            return;
        }
        if (step <= 0) {
            emit(start, sum / n);
        } else {
            accumulate(Math.floorDiv(start, step) * step, sum, n);
        }
    }

    private void accumulate(long b, double s, long n) {
        if (b != bucket) {
            flush();
            bucket = b;
        }
        sum += s;
        count += n;
    }

    private void flush() {
        if (count > 0) {
            emit(bucket, sum / count);
        }
        sum = 0;
        count = 0;
    }

    private void emit(long t, double v) {
        if (size == timestamps.length) {
            timestamps = Arrays.copyOf(timestamps, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        timestamps[size] = t;
        values[size] = v;
        size++;
    }

    TimeSeries result(String key) {
        flush();
        return new TimeSeries(key, Arrays.copyOf(timestamps, size), Arrays.copyOf(values, size));
    }
}
