package lodestar.api;

/**
 * Points of one series, oldest first: {@code timestamps[i]} (epoch millis) has {@code values[i]}.
 *
 * @param key        the series key
 * @param timestamps epoch millis, ascending
 * @param values     values at those times; a bucket with no data is absent, not NaN
 */
public record TimeSeries(String key, long[] timestamps, double[] values) {

    public int size() {
        return timestamps.length;
    }

    public static TimeSeries empty(String key) {
        return new TimeSeries(key, new long[0], new double[0]);
    }
}
