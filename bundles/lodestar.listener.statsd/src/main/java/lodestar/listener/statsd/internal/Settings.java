package lodestar.listener.statsd.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import lodestar.support.config.Units;

/**
 * The validated, resolved configuration of one listener (what {@link StatsdListener.Config} says, with
 * Etsy's defaults and inheritance rules applied). Built once, then only read.
 */
final class Settings {

    String bind = "127.0.0.1";
    int port = 8125;
    boolean tcp;
    long flushMillis = 10_000;
    long receiveBuffer = 8L << 20;
    int shards = defaultShards();
    int maxLineLength = 4096;
    int queueBatches = 128;

    String prefixStats = "statsd";
    String globalPrefix = "stats";
    String prefixCounter = "counters";
    String prefixTimer = "timers";
    String prefixGauge = "gauges";
    String prefixSet = "sets";
    String globalSuffix = "";
    boolean legacyNamespace = true;
    boolean flushCounts = true;
    boolean dogstatsdTags = true;

    double[] percentThreshold = {90};
    /** Etsy's label for each threshold: 90, 99_9, top10 */
    String[] percentLabels = {"90"};
    List<Histogram> histograms = List.of();
    List<String> calculatedTimerMetrics = List.of();

    boolean deleteCounters;
    boolean deleteTimers;
    boolean deleteSets;
    boolean deleteGauges;
    int gaugesMaxTTL = 1;

    /** One histogram rule: timers whose key contains {@code metric} get these bins (upper bounds, exclusive). */
    record Histogram(String metric, double[] bins, String[] labels) {
    }

    /** One parser/aggregator thread per core (the receiver thread mostly sleeps between wake-ups). */
    static int defaultShards() {
        return Math.max(1, Math.min(64, Runtime.getRuntime().availableProcessors()));
    }

    static Settings from(StatsdListener.Config c) {
        Settings s = new Settings();
        s.bind = c.bind() == null || c.bind().isBlank() ? "127.0.0.1" : c.bind().trim();
        s.port = Units.port("port", c.port());
        s.tcp = c.tcp();
        s.flushMillis = Units.positiveDurationMillis("flushInterval", c.flushInterval());
        s.receiveBuffer = Units.bytes("receiveBuffer", c.receiveBuffer());
        if (s.receiveBuffer > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("receiveBuffer: at most 2GB, got '" + c.receiveBuffer() + "'");
        }
        if (c.shards() < 0 || c.shards() > 64) {
            throw new IllegalArgumentException("shards: must be between 0 (auto) and 64, got " + c.shards());
        }
        s.shards = c.shards() == 0 ? defaultShards() : c.shards();
        if (c.maxLineLength() < 16 || c.maxLineLength() > 65536) {
            throw new IllegalArgumentException("maxLineLength: must be between 16 and 65536, got " + c.maxLineLength());
        }
        s.maxLineLength = c.maxLineLength();
        s.prefixStats = nn(c.prefixStats());
        s.globalPrefix = nn(c.globalPrefix());
        s.prefixCounter = nn(c.prefixCounter());
        s.prefixTimer = nn(c.prefixTimer());
        s.prefixGauge = nn(c.prefixGauge());
        s.prefixSet = nn(c.prefixSet());
        s.globalSuffix = nn(c.globalSuffix());
        s.legacyNamespace = c.legacyNamespace();
        s.flushCounts = c.flushCounts();
        s.dogstatsdTags = c.dogstatsdTags();
        s.setPercentThreshold(c.percentThreshold());
        s.setHistograms(c.histogram());
        s.calculatedTimerMetrics = c.calculatedTimerMetrics() == null ? List.of()
                : List.of(c.calculatedTimerMetrics()).stream().map(String::trim).filter(x -> !x.isEmpty()).toList();
        boolean idle = c.deleteIdleStats();
        s.deleteCounters = tri("deleteCounters", c.deleteCounters(), idle);
        s.deleteTimers = tri("deleteTimers", c.deleteTimers(), idle);
        s.deleteSets = tri("deleteSets", c.deleteSets(), idle);
        s.deleteGauges = tri("deleteGauges", c.deleteGauges(), idle);
        // Etsy forces gaugesMaxTTL to 1 unless it is an integer > 1
        s.gaugesMaxTTL = Math.max(1, c.gaugesMaxTTL());
        return s;
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

    void setPercentThreshold(String... values) {
        List<Double> p = new ArrayList<>();
        List<String> l = new ArrayList<>();
        for (String v : values == null ? new String[0] : values) {
            for (String part : v.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                double d;
                try {
                    d = Double.parseDouble(part.trim());
                } catch (NumberFormatException e) {
                    d = Double.NaN;
                }
                if (!(Math.abs(d) > 0 && Math.abs(d) <= 100)) {
                    throw new IllegalArgumentException("percentThreshold: expected numbers in -100..100 other than 0, got '" + part + "'");
                }
                p.add(d);
                l.add(jsNumber(d).replaceFirst("\\.", "_").replaceFirst("-", "top"));
            }
        }
        percentThreshold = p.stream().mapToDouble(Double::doubleValue).toArray();
        percentLabels = l.toArray(new String[0]);
    }

    /** Rules {@code substring=bin,bin,...,inf}; the first rule whose substring is in the timer's key applies. */
    void setHistograms(String... rules) {
        List<Histogram> h = new ArrayList<>();
        for (String r : rules == null ? new String[0] : rules) {
            if (r.isBlank()) {
                continue;
            }
            int eq = r.lastIndexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("histogram: expected metric=bin,bin,...,inf, got '" + r + "'");
            }
            String[] parts = r.substring(eq + 1).split(",");
            double[] bins = new double[parts.length];
            String[] labels = new String[parts.length];
            for (int i = 0; i < parts.length; i++) {
                String b = parts[i].trim();
                if (b.equals("inf")) {
                    bins[i] = Double.POSITIVE_INFINITY;
                    labels[i] = "bin_inf";
                } else {
                    try {
                        bins[i] = Double.parseDouble(b);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("histogram: bad bin '" + b + "' in '" + r + "'");
                    }
                    labels[i] = "bin_" + jsNumber(bins[i]).replaceFirst("\\.", "_");
                }
            }
            h.add(new Histogram(r.substring(0, eq).trim(), bins, labels));
        }
        histograms = List.copyOf(h);
    }

    /** A number as JavaScript's String(n) writes it, for the plain values configurations use. */
    static String jsNumber(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e21) {
            return Long.toString((long) d);
        }
        return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }
}
