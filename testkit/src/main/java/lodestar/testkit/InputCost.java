package lodestar.testkit;

import java.util.List;
import java.util.function.Consumer;

/**
 * What a decoder spends per input, for tests that hold malformed input to the cost of good input: each input set
 * is run several times, alternating, and the fastest round counts (the others were slowed by the JIT, the GC or a
 * neighbour on the machine).
 */
public final class InputCost {

    private InputCost() {
    }

    /** Nanoseconds per input of the fastest of {@code rounds} passes over {@code inputs}. */
    public static double nanosPerInput(List<byte[]> inputs, Consumer<byte[]> decoder, int rounds) {
        long best = Long.MAX_VALUE;
        for (int r = 0; r < rounds; r++) {
            long t = System.nanoTime();
            for (byte[] in : inputs) {
                decoder.accept(in);
            }
            best = Math.min(best, System.nanoTime() - t);
        }
        return (double) best / inputs.size();
    }

    /**
     * How many times more a malformed input costs than a good one: both sets warmed up together, then measured
     * alternately, {@code rounds} passes each, fastest pass of each.
     */
    public static double ratio(List<byte[]> good, List<byte[]> bad, Consumer<byte[]> decoder, int rounds) {
        // warm-up: both paths compiled by the JIT's last tier (some 10,000 calls each) before either is timed
        for (int i = 0; i < 3 || i * Math.min(good.size(), bad.size()) < 50_000; i++) {
            nanosPerInput(good, decoder, 1);
            nanosPerInput(bad, decoder, 1);
        }
        double g = Double.MAX_VALUE;
        double b = Double.MAX_VALUE;
        for (int i = 0; i < rounds; i++) {
            g = Math.min(g, nanosPerInput(good, decoder, 1));
            b = Math.min(b, nanosPerInput(bad, decoder, 1));
        }
        return b / g;
    }
}
