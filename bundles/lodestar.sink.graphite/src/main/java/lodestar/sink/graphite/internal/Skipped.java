package lodestar.sink.graphite.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Sample;
import lodestar.support.http.HttpSinkClient;
import lodestar.support.log.SkippedSamples;

/**
 * The two kinds of samples a Graphite sink leaves out, each counted and logged (rate-limited) through
 * the sinks' shared {@link SkippedSamples}, so none disappears silently: NaN and infinite values (Carbon
 * drops NaN itself and would store an infinity that Graphite cannot graph) and names it cannot store.
 * Thread-safe: {@code accepts} runs on producer threads.
 */
final class Skipped {

    private static final Logger LOG = LoggerFactory.getLogger(Skipped.class);

    private final SkippedSamples nonFinite;
    private final SkippedSamples badName;

    Skipped(String sink) {
        this.nonFinite = SkippedSamples.nonFinite(sink, "Graphite", LOG::info);
        this.badName = new SkippedSamples(sink, "samples whose name is empty after sanitizing or whose path is longer than "
                + GraphiteNames.MAX_PATH_BYTES + " bytes", LOG::warn);
    }

    void nonFinite(Sample s) {
        nonFinite.skip(s);
    }

    void badName(Sample s) {
        badName.skip("'" + HttpSinkClient.abbreviate(s.seriesKey(), 200) + "'");
    }

    long nonFiniteCount() {
        return nonFinite.count();
    }

    long badNameCount() {
        return badName.count();
    }
}
