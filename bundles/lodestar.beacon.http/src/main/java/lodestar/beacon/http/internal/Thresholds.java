package lodestar.beacon.http.internal;

import lodestar.api.CheckStatus;
import lodestar.support.config.Units;

/**
 * A {@code (good, warning, critical)} triple on a response's total time: at or below {@code good} is
 * suspiciously fast (WARNING: a cached error page, a proxy answering for a dead backend), at or above
 * {@code critical} is CRITICAL, at or above {@code warning} is WARNING, anything else OK (the meaning
 * Pharos's {@code PageGETMetricWatcher} gives it, so Pharos configurations carry over). {@code good = 0} switches the lower bound off. An
 * empty value switches timing thresholds off altogether. Immutable.
 */
final class Thresholds {

    /** No timing verdict: every response time is OK. */
    static final Thresholds NONE = new Thresholds(0, Long.MAX_VALUE, Long.MAX_VALUE, "");

    private final long good;
    private final long warning;
    private final long critical;
    private final String text;

    private Thresholds(long good, long warning, long critical, String text) {
        this.good = good;
        this.warning = warning;
        this.critical = critical;
        this.text = text;
    }

    /**
     * @param text {@code good,warning,critical} durations ({@code 0ms,500ms,1s}), or empty for none
     * @throws IllegalArgumentException starting with {@code thresholds:} unless three durations with
     *                                  good &lt; warning &lt;= critical
     */
    static Thresholds parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        String[] parts = text.split(",");
        if (parts.length != 3) {
            throw new IllegalArgumentException("thresholds: expected three durations good,warning,critical such as"
                    + " 0ms,500ms,1s (or nothing), got '" + text + "'");
        }
        long g = Units.durationMillis("thresholds", parts[0]);
        long w = Units.durationMillis("thresholds", parts[1]);
        long c = Units.durationMillis("thresholds", parts[2]);
        if (!(g < w && w <= c)) {
            throw new IllegalArgumentException("thresholds: need good < warning <= critical, got '" + text + "'");
        }
        return new Thresholds(g, w, c, text.trim());
    }

    /** The verdict on a total time in milliseconds. */
    CheckStatus classify(double totalMillis) {
        if (totalMillis >= critical) {
            return CheckStatus.CRITICAL;
        }
        if (totalMillis >= warning) {
            return CheckStatus.WARNING;
        }
        if (good > 0 && totalMillis <= good) {
            return CheckStatus.WARNING;
        }
        return CheckStatus.OK;
    }

    /** Why {@link #classify} said what it said, for the check's message ({@code ""} when OK). */
    String explain(double totalMillis) {
        if (totalMillis >= critical) {
            return "slower than critical " + Units.formatDuration(critical);
        }
        if (totalMillis >= warning) {
            return "slower than warning " + Units.formatDuration(warning);
        }
        if (good > 0 && totalMillis <= good) {
            return "suspiciously fast (at most good " + Units.formatDuration(good) + ")";
        }
        return "";
    }

    @Override
    public String toString() {
        return text;
    }
}
