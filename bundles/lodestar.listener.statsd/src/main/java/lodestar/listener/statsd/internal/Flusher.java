package lodestar.listener.statsd.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.stats.TimerStats;

/**
 * Turns the shards' snapshots into samples with Etsy's names and values ({@link TimerStats}, shared with the
 * other listeners, for the timer statistics; backends/graphite.js for the names). Runs on one thread, one flush at a time.
 */
final class Flusher {

    private Settings settings;
    private int generation;
    private long lastFlush;
    private final Map<String, Boolean> timerKeyAllowed = new HashMap<>();
    private SeriesId packetsId;
    private SeriesId metricsId;
    private SeriesId badId;
    private SeriesId kernelId;
    private SeriesId queueId;
    private SeriesId lagId;

    private List<String> globalNs;
    private List<String> counterNs;
    private List<String> timerNs;
    private List<String> gaugeNs;
    private List<String> setNs;

    Flusher(Settings s) {
        settings(s);
    }

    void settings(Settings s) {
        settings = s;
        generation++;
        timerKeyAllowed.clear();
        packetsId = new SeriesId(s.prefixStats() + ".packets_received", Tags.EMPTY);
        metricsId = new SeriesId(s.prefixStats() + ".metrics_received", Tags.EMPTY);
        badId = new SeriesId(s.prefixStats() + ".bad_lines_seen", Tags.EMPTY);
        kernelId = new SeriesId(s.prefixStats() + ".kernel_drops", Tags.EMPTY);
        queueId = new SeriesId(s.prefixStats() + ".queue_drops", Tags.EMPTY);
        lagId = new SeriesId(s.prefixStats() + ".timestamp_lag", Tags.EMPTY);
        if (s.legacyNamespace()) {
            globalNs = List.of("stats");
            counterNs = List.of("stats");
            timerNs = List.of("stats", "timers");
            gaugeNs = List.of("stats", "gauges");
            setNs = List.of("stats", "sets");
        } else {
            List<String> g = s.globalPrefix().isEmpty() ? List.of() : List.of(s.globalPrefix());
            globalNs = g;
            counterNs = plus(g, s.prefixCounter());
            timerNs = plus(g, s.prefixTimer());
            gaugeNs = plus(g, s.prefixGauge());
            setNs = plus(g, s.prefixSet());
        }
    }

    private static List<String> plus(List<String> l, String p) {
        if (p.isEmpty()) {
            return l;
        }
        List<String> r = new ArrayList<>(l);
        r.add(p);
        return List.copyOf(r);
    }

    /** Etsy's format(namespace, key, extra...): joined with '.', then the global suffix. */
    private String format(List<String> ns, String name, String... extra) {
        StringBuilder b = new StringBuilder(64);
        for (String n : ns) {
            b.append(n).append('.');
        }
        b.append(name);
        for (String e : extra) {
            b.append('.').append(e);
        }
        if (!settings.globalSuffix().isEmpty()) {
            b.append('.').append(settings.globalSuffix());
        }
        return b.toString();
    }

    private String[] names(SeriesId id, int size) {
        if (id.namesGeneration != generation || id.names == null || id.names.length < size) {
            id.names = new String[size];
            id.namesGeneration = generation;
        }
        return id.names;
    }

