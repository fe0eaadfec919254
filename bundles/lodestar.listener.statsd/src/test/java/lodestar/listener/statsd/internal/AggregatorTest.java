package lodestar.listener.statsd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.log.RateLimitedLog;

class AggregatorTest {

    static final long NOW = 1_700_000_000_000L;

    final List<String> logged = new ArrayList<>();
    Settings settings;
    Aggregator agg;
    Flusher flusher;
    long packets;

    AggregatorTest() {
        configure("flushInterval", "10s");
    }

    /** A fresh aggregator and flusher with these configuration values (defaults for the others). */
    void configure(Object... kv) {
        settings = EngineTest.configured(kv);
        agg = new Aggregator(settings, new RateLimitedLog(60_000, logged::add), EngineTest.guard(settings));
        flusher = new Flusher(settings);
    }

    void send(String packet) {
        send(packet.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] b) {
        packets++;
        agg.packet(b, 0, b.length);
    }

    Map<String, Sample> flush() {
        List<Sample> l = flusher.flush(new Snapshot[] {agg.snapshot()}, packets, 0, 0, NOW);
        packets = 0;
        Map<String, Sample> m = new LinkedHashMap<>();
        for (Sample s : l) {
            assertNull(m.put(s.seriesKey(), s), "duplicate " + s);
            assertEquals(NOW, s.timestamp());
        }
        return m;
    }

    static double v(Map<String, Sample> m, String key) {
        Sample s = m.get(key);
        assertTrue(s != null, () -> key + " missing in " + m.keySet());
        return s.value();
    }

    @Test
    void countersWithSampleRateAndSeveralValuesPerName() {
        send("a:1|c\na:2|c|@0.5\na:3|c:4|c\nb:-1.5|c");
        Map<String, Sample> m = flush();
        assertEquals(12.0, v(m, "stats_counts.a"));
        assertEquals(1.2, v(m, "stats.a"));
        assertEquals(Kind.RATE, m.get("stats.a").kind());
        assertEquals(Kind.DELTA, m.get("stats_counts.a").kind());
        assertEquals(-1.5, v(m, "stats_counts.b"));
        assertEquals(1.0, v(m, "stats_counts.statsd.packets_received"));
        assertEquals(4.0, v(m, "stats_counts.statsd.metrics_received"));
        assertEquals(0.0, v(m, "stats_counts.statsd.bad_lines_seen"));
        assertEquals(0.1, v(m, "stats.statsd.packets_received"));
        // counters stay (at 0) after a flush, as in Etsy
        Map<String, Sample> m2 = flush();
        assertEquals(0.0, v(m2, "stats_counts.a"));
        assertEquals(0.0, v(m2, "stats.a"));
        assertEquals(6.0, v(m2, "statsd.numStats")); // a, b, 3 own counters, the timestamp_lag gauge
    }

    @Test
    void timersAllStatistics() {
        StringBuilder b = new StringBuilder();
        for (int i = 10; i >= 1; i--) {
            b.append("t:").append(i).append("|ms\n");
        }
        send(b.toString());
        send("t:5|ms|@0.5"); // counts twice, one value
        Map<String, Sample> m = flush();
        // values 1..10 plus 5: 11 values
        assertEquals(12.0, v(m, "stats.timers.t.count"));
        assertEquals(1.2, v(m, "stats.timers.t.count_ps"));
        assertEquals(Kind.RATE, m.get("stats.timers.t.count_ps").kind());
        assertEquals(1.0, v(m, "stats.timers.t.lower"));
        assertEquals(10.0, v(m, "stats.timers.t.upper"));
        assertEquals(60.0, v(m, "stats.timers.t.sum"));
        assertEquals(410.0, v(m, "stats.timers.t.sum_squares"));
        assertEquals(60.0 / 11, v(m, "stats.timers.t.mean"));
        assertEquals(5.0, v(m, "stats.timers.t.median"));
        double mean = 60.0 / 11, d = 0;
        for (double x : new double[] {1, 2, 3, 4, 5, 5, 6, 7, 8, 9, 10}) {
            d += (x - mean) * (x - mean);
        }
        assertEquals(Math.sqrt(d / 11), v(m, "stats.timers.t.std"));
        // 90th: round(0.9 * 11) = 10 lowest values: 1,2,3,4,5,5,6,7,8,9
        assertEquals(10.0, v(m, "stats.timers.t.count_90"));
        assertEquals(9.0, v(m, "stats.timers.t.upper_90"));
        assertEquals(50.0, v(m, "stats.timers.t.sum_90"));
        assertEquals(5.0, v(m, "stats.timers.t.mean_90"));
        assertEquals(310.0, v(m, "stats.timers.t.sum_squares_90"));
        assertEquals(Kind.DELTA, m.get("stats.timers.t.count_90").kind());
        // an idle timer flushes count 0 only
        Map<String, Sample> m2 = flush();
        assertEquals(0.0, v(m2, "stats.timers.t.count"));
        assertEquals(0.0, v(m2, "stats.timers.t.count_ps"));
        assertFalse(m2.containsKey("stats.timers.t.mean"));
    }

