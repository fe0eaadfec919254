package lodestar.sink.graphite.internal;

import java.util.List;

import lodestar.api.Sample;

/** Turns a batch of samples into the bytes of one Carbon protocol. Not thread-safe: one per sink. */
abstract class Encoder {

    final GraphiteNames names;
    final Skipped skipped;

    Encoder(GraphiteNames names, Skipped skipped) {
        this.names = names;
        this.skipped = skipped;
    }

    /**
     * Appends the encoding of {@code batch} to {@code out}, leaving out NaN/infinite values and unusable
     * names (counted in {@link Skipped}).
     *
     * @return how many samples were encoded
     */
    abstract int encode(List<Sample> batch, ByteBuf out);

    /** Carbon keeps whole seconds: epoch millis rounded down (also for times before 1970). */
    static long seconds(long millis) {
        return Math.floorDiv(millis, 1000L);
    }

    static boolean finite(double v) {
        return !Double.isNaN(v) && !Double.isInfinite(v);
    }
}
