package lodestar.listener.statsd.internal;

/** One aggregation key of one type in a shard; only the fields of its type are used. Shard-thread owned. */
final class Metric {

    final byte[] key;
    final int hash;
    final SeriesId id;

    /** counter total, or gauge value */
    double value;
    /** gauge: flushes left before an idle gauge is deleted (deleteGauges) */
    int ttl;
    /** timer values of the window */
    double[] values;
    int n;
    /** timer: sum of 1/sampleRate */
    double count;
    /** set members */
    ByteSet set;
    /** touched in this window (for gauges' TTL) */
    boolean touched;

    Metric(byte[] key, int hash, SeriesId id) {
        this.key = key;
        this.hash = hash;
        this.id = id;
    }

    void addTimerValue(double v) {
        if (values == null) {
            values = new double[8];
        } else if (n == values.length) {
            values = java.util.Arrays.copyOf(values, n * 2);
        }
        values[n++] = v;
    }
}