    @Test
    void histogramTypeIsATimerAndMedianOfEvenCount() {
        send("h:4|h\nh:1|h\nh:3|ms\nh:2|h");
        Map<String, Sample> m = flush();
        assertEquals(2.5, v(m, "stats.timers.h.median"));
        assertEquals(4.0, v(m, "stats.timers.h.count"));
        assertEquals(1.25, v(m, "stats.timers.h.std") * v(m, "stats.timers.h.std"), 1e-12);
    }

    @Test
    void singleTimerValueAndSeveralThresholds() {
        configure("percentThreshold", new String[] {"90", "99.9", "-10", "50"});
        send("one:7|ms");
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            b.append("x:").append(i).append("|ms\n");
        }
        send(b.toString());
        Map<String, Sample> m = flush();
        assertEquals(7.0, v(m, "stats.timers.one.upper_90"));
        assertEquals(7.0, v(m, "stats.timers.one.mean_99_9"));
        assertEquals(7.0, v(m, "stats.timers.one.lower_top10"));
        assertEquals(1.0, v(m, "stats.timers.one.count_top10"));
        // 20 values: top10 -> the 2 highest
        assertEquals(2.0, v(m, "stats.timers.x.count_top10"));
        assertEquals(19.0, v(m, "stats.timers.x.lower_top10"));
        assertEquals(39.0, v(m, "stats.timers.x.sum_top10"));
        assertEquals(19.5, v(m, "stats.timers.x.mean_top10"));
        assertEquals(361.0 + 400.0, v(m, "stats.timers.x.sum_squares_top10"));
        assertEquals(20.0, v(m, "stats.timers.x.count_99_9"));
        assertEquals(10.0, v(m, "stats.timers.x.upper_50"));
    }

    @Test
    void histogramBins() {
        configure("histogram", new String[] {"lat=10,100,inf", "=5"});
        send("api.lat:1|ms\napi.lat:10|ms\napi.lat:50|ms\napi.lat:500|ms\nother:1|ms\nother:7|ms");
        Map<String, Sample> m = flush();
        assertEquals(1.0, v(m, "stats.timers.api.lat.histogram.bin_10"));
        assertEquals(2.0, v(m, "stats.timers.api.lat.histogram.bin_100"));
        assertEquals(1.0, v(m, "stats.timers.api.lat.histogram.bin_inf"));
        assertEquals(1.0, v(m, "stats.timers.other.histogram.bin_5")); // 7 is beyond the last bin: ignored
    }

    @Test
    void calculatedTimerMetricsFilter() {
        configure("calculatedTimerMetrics", new String[] {"count", "upper_percent"});
        send("t:1|ms\nt:2|ms");
        Map<String, Sample> m = flush();
        assertTrue(m.containsKey("stats.timers.t.count"));
        assertTrue(m.containsKey("stats.timers.t.upper_90"));
        assertFalse(m.containsKey("stats.timers.t.mean"));
        assertFalse(m.containsKey("stats.timers.t.count_90"));
    }

    @Test
    void gaugesAbsoluteAndDeltas() {
        send("g:10|g\ng:+5|g\ng:-3|g\nd:+4|g\nz:-2|g\nf:1.5|g|@0.1");
        Map<String, Sample> m = flush();
        assertEquals(12.0, v(m, "stats.gauges.g"));
        assertEquals(4.0, v(m, "stats.gauges.d"));
        assertEquals(-2.0, v(m, "stats.gauges.z"));
        assertEquals(1.5, v(m, "stats.gauges.f"));
        assertEquals(Kind.GAUGE, m.get("stats.gauges.g").kind());
        send("g:-1|g");
        Map<String, Sample> m2 = flush();
        assertEquals(11.0, v(m2, "stats.gauges.g"));
        assertEquals(4.0, v(m2, "stats.gauges.d")); // kept
        send("g:0|g\ng:+2|g");
        assertEquals(2.0, v(flush(), "stats.gauges.g"));
    }

    @Test
    void setsCountDistinctMembers() {
        send("s:a|s\ns:b|s\ns:a|s\ns:|s\ns:0|s\nu:x|s|@0.5");
        Map<String, Sample> m = flush();
        assertEquals(3.0, v(m, "stats.sets.s.count")); // a, b, 0 (empty is "0")
        assertEquals(1.0, v(m, "stats.sets.u.count"));
        assertEquals(0.0, v(flush(), "stats.sets.s.count"));
    }

    @Test
    void dogstatsdTags() {
        send("req:1|c|#host:a,env:prod\nreq:2|c|#host:a,env:prod\nreq:5|c\nlat:3|ms|@0.5|#k2,x:y:z");
        Map<String, Sample> m = flush();
        // Etsy keys differ by tag order; ours by the same key: same order -> one aggregate
        assertEquals(3.0, v(m, "stats_counts.req;env=prod;host=a"));
        assertEquals(Tags.of("env", "prod", "host", "a"), m.get("stats_counts.req;env=prod;host=a").tags());
        assertEquals("stats_counts.req", m.get("stats_counts.req;env=prod;host=a").name());
        assertEquals(5.0, v(m, "stats_counts.req"));
        assertEquals(2.0, v(m, "stats.timers.lat.count;k2=;x=yz"));
    }

    @Test
    void tagsIgnoredWhenDisabled() {
        configure("dogstatsdTags", false);
        send("req:1|c|#host:a\nreq:2|c");
        assertEquals(3.0, v(flush(), "stats_counts.req"));
    }

    @Test
    void namesAreSanitizedLikeEtsy() {
        send("my  metric/x#!:1|c\ngraphite;dc=x:2|c");
        Map<String, Sample> m = flush();
        assertEquals(1.0, v(m, "stats_counts.my_metric-x"));
        assertEquals(2.0, v(m, "stats_counts.graphite;dc=x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            ":1|c", "!!!:1|c", ";a=b:1|c", // empty name
            "a:1", "a:1|", "a:1| ", // missing type
            "a:x|c", "a:|c", "a:1x|c", "a:0x10|c", "a: 1|c", "a:1e|c", "a:--1|c", "a:.|c", // bad number
            "a:NaN|c", "a:Infinity|g", "a:-Infinity|ms", "a:1e999|c", // NaN/Infinity
            "a:1|c|@", "a:1|c|@abc", "a:1|c|@-0.5", "a:1|c|@0", "a:1|c|0.5", "a:1|c|@1e-2", "a:1|c|@1.2.3", // bad rate
            "a:-1|ms", "a:-0.5|h", // negative timer
            "a:1|zz", "a:1|cc", // unknown type
            "nocolon", "a|#t:1", // no value
    })
    void malformedLineIsCountedAndGoodLinesSurvive(String bad) {
        send("good:1|c\n" + bad + "\ngood:2|c");
        Map<String, Sample> m = flush();
        assertEquals(3.0, v(m, "stats_counts.good"), bad);
        assertEquals(1.0, v(m, "stats_counts.statsd.bad_lines_seen"), bad);
        assertEquals(3.0, v(m, "stats_counts.statsd.metrics_received"), bad);
        assertEquals(1, logged.size());
        assertTrue(logged.get(0).startsWith("statsd: bad line"), logged.get(0));
        assertFalse(m.keySet().stream().anyMatch(k -> k.contains(".a") || k.contains("nocolon")), m.keySet().toString());
    }

    @Test
    void overlongAndNonUtf8Lines() {
        configure("maxLineLength", 64);
        String longName = "x".repeat(70);
        byte[] latin1 = "bad\u00e9:1|c".getBytes(StandardCharsets.ISO_8859_1); // lone 0xE9: not UTF-8
        byte[] truncated = {'a', (byte) 0xe2, (byte) 0x82, ':', '1', '|', 'c'};
        byte[] overlongForm = {'a', (byte) 0xc0, (byte) 0xaf, ':', '1', '|', 'c'};
        java.io.ByteArrayOutputStream p = new java.io.ByteArrayOutputStream();
        for (byte[] part : new byte[][] {"good:1|c\n".getBytes(), (longName + ":1|c\n").getBytes(), latin1, "\n".getBytes(),
                truncated, "\n".getBytes(), overlongForm, "\nutf\u00e9:1|c\ngood:1|c".getBytes(StandardCharsets.UTF_8)}) {
            p.writeBytes(part);
        }
        send(p.toByteArray());
        Map<String, Sample> m = flush();
        assertEquals(2.0, v(m, "stats_counts.good"));
        assertEquals(1.0, v(m, "stats_counts.utf")); // valid UTF-8, sanitized away like Etsy
        assertEquals(4.0, v(m, "stats_counts.statsd.bad_lines_seen"));
        assertEquals(7.0, v(m, "stats_counts.statsd.metrics_received"));
    }

    @Test
    void badValueAmongSeveralValuesCountsOnce() {
        send("a:1|c:x|c:2|c\n\n\n");
        Map<String, Sample> m = flush();
        assertEquals(3.0, v(m, "stats_counts.a"));
        assertEquals(1.0, v(m, "stats_counts.statsd.bad_lines_seen"));
        assertEquals(1.0, v(m, "stats_counts.statsd.metrics_received")); // empty lines are not metrics
    }

    @Test
    void crlfAndTypeWhitespaceAreTolerated() {
        send("a:1|c\r\nt:2|ms\r\ng:3|g\r\n");
        Map<String, Sample> m = flush();
        assertEquals(1.0, v(m, "stats_counts.a"));
        assertEquals(2.0, v(m, "stats.timers.t.upper"));
        assertEquals(3.0, v(m, "stats.gauges.g"));
    }

    @Test
    void nonLegacyNamespaceWithPrefixesAndSuffix() {
        configure("legacyNamespace", false, "globalPrefix", "p", "prefixCounter", "", "prefixGauge", "gg", "globalSuffix", "sfx");
        send("c:1|c\nt:1|ms\ng:1|g\ns:1|s|#k:v");
        Map<String, Sample> m = flush();
        assertEquals(0.1, v(m, "p.c.rate.sfx"));
        assertEquals(1.0, v(m, "p.c.count.sfx"));
        assertEquals(1.0, v(m, "p.timers.t.mean.sfx"));
        assertEquals(1.0, v(m, "p.gg.g.sfx"));
        assertEquals(1.0, v(m, "p.sets.s.count.sfx;k=v"));
        assertEquals(1.0, v(m, "p.statsd.packets_received.count.sfx"));
        assertEquals(7.0, v(m, "p.statsd.numStats.sfx"));
        assertTrue(m.containsKey("p.statsd.processing_time.sfx"));
    }

    @Test
    void flushCountsOff() {
        configure("flushCounts", false);
        send("c:1|c");
        Map<String, Sample> m = flush();
        assertEquals(0.1, v(m, "stats.c"));
        assertFalse(m.containsKey("stats_counts.c"));
    }

    @Test
    void deleteIdleStats() {
        configure("deleteIdleStats", true);
        send("c:1|c\nt:1|ms\ng:1|g\ns:1|s\nmy.packets_received:1|c");
        Map<String, Sample> m = flush();
        assertEquals(8.0, v(m, "statsd.numStats"));
        Map<String, Sample> m2 = flush();
        assertFalse(m2.containsKey("stats_counts.c"));
        assertFalse(m2.containsKey("stats.timers.t.count"));
        assertFalse(m2.containsKey("stats.gauges.g"));
        assertFalse(m2.containsKey("stats.sets.s.count"));
        // Etsy keeps counters whose key contains packets_received, metrics_received or bad_lines_seen
        assertEquals(0.0, v(m2, "stats_counts.my.packets_received"));
        assertEquals(0.0, v(m2, "stats_counts.statsd.packets_received"));
    }

    @Test
    void gaugesMaxTtl() {
        configure("deleteGauges", "true", "gaugesMaxTTL", 2);
        send("g:5|g");
        assertEquals(5.0, v(flush(), "stats.gauges.g"));
        assertEquals(5.0, v(flush(), "stats.gauges.g"));
        assertFalse(flush().containsKey("stats.gauges.g"));
    }

    @Test
    void timestampLagFromTheSecondFlush() {
        List<Sample> a = flusher.flush(new Snapshot[] {agg.snapshot()}, 0, 0, 0, NOW);
        assertFalse(a.stream().anyMatch(s -> s.name().equals("stats.gauges.statsd.timestamp_lag")));
        List<Sample> b = flusher.flush(new Snapshot[] {agg.snapshot()}, 0, 0, 0, NOW + 10_500);
        Sample lag = b.stream().filter(s -> s.name().equals("stats.gauges.statsd.timestamp_lag")).findFirst().orElseThrow();
        assertEquals(0.5, lag.value());
    }

    @Test
    void kernelAndQueueDropsAreCounters() {
        List<Sample> l = flusher.flush(new Snapshot[] {agg.snapshot()}, 0, 7, 3, NOW);
        assertTrue(l.contains(new Sample("stats_counts.statsd.kernel_drops", Tags.EMPTY, 7, NOW, Kind.DELTA)));
        assertTrue(l.contains(new Sample("stats_counts.statsd.queue_drops", Tags.EMPTY, 3, NOW, Kind.DELTA)));
        assertTrue(l.contains(new Sample("statsd.numStats", Tags.EMPTY, 3, NOW, Kind.GAUGE)));
    }
}
