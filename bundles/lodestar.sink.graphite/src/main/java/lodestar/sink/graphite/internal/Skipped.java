package lodestar.sink.graphite.internal;

import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Sample;
import lodestar.api.util.RateLimitedLog;

/**
 * Counts (and logs, rate-limited) the samples a Graphite sink leaves out, so none disappears silently:
 * NaN and infinite values (Carbon drops NaN itself and would store an infinity that Graphite cannot
 * graph) and names it cannot store. Thread-safe: {@code accepts} runs on producer threads.
 */
final class Skipped {

    private static final Logger LOG = LoggerFactory.getLogger(Skipped.class);

    private final String sink;
    private final LongAdder nonFinite = new LongAdder();
    private final LongAdder badName = new LongAdder();
    private final RateLimitedLog nonFiniteLog = new RateLimitedLog(60_000, LOG::info);
    private final RateLimitedLog badNameLog = new RateLimitedLog(60_000, LOG::warn);

    Skipped(String sink) {
        this.sink = sink;
    }

    void nonFinite(Sample s) {
        nonFinite.increment();
        nonFiniteLog.log(() -> sink + ": skipping samples whose value is NaN or infinite (Graphite cannot store"
                + " them), e.g. " + s + "; " + nonFinite.sum() + " so far");
    }

    void badName(Sample s) {
        badName.increment();
        badNameLog.log(() -> sink + ": skipping a sample whose name is empty after sanitizing or whose path is"
                + " longer than " + GraphiteNames.MAX_PATH_BYTES + " bytes: '" + abbreviate(s.seriesKey()) + "'; "
                + badName.sum() + " so far");
    }

    long nonFiniteCount() {
        return nonFinite.sum();
    }

    long badNameCount() {
        return badName.sum();
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
