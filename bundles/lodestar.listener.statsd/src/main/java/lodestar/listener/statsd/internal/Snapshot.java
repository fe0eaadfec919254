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

    /** The overflow key, when this shard folded values of refused keys into it in the window (else null). */
    SeriesId overflowId;
    boolean foldedCounter;
    double overflowCounter;
    /** null when no timer value was folded */
    double[] overflowTimerValues;
    double overflowTimerCount;
    boolean foldedGauge;
    double overflowGauge;
    /** {@link System#nanoTime()} of the shard's last folded gauge value */
    long overflowGaugeAt;
    /** -1 when no set member was folded */
    int overflowSetSize = -1;

    /**
     * The shards' overflow keys as one more snapshot, so they flush like any key, once: counters added, timer
     * values pooled, the gauge value folded last, set sizes added (each shard's distinct members). Null when no
     * shard folded anything in the window.
     */
    static Snapshot overflow(Snapshot[] shards) {
        Snapshot o = null;
        double counter = 0;
        boolean anyCounter = false;
        int timerValues = 0;
        boolean anyTimer = false;
        double timerCount = 0;
        Snapshot latestGauge = null;
        int setSize = -1;
        for (Snapshot sn : shards) {
            if (sn.overflowId == null) {
                continue;
            }
            if (o == null) {
                o = new Snapshot();
            }
            if (sn.foldedCounter) {
                anyCounter = true;
                counter += sn.overflowCounter;
            }
            if (sn.overflowTimerValues != null) {
                anyTimer = true;
                timerValues += sn.overflowTimerValues.length;
                timerCount += sn.overflowTimerCount;
            }
            if (sn.foldedGauge && (latestGauge == null || sn.overflowGaugeAt - latestGauge.overflowGaugeAt > 0)) {
                latestGauge = sn;
            }
            if (sn.overflowSetSize >= 0) {
                setSize = Math.max(0, setSize) + sn.overflowSetSize;
            }
        }
        if (o == null) {
            return null;
        }
        SeriesId id = null;
        for (Snapshot sn : shards) {
            if (sn.overflowId != null) {
                id = sn.overflowId;
            }
        }
        if (anyCounter) {
            o.counterIds = new SeriesId[] {id};
            o.counterValues = new double[] {counter};
        }
        if (anyTimer) {
            double[] pooled = new double[timerValues];
            int at = 0;
            for (Snapshot sn : shards) {
                if (sn.overflowTimerValues != null) {
                    System.arraycopy(sn.overflowTimerValues, 0, pooled, at, sn.overflowTimerValues.length);
                    at += sn.overflowTimerValues.length;
                }
            }
            o.timerIds = new SeriesId[] {id};
            o.timerValues = new double[][] {pooled};
            o.timerCounts = new double[] {timerCount};
            o.timerKeys = new String[] {null};
        }
        if (latestGauge != null) {
            o.gaugeIds = new SeriesId[] {id};
            o.gaugeValues = new double[] {latestGauge.overflowGauge};
        }
        if (setSize >= 0) {
            o.setIds = new SeriesId[] {id};
            o.setSizes = new int[] {setSize};
        }
        return o;
    }
}
