package lodestar.listener.statsd.internal;

import java.util.ArrayList;
import java.util.List;

import lodestar.support.cardinality.CardinalityLimits;
import lodestar.support.config.Units;
import lodestar.support.net.TcpConnections;
import lodestar.support.stats.TimerStats;
import lodestar.support.stats.TimerStats.Percentile;

/**
 * The validated, resolved configuration of one listener: what {@link StatsdListener.Config} says, with Etsy's
 * defaults and inheritance rules applied.
 *
 * @param shards      parser/aggregator threads (0 in the configuration resolved to one per core)
 * @param percentiles timer percentiles in configuration order, each with Etsy's label ({@code 90}, {@code 99_9},
 *                    {@code top10})
 * @param histograms  the first rule whose metric is in a timer's key gives its bins
 * @param cardinality how many keys the shards hold together, how fast new ones come in, what becomes of the rest
 * @param seriesTimeoutMillis a key idle this long is forgotten; 0: never
 */
record Settings(String bind, int port, boolean tcp, long receiveBuffer, int maxConnections, long idleTimeoutMillis,
        long connectionMemory, long queueMemory, int shards, int maxLineLength,
        long flushMillis, boolean dogstatsdTags, boolean legacyNamespace, String prefixStats, String globalPrefix,
        String prefixCounter, String prefixTimer, String prefixGauge, String prefixSet, String globalSuffix, boolean flushCounts,
        List<TimerStats.Percentile> percentiles, List<Histogram> histograms, List<String> calculatedTimerMetrics, boolean deleteCounters,
        boolean deleteTimers, boolean deleteSets, boolean deleteGauges, int gaugesMaxTTL, CardinalityLimits cardinality,
        long seriesTimeoutMillis) {

    /** One histogram rule: timers whose key contains {@code metric} get these bins. */
    record Histogram(String metric, List<Bin> bins) {
    }

    /** One histogram bin: values below {@code upper} (exclusive; infinity for the last), named {@code label}. */
    record Bin(double upper, String label) {
    }

    /** @throws IllegalArgumentException whose message starts with the property at fault */
    static Settings from(StatsdListener.Config c) {
        String bind = c.bind() == null || c.bind().isBlank() ? "127.0.0.1" : c.bind().trim();
        int port = Units.port("port", c.port());
        long flushMillis = Units.positiveDurationMillis("flushInterval", c.flushInterval());
        long receiveBuffer = Units.bytes("receiveBuffer", c.receiveBuffer());
        if (receiveBuffer > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("receiveBuffer: at most 2GB, got '" + c.receiveBuffer() + "'");
        }
        if (c.maxConnections() < 1) {
            throw new IllegalArgumentException("maxConnections: must be at least 1, got " + c.maxConnections());
        }
        if (c.shards() < 0 || c.shards() > 64) {
            throw new IllegalArgumentException("shards: must be between 0 (auto) and 64, got " + c.shards());
        }
        if (c.maxLineLength() < 16 || c.maxLineLength() > 65536) {
            throw new IllegalArgumentException("maxLineLength: must be between 16 and 65536, got " + c.maxLineLength());
        }
        long idleTimeoutMillis = Units.positiveDurationMillis("idleTimeout", c.idleTimeout());
        long queueMemory = Units.bytes("queueMemory", c.queueMemory());
        if (queueMemory < 1024 * 1024) {
            throw new IllegalArgumentException("queueMemory: at least 1MB, got '" + c.queueMemory() + "'");
        }
        long connectionMemory = Units.bytes("connectionMemory", c.connectionMemory());
        if (connectionMemory <= c.maxLineLength()) {
            throw new IllegalArgumentException("connectionMemory: must hold more than one line of maxLineLength ("
                    + c.maxLineLength() + " bytes), got '" + c.connectionMemory() + "'");
        }
        List<String> calculated = c.calculatedTimerMetrics() == null ? List.of()
                : List.of(c.calculatedTimerMetrics()).stream().map(String::trim).filter(x -> !x.isEmpty()).toList();
        boolean idle = c.deleteIdleStats();
        return new Settings(bind, port, c.tcp(), receiveBuffer, c.maxConnections(), idleTimeoutMillis, connectionMemory, queueMemory,
                c.shards() == 0 ? defaultShards() : c.shards(),
                c.maxLineLength(), flushMillis, c.dogstatsdTags(), c.legacyNamespace(), nn(c.prefixStats()), nn(c.globalPrefix()),
                nn(c.prefixCounter()), nn(c.prefixTimer()), nn(c.prefixGauge()), nn(c.prefixSet()), nn(c.globalSuffix()), c.flushCounts(),
                percentiles(c.percentThreshold()), histograms(c.histogram()), calculated,
                tri("deleteCounters", c.deleteCounters(), idle), tri("deleteTimers", c.deleteTimers(), idle),
                tri("deleteSets", c.deleteSets(), idle), tri("deleteGauges", c.deleteGauges(), idle),
                // Etsy forces gaugesMaxTTL to 1 unless it is an integer > 1
                Math.max(1, c.gaugesMaxTTL()),
                CardinalityLimits.of(c.maxSeries(), c.maxNewSeries(), c.newSeriesInterval(), c.seriesOverflow()),
                Units.durationMillis("seriesTimeout", c.seriesTimeout()));
    }

    /** What the sockets are opened with: a change of it needs new sockets. */
    record Socket(String bind, int port, boolean tcp, long receiveBuffer) {
    }

    Socket socket() {
        return new Socket(bind, port, tcp, receiveBuffer);
    }

    /**
     * Batches of received lines each shard's queue holds, so that all of them together hold at most
     * {@code queueMemory} (at least two per shard).
     */
    int queueBatches() {
        return (int) Math.max(2, Math.min(Shard.QUEUE_BATCHES, queueMemory / shards / Batch.BYTES));
    }

    /** The guards of the TCP connections: how many, how long silent, how much unfinished input together. */
    TcpConnections.Limits tcpLimits() {
        return new TcpConnections.Limits(maxConnections, idleTimeoutMillis, connectionMemory);
    }

    /**
     * Whether {@code other} can keep this configuration's sockets: everything else (line length, the TCP
     * guards, names, flush) applies to what arrives from then on without them.
     */
    boolean sameSocket(Settings other) {
        return socket().equals(other.socket());
    }

    /** One parser/aggregator thread per core (the receiver thread mostly sleeps between wake-ups). */
    static int defaultShards() {
        return Math.max(1, Math.min(64, Runtime.getRuntime().availableProcessors()));
    }

    private static String nn(String s) {
        return s == null ? "" : s.trim();
    }

    /** Etsy: each delete option defaults to deleteIdleStats when not set explicitly. */
    private static boolean tri(String property, String value, boolean inherit) {
        String v = value == null ? "" : value.trim();
        return switch (v) {
            case "" -> inherit;
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(property + ": expected true, false or empty, got '" + value + "'");
        };
    }

    private static List<Percentile> percentiles(String... values) {
        return TimerStats.percentiles("percentThreshold", values);
    }

    /** Rules {@code substring=bin,bin,...,inf}; the first rule whose substring is in the timer's key applies. */
    private static List<Histogram> histograms(String... rules) {
        List<Histogram> h = new ArrayList<>();
        for (String r : rules == null ? new String[0] : rules) {
            if (r.isBlank()) {
                continue;
            }
            int eq = r.lastIndexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("histogram: expected metric=bin,bin,...,inf, got '" + r + "'");
            }
            List<Bin> bins = new ArrayList<>();
            for (String part : r.substring(eq + 1).split(",")) {
                String b = part.trim();
                if (b.equals("inf")) {
                    bins.add(new Bin(Double.POSITIVE_INFINITY, "bin_inf"));
                    continue;
                }
                double upper;
                try {
                    upper = Double.parseDouble(b);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("histogram: bad bin '" + b + "' in '" + r + "'");
                }
                bins.add(new Bin(upper, "bin_" + jsNumber(upper).replaceFirst("\\.", "_")));
            }
            h.add(new Histogram(r.substring(0, eq).trim(), List.copyOf(bins)));
        }
        return List.copyOf(h);
    }

    /** A number as JavaScript's String(n) writes it, for the plain values configurations use. */
    static String jsNumber(double d) {
        return TimerStats.jsNumber(d);
    }
}
