package lodestar.support.cardinality;

import lodestar.support.config.Units;

/**
 * How many series one table (a listener's aggregates, the store's series) may hold, and how fast it may grow.
 * Immutable; a new configuration makes a new one. Error messages start with the property names every component
 * uses for these limits ({@value #MAX_SERIES}, {@value #MAX_NEW_SERIES}, {@value #NEW_SERIES_INTERVAL},
 * {@value #SERIES_OVERFLOW}).
 *
 * @param maxSeries               series held at once; a new one beyond them is refused
 * @param maxNewSeries            new series let in per {@code newSeriesIntervalMillis}; 0 for no such limit
 * @param newSeriesIntervalMillis the window {@code maxNewSeries} counts in
 * @param overflow                what becomes of a refused series' values
 */
public record CardinalityLimits(int maxSeries, int maxNewSeries, long newSeriesIntervalMillis, Overflow overflow) {

    public static final String MAX_SERIES = "maxSeries";
    public static final String MAX_NEW_SERIES = "maxNewSeries";
    public static final String NEW_SERIES_INTERVAL = "newSeriesInterval";
    public static final String SERIES_OVERFLOW = "seriesOverflow";

    /** @throws IllegalArgumentException whose message starts with the property at fault */
    public CardinalityLimits {
        if (maxSeries < 1) {
            throw new IllegalArgumentException(MAX_SERIES + ": must be at least 1, got " + maxSeries);
        }
        if (maxNewSeries < 0) {
            throw new IllegalArgumentException(MAX_NEW_SERIES + ": must be 0 (no limit) or more, got " + maxNewSeries);
        }
        if (newSeriesIntervalMillis <= 0) {
            throw new IllegalArgumentException(NEW_SERIES_INTERVAL + ": must be a positive duration, got " + newSeriesIntervalMillis + "ms");
        }
        if (overflow == null) {
            throw new IllegalArgumentException(SERIES_OVERFLOW + ": expected drop or fold, got nothing");
        }
    }

    /**
     * The limits as a configuration writes them ({@code newSeriesInterval} a duration such as {@code 1m},
     * {@code seriesOverflow} {@code drop} or {@code fold}).
     *
     * @throws IllegalArgumentException whose message starts with the property at fault
     */
    public static CardinalityLimits of(int maxSeries, int maxNewSeries, String newSeriesInterval, String seriesOverflow) {
        return new CardinalityLimits(maxSeries, maxNewSeries, Units.positiveDurationMillis(NEW_SERIES_INTERVAL, newSeriesInterval),
                Overflow.parse(SERIES_OVERFLOW, seriesOverflow));
    }

    /** Like {@link #of} for a table whose refused series can only be dropped (no overflow series makes sense there). */
    public static CardinalityLimits dropping(int maxSeries, int maxNewSeries, String newSeriesInterval) {
        return of(maxSeries, maxNewSeries, newSeriesInterval, "drop");
    }

    /** For the log, in words that do not depend on a component's property names: {@code 100000 series, 20000 new per 1m0s, drop}. */
    String describe() {
        String rate = maxNewSeries == 0 ? "no limit on new ones" : maxNewSeries + " new per " + Units.formatAge(newSeriesIntervalMillis);
        return maxSeries + " series, " + rate + ", " + overflow.word();
    }
}