    /**
     * One flush: the samples for every key of every shard plus the listener's own metrics.
     *
     * @param packets      datagrams (and TCP chunks) received in the window
     * @param kernelDrops  datagrams the kernel dropped for the socket in the window
     * @param queueDrops   datagrams dropped because parsing fell behind
     * @param now          flush time, epoch millis (every sample's timestamp)
     */
    List<Sample> flush(Snapshot[] shards, long packets, long kernelDrops, long queueDrops, long now) {
        long start = System.nanoTime();
        Settings s = settings;
        List<Sample> out = new ArrayList<>(1024);
        double secs = s.flushMillis() / 1000.0;
        long numStats = 0;
        long metrics = 0;
        long bad = 0;
        for (Snapshot sn : shards) {
            metrics += sn.metricsReceived;
            bad += sn.badLines;
        }
        counter(out, packetsId, packets, secs, now);
        counter(out, metricsId, metrics, secs, now);
        counter(out, badId, bad, secs, now);
        numStats += 3;
        counter(out, kernelId, kernelDrops, secs, now);
        counter(out, queueId, queueDrops, secs, now);
        for (Snapshot sn : shards) {
            for (int i = 0; i < sn.counterIds.length; i++) {
                counter(out, sn.counterIds[i], sn.counterValues[i], secs, now);
            }
            numStats += sn.counterIds.length;
        }
        for (Snapshot sn : shards) {
            for (int i = 0; i < sn.timerIds.length; i++) {
                timer(out, sn.timerIds[i], sn.timerKeys[i], sn.timerValues[i], sn.timerCounts[i], secs, now);
            }
            numStats += sn.timerIds.length;
        }
        if (lastFlush > 0) {
            // Etsy: time since the last flush minus the interval, in seconds
            double lag = (now - lastFlush) / 1000.0 - secs;
            out.add(new Sample(gaugeName(lagId), Tags.EMPTY, lag, now, Kind.GAUGE));
            numStats++;
        }
        lastFlush = now;
        for (Snapshot sn : shards) {
            for (int i = 0; i < sn.gaugeIds.length; i++) {
                SeriesId id = sn.gaugeIds[i];
                out.add(new Sample(gaugeName(id), id.tags, sn.gaugeValues[i], now, Kind.GAUGE));
            }
            numStats += sn.gaugeIds.length;
        }
        for (Snapshot sn : shards) {
            for (int i = 0; i < sn.setIds.length; i++) {
                SeriesId id = sn.setIds[i];
                String[] nm = names(id, 1);
                if (nm[0] == null) {
                    nm[0] = format(setNs, id.name, "count");
                }
                out.add(new Sample(nm[0], id.tags, sn.setSizes[i], now, Kind.GAUGE));
            }
            numStats += sn.setIds.length;
        }
        String numName = s.legacyNamespace() ? s.prefixStats() + ".numStats" + suffix()
                : format(globalNs, s.prefixStats(), "numStats");
        out.add(new Sample(numName, Tags.EMPTY, numStats, now, Kind.GAUGE));
        String ptName = s.legacyNamespace() ? "stats." + s.prefixStats() + ".processing_time" + suffix()
                : format(globalNs, s.prefixStats(), "processing_time");
        out.add(new Sample(ptName, Tags.EMPTY, (System.nanoTime() - start) / 1_000_000L, now, Kind.GAUGE));
        return out;
    }

    private String suffix() {
        return settings.globalSuffix().isEmpty() ? "" : "." + settings.globalSuffix();
    }

    private String gaugeName(SeriesId id) {
        String[] nm = names(id, 1);
        if (nm[0] == null) {
            nm[0] = format(gaugeNs, id.name);
        }
        return nm[0];
    }

    private void counter(List<Sample> out, SeriesId id, double value, double secs, long now) {
        Settings s = settings;
        String[] nm = names(id, 2);
        if (nm[0] == null) {
            nm[0] = s.legacyNamespace() ? format(counterNs, id.name) : format(counterNs, id.name, "rate");
            nm[1] = s.legacyNamespace() ? format(List.of("stats_counts"), id.name) : format(counterNs, id.name, "count");
        }
        out.add(new Sample(nm[0], id.tags, value / secs, now, Kind.RATE));
        if (s.flushCounts()) {
            out.add(new Sample(nm[1], id.tags, value, now, Kind.DELTA));
        }
    }

    /** Etsy's timer statistics, shared with the other listeners; reuses its scratch arrays (one flushing thread) */
    private final TimerStats timerStats = new TimerStats();

    private void timer(List<Sample> out, SeriesId id, String key, double[] values, double counter, double secs, long now) {
        Settings s = settings;
        List<TimerStats.Percentile> percentiles = s.percentiles();
        String[] nm = names(id, TimerStats.slots(percentiles.size()));
        int count = values.length;
        timerStats.compute(values, counter, secs, percentiles, (slot, sub, v, kind) -> emitTimer(out, id, nm, slot, sub, v, kind, now));
        if (count == 0) {
            return;
        }
        if (key != null && allowed("histogram")) {
            for (Settings.Histogram h : s.histograms()) {
                if (key.contains(h.metric())) {
                    int i = 0;
                    for (Settings.Bin bin : h.bins()) {
                        int freq = 0;
                        double upper = bin.upper();
                        for (; i < count && (upper == Double.POSITIVE_INFINITY || values[i] < upper); i++) {
                            freq++;
                        }
                        out.add(new Sample(format(timerNs, id.name, "histogram", bin.label()), id.tags, freq, now, Kind.DELTA));
                    }
                    break;
                }
            }
        }
    }

    private void emitTimer(List<Sample> out, SeriesId id, String[] nm, int slot, String sub, double v, Kind kind, long now) {
        if (!allowed(sub)) {
            return;
        }
        if (nm[slot] == null) {
            nm[slot] = format(timerNs, id.name, sub);
        }
        out.add(new Sample(nm[slot], id.tags, v, now, kind));
    }

    /** Etsy's calculatedTimerMetrics filter ({@code count_90} is listed as {@code count_percent}). */
    private boolean allowed(String sub) {
        List<String> only = settings.calculatedTimerMetrics();
        if (only.isEmpty()) {
            return true;
        }
        return timerKeyAllowed.computeIfAbsent(sub, k -> only.contains(k.replaceAll("_(top)?\\d+$", "_percent")));
    }
}
