package lodestar.listener.statsd.internal;

/** One aggregation key of one type in a shard; only the fields of its type are used. Shard-thread owned. */
final class Metric {

    final byte[] key;
    final int hash;
    final SeriesId id;
    /** the key's first 16 bytes ({@link Bytes#word}), so short keys compare within this object */
    final long k0;
    final long k1;

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
    /** updated in this window */
    boolean touched;
    /** how long it has gone without an update, in whole flush intervals (for seriesTimeout) */
    long idleMillis;

    Metric(byte[] key, int hash, SeriesId id) {
        this.key = key;
        this.hash = hash;
        this.id = id;
        this.k0 = Bytes.word(key, 0, key.length);
        this.k1 = Bytes.word(key, 8, key.length);
    }

    /** Whether this metric's key is {@code b[0, len)}, whose first 16 bytes are {@code k0, k1}. */
    boolean keyEquals(byte[] b, int len, long k0, long k1) {
        if (this.k0 != k0 || this.k1 != k1 || key.length != len) {
            return false;
        }
        for (int i = 16; i < len; i++) {
            if (key[i] != b[i]) {
                return false;
            }
        }
        return true;
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
