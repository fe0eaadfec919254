package lodestar.listener.metricsd.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Coda Hale's exponentially decaying reservoir (Cormode et al., forward decay): 1028 values, alpha 0.015,
 * which favours roughly the last 5 minutes. Each value gets the priority weight/random, where the weight
 * grows exponentially with its arrival time; the reservoir keeps the highest priorities. The landmark is
 * moved every hour so the weights stay finite. Memory is bounded whatever the update rate.
 */
final class DecayingReservoir {

    static final int SIZE = 1028;
    static final double ALPHA = 0.015;
    private static final long RESCALE_NANOS = 3_600_000_000_000L;

    private final TreeMap<Double, Double> values = new TreeMap<>();
    private long count;
    private long landmark;
    private long nextRescale;

    DecayingReservoir(long nanos) {
        clear(nanos);
    }

    void update(double value, long nanos) {
        if (nanos >= nextRescale) {
            rescale(nanos);
        }
        double weight = Math.exp(ALPHA * ((nanos - landmark) / 1e9));
        double priority = weight / (1.0 - ThreadLocalRandom.current().nextDouble()); // in (0, 1]: never divide by 0
        count++;
        if (values.size() < SIZE) {
            values.put(priority, value);
        } else if (priority > values.firstKey() && values.putIfAbsent(priority, value) == null) {
            values.pollFirstEntry();
        }
    }

    void clear(long nanos) {
        values.clear();
        count = 0;
        landmark = nanos;
        nextRescale = nanos + RESCALE_NANOS;
    }

    double[] sortedValues() {
        double[] v = new double[values.size()];
        int i = 0;
        for (double d : values.values()) {
            v[i++] = d;
        }
        java.util.Arrays.sort(v);
        return v;
    }

    int size() {
        return values.size();
    }

    /** Scales every priority by the decay since the old landmark; order, and so the sample, is unchanged. */
    private void rescale(long nanos) {
        double factor = Math.exp(-ALPHA * ((nanos - landmark) / 1e9));
        TreeMap<Double, Double> old = new TreeMap<>(values);
        values.clear();
        for (Map.Entry<Double, Double> e : old.entrySet()) {
            values.putIfAbsent(e.getKey() * factor, e.getValue());
        }
        landmark = nanos;
        nextRescale = nanos + RESCALE_NANOS;
    }
}
