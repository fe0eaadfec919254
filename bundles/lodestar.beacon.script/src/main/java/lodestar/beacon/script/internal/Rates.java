package lodestar.beacon.script.internal;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PuyPuy's {@code rate} style: a per-second rate from the previous value of the same series.
 *
 * <ul>
 * <li>The first value of a series only sets the baseline: nothing is emitted (there is no rate yet).</li>
 * <li>A value lower than the previous one is a counter reset (a restarted daemon, a wrapped counter):
 * nothing is emitted and the new value becomes the baseline, rather than a huge negative rate.</li>
 * <li>A value no later than the previous one (two lines of one run, or a clock step back) is ignored,
 * keeping the older baseline: a rate over zero seconds means nothing.</li>
 * <li>A series not seen for {@code forgetMillis} is forgotten, so a script that comes back after a long
 * pause starts again with a baseline instead of averaging over the gap.</li>
 * </ul>
 * Thread-safe: scripts of one folder run in parallel.
 */
final class Rates {

    private record Last(double value, long timestamp) {
    }

    private final Map<String, Last> last = new ConcurrentHashMap<>();
    private final long forgetMillis;

    Rates(long forgetMillis) {
        this.forgetMillis = forgetMillis;
    }

    /** The rate per second since the previous value of {@code series}, or empty (see the class comment). */
    OptionalDouble rate(String series, double value, long timestamp) {
        double[] result = {Double.NaN};
        last.compute(series, (k, prev) -> {
            if (prev == null || value < prev.value() || timestamp - prev.timestamp() > forgetMillis) {
                return new Last(value, timestamp);
            }
            if (timestamp <= prev.timestamp()) {
                return prev;
            }
            result[0] = (value - prev.value()) * 1000.0 / (timestamp - prev.timestamp());
            return new Last(value, timestamp);
        });
        return Double.isNaN(result[0]) ? OptionalDouble.empty() : OptionalDouble.of(result[0]);
    }

    /** Drops series whose last value is older than {@code forgetMillis} before {@code now}. */
    void prune(long now) {
        last.values().removeIf(l -> now - l.timestamp() > forgetMillis);
    }

    int size() {
        return last.size();
    }
}
