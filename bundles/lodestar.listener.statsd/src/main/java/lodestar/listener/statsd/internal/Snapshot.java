package lodestar.listener.statsd.internal;

/** What one shard aggregated in one flush window, handed from the shard thread to the flusher. */
final class Snapshot {

    SeriesId[] counterIds = new SeriesId[0];
    double[] counterValues = new double[0];
    SeriesId[] timerIds = new SeriesId[0];
    /** the window's values, unsorted */
    double[][] timerValues = new double[0][];
    double[] timerCounts = new double[0];
    /** the full key (for histogram rules, which match on it) */
    String[] timerKeys = new String[0];
    SeriesId[] gaugeIds = new SeriesId[0];
    double[] gaugeValues = new double[0];
    SeriesId[] setIds = new SeriesId[0];
    int[] setSizes = new int[0];
    long metricsReceived;
    long badLines;
}
