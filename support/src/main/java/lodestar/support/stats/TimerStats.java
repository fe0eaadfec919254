package lodestar.support.stats;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import lodestar.api.Kind;

/**
 * Etsy statsd's timer statistics of one flush window (lib/process_metrics.js): per percentile threshold
 * {@code count_<p>, mean_<p>, upper_<p>} (or {@code lower_top<p>}), {@code sum_<p>, sum_squares_<p>}, then
 * {@code std, upper, lower, count, count_ps, sum, sum_squares, mean, median}. Shared by every listener that
 * aggregates timers (StatsD, ZeroMQ) so that they report the same figures under the same sub-names.
 *
 * <p>One instance per flushing thread: it reuses its scratch arrays from timer to timer (not thread-safe).
 */
public final class TimerStats {

    /** One timer percentile: {@code threshold} in -100..100 but not 0 (negative: the lowest values). */
    public record Percentile(double threshold, String label) {
    }

    /** Receives each statistic: its slot (stable per sub-name, for callers that cache names), sub-name, value, kind. */
    @FunctionalInterface
    public interface Out {
        void stat(int slot, String sub, double value, Kind kind);
    }

    /** Fixed sub-names after the percentile ones (5 per percentile). */
    public static final String[] FIXED = {"std", "upper", "lower", "count", "count_ps", "sum", "sum_squares", "mean", "median"};

    private double[] cumScratch = new double[64];
    private double[] cumSqScratch = new double[64];

    /** How many slots {@link #compute} may use with {@code percentiles} thresholds. */
    public static int slots(int percentiles) {
        return percentiles * 5 + FIXED.length;
    }

    /**
     * The statistics of one window.
     *
     * @param values      the window's values; sorted in place (callers that look at them afterwards see them sorted)
     * @param counter     how many values the window counted (with sample rates, more than {@code values.length})
     * @param secs        the window's length in seconds ({@code count_ps})
     * @param percentiles thresholds in configuration order
     */
    public void compute(double[] values, double counter, double secs, List<Percentile> percentiles, Out out) {
        int np = percentiles.size();
        int count = values.length;
        if (count == 0) {
            out.stat(np * 5 + 3, "count", counter, Kind.DELTA);
            out.stat(np * 5 + 4, "count_ps", counter / secs, Kind.RATE);
            return;
        }
        Arrays.sort(values);
        double min = values[0];
        double max = values[count - 1];
        if (cumScratch.length < count) {
            cumScratch = new double[Math.max(count, cumScratch.length * 2)];
            cumSqScratch = new double[cumScratch.length];
        }
        double[] cum = cumScratch;
        double[] cumSq = cumSqScratch;
        cum[0] = min;
        cumSq[0] = min * min;
        for (int i = 1; i < count; i++) {
            cum[i] = values[i] + cum[i - 1];
            cumSq[i] = (values[i] * values[i]) + cumSq[i - 1];
        }
        double sum = min;
        double sumSquares = min * min;
        double mean = min;
        double boundary = max;
        for (int k = 0; k < np; k++) {
            double pct = percentiles.get(k).threshold();
            long num = count;
            if (count > 1) {
                num = Math.round(Math.abs(pct) / 100 * count);
                if (num == 0) {
                    continue;
                }
                int n = (int) num;
                if (pct > 0) {
                    boundary = values[n - 1];
                    sum = cum[n - 1];
                    sumSquares = cumSq[n - 1];
                } else {
                    boundary = values[count - n];
                    // Etsy reads cumulativeValues[-1] (undefined -> NaN) when the threshold covers every value
                    double before = count - n - 1 >= 0 ? cum[count - n - 1] : Double.NaN;
                    double beforeSq = count - n - 1 >= 0 ? cumSq[count - n - 1] : Double.NaN;
                    sum = cum[count - 1] - before;
                    sumSquares = cumSq[count - 1] - beforeSq;
                }
                mean = sum / num;
            }
            String l = percentiles.get(k).label();
            int base = k * 5;
            out.stat(base, "count_" + l, num, Kind.DELTA);
            out.stat(base + 1, "mean_" + l, mean, Kind.GAUGE);
            out.stat(base + 2, (pct > 0 ? "upper_" : "lower_") + l, boundary, Kind.GAUGE);
            out.stat(base + 3, "sum_" + l, sum, Kind.GAUGE);
            out.stat(base + 4, "sum_squares_" + l, sumSquares, Kind.GAUGE);
        }
        sum = cum[count - 1];
        sumSquares = cumSq[count - 1];
        mean = sum / count;
        double diffs = 0;
        for (int i = 0; i < count; i++) {
            diffs += (values[i] - mean) * (values[i] - mean);
        }
        int mid = count / 2;
        double median = (count % 2) != 0 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
        int b = np * 5;
        out.stat(b, "std", Math.sqrt(diffs / count), Kind.GAUGE);
        out.stat(b + 1, "upper", max, Kind.GAUGE);
        out.stat(b + 2, "lower", min, Kind.GAUGE);
        out.stat(b + 3, "count", counter, Kind.DELTA);
        out.stat(b + 4, "count_ps", counter / secs, Kind.RATE);
        out.stat(b + 5, "sum", sum, Kind.GAUGE);
        out.stat(b + 6, "sum_squares", sumSquares, Kind.GAUGE);
        out.stat(b + 7, "mean", mean, Kind.GAUGE);
        out.stat(b + 8, "median", median, Kind.GAUGE);
    }

    /**
     * Percentile thresholds as Etsy's {@code percentThreshold} lists them (each entry may hold several, comma
     * separated), labelled as Etsy names them ({@code 90}, {@code 99_9}, {@code top10}).
     *
     * @throws IllegalArgumentException starting with {@code property} on a value outside -100..100 or 0
     */
    public static List<Percentile> percentiles(String property, String... values) {
        List<Percentile> p = new ArrayList<>();
        for (String v : values == null ? new String[0] : values) {
            for (String part : v.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                double d;
                try {
                    d = Double.parseDouble(part.trim());
                } catch (NumberFormatException e) {
                    d = Double.NaN;
                }
                if (!(Math.abs(d) > 0 && Math.abs(d) <= 100)) {
                    throw new IllegalArgumentException(property + ": expected numbers in -100..100 other than 0, got '" + part + "'");
                }
                p.add(new Percentile(d, jsNumber(d).replaceFirst("\\.", "_").replaceFirst("-", "top")));
            }
        }
        return List.copyOf(p);
    }

    /** A number as JavaScript's String(n) writes it, for the plain values configurations use. */
    public static String jsNumber(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e21) {
            return Long.toString((long) d);
        }
        return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }
}
