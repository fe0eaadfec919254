package lodestar.web.graphite.internal;

/**
 * What one request may still read: series and points. Checked before each series is read, so a request over
 * the limit is refused before it holds the memory (the API must hold under a small heap).
 */
final class Budget {

    private final int maxSeries;
    private final long maxPoints;
    private int series;
    private long points;

    Budget(int maxSeries, long maxPoints) {
        this.maxSeries = maxSeries;
        this.maxPoints = maxPoints;
    }

    /** Takes one series of {@code n} points, or refuses the request. */
    void take(long n) {
        if (++series > maxSeries) {
            throw new BadRequest("more than maxSeries=" + maxSeries + " series in one request: narrow the targets");
        }
        points += n;
        if (points > maxPoints) {
            throw new BadRequest("more than maxPoints=" + maxPoints + " points in one request: shorten the range");
        }
    }
}
