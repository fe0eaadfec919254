package lodestar.listener.metricsd;

/** The metric kinds of the MetricsD protocol: the high nibble of a command byte. */
public enum MetricKind {
    /** A running total changed by each update (may go down). */
    COUNTER(0x00),
    /** A value set by each update. */
    GAUGE(0x10),
    /** A distribution of the updated values: count, min, max, mean, stddev, percentiles. */
    HISTOGRAM(0x20),
    /** Events: each update marks that many; count and 1/5/15-minute rates. */
    METER(0x30),
    /** Durations: a histogram of the values and a meter of the calls. */
    TIMER(0x40);

    private final int code;

    MetricKind(int code) {
        this.code = code;
    }

    /** The high nibble, as on the wire. */
    public int code() {
        return code;
    }

    /** The kind for a command byte's high nibble, or null when the protocol has none. */
    public static MetricKind of(int highNibble) {
        for (MetricKind k : values()) {
            if (k.code == highNibble) {
                return k;
            }
        }
        return null;
    }
}
