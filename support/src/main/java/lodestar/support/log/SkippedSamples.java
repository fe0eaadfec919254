package lodestar.support.log;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import lodestar.api.Sample;

/**
 * Counts the samples a sink leaves out because its backend cannot take them (NaN and infinite values
 * above all), and logs it at most once a minute with an example and the running count, so an operator
 * learns about it without a flood. Thread-safe.
 *
 * <pre>
 * private final SkippedSamples nonFinite = SkippedSamples.nonFinite("OpenTSDB sink " + endpoint, "OpenTSDB", LOG::info);
 *
 * public boolean accepts(Sample s) {
 *     return !nonFinite.skipNonFinite(s); // refused before buffering: costs no memory
 * }
 * </pre>
 */
public final class SkippedSamples {

    /** At most one log line per this many milliseconds. */
    static final long LOG_PERIOD_MILLIS = 60_000;

    private final String sink;
    private final String what;
    private final LongAdder count = new LongAdder();
    private final RateLimitedLog log;

    /**
     * @param sink the sink, as log lines name it ({@code "InfluxDB sink http://host:8086/write?db=x"})
     * @param what the samples left out and why ({@code "samples whose value is NaN or infinite (InfluxDB
     *             cannot store them)"})
     * @param log  where lines go, typically {@code logger::info}
     */
    public SkippedSamples(String sink, String what, Consumer<String> log) {
        this.sink = sink;
        this.what = what;
        this.log = new RateLimitedLog(LOG_PERIOD_MILLIS, log);
    }

    /** A counter for samples whose value is NaN or infinite, which {@code backend} cannot store. */
    public static SkippedSamples nonFinite(String sink, String backend, Consumer<String> log) {
        return new SkippedSamples(sink, "samples whose value is NaN or infinite (" + backend + " cannot store them)", log);
    }

    /**
     * Counts and (rate-limited) logs one sample left out: {@code <sink>: leaving out <what>, e.g.
     * <example>; <count> so far}.
     *
     * @param example what the line shows as the example, typically the {@link Sample}
     */
    public void skip(Object example) {
        count.increment();
        log.log(() -> sink + ": leaving out " + what + ", e.g. " + example + "; " + count.sum() + " so far");
    }

    /**
     * If the sample's value is NaN or infinite, {@linkplain #skip counts it} and returns true.
     *
     * @return true when the sample is to be left out
     */
    public boolean skipNonFinite(Sample sample) {
        if (Double.isFinite(sample.value())) {
            return false;
        }
        skip(sample);
        return true;
    }

    /** Samples left out so far. */
    public long count() {
        return count.sum();
    }

    @Override
    public String toString() {
        return count.sum() + " " + what + " left out";
    }
}
