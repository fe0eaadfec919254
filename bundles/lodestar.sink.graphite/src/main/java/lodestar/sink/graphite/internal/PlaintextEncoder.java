package lodestar.sink.graphite.internal;

import java.util.List;

import lodestar.api.Sample;

/**
 * Carbon's plaintext protocol (TCP 2003): one line {@code path value timestamp\n} per sample, the
 * timestamp in whole epoch seconds. Built for throughput: no String per sample beyond what the value's
 * shortest rendering needs when it is not integral.
 */
final class PlaintextEncoder extends Encoder {

    /** Integral values below this print as a long: exact, since doubles are exact integers up to 2^53. */
    private static final double LONG_FAST_PATH = 0x1p53;

    /** The last timestamp rendered: the samples of a batch mostly share a few seconds. */
    private long lastSeconds = Long.MIN_VALUE;
    private final ByteBuf lastSecondsText = new ByteBuf(24);

    PlaintextEncoder(GraphiteNames names, Skipped skipped) {
        super(names, skipped);
    }

    @Override
    int encode(List<Sample> batch, ByteBuf out) {
        int n = 0;
        for (int i = 0, size = batch.size(); i < size; i++) {
            Sample s = batch.get(i);
            double v = s.value();
            if (!finite(v)) {
                skipped.nonFinite(s);
                continue;
            }
            if (!names.append(out, s.name(), s.tags())) {
                skipped.badName(s);
                continue;
            }
            out.put(' ');
            appendValue(out, v);
            out.put(' ');
            long seconds = seconds(s.timestamp());
            if (seconds != lastSeconds) {
                lastSeconds = seconds;
                lastSecondsText.clear();
                lastSecondsText.putDecimal(seconds);
            }
            out.putBytes(lastSecondsText.array(), lastSecondsText.length());
            out.put('\n');
            n++;
        }
        return n;
    }

    private static final double[] POW10 = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

    /**
     * Text that Python's {@code float()} (and Java's) reads back as exactly {@code v}, as short as
     * cheaply possible: integral values as digits ({@code 42}); values with up to 9 decimals as fixed
     * point ({@code 0.37}); others as {@link Double#toString(double)} ({@code 0.3333333333333333},
     * {@code 1.0E-12}), which is slow on Java 17, hence the fast paths.
     *
     * <p>The fixed-point path is exact: for the smallest {@code k} with {@code r = rint(v * 10^k)} and
     * {@code r / 10^k == v}, both {@code r} (below 2^53) and {@code 10^k} are exact doubles, so the
     * division is the correctly rounded value of the decimal {@code r * 10^-k}, which is what parsing
     * that decimal yields.
     */
    static void appendValue(ByteBuf out, double v) {
        double abs = Math.abs(v);
        if (abs < LONG_FAST_PATH && v == Math.rint(v)) {
            out.putDecimal((long) v);
            return;
        }
        if (abs >= 1e-3 && abs < 1e9) {
            for (int k = 1; k < POW10.length; k++) {
                double scaled = v * POW10[k];
                if (Math.abs(scaled) >= LONG_FAST_PATH) {
                    break;
                }
                double r = Math.rint(scaled);
                if (r / POW10[k] == v) {
                    out.putFixed((long) r, k);
                    return;
                }
            }
        }
        out.putAscii(Double.toString(v));
    }
}
