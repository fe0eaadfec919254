package lodestar.processor.relay.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.testkit.CapturingPipeline;

class RelayProcessorTest {

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);

    /** A pipeline that runs emitted samples through the processor under test, as the core does. */
    private static final class Through extends CapturingPipeline {
        RelayProcessor relay;

        @Override
        public void emitAll(Collection<Sample> batch) {
            for (Sample s : batch) {
                Sample out = relay.process(s);
                if (out != null) {
                    samples.add(out);
                }
            }
        }
    }

    private RelayProcessor relay(Through p, String rules, Object... more) {
        Object[] kv = new Object[more.length + 2];
        kv[0] = "rules";
        kv[1] = rules;
        System.arraycopy(more, 0, kv, 2, more.length);
        RelayProcessor r = new RelayProcessor(lodestar.testkit.Configs.of(RelayProcessor.Config.class, kv), p, Map.of(),
                now::get, false);
        p.relay = r;
        return r;
    }

    private Sample sample(String name, double value) {
        return new Sample(name, Tags.EMPTY, value, now.get(), Kind.GAUGE);
    }

    @Test
    void matchRoutesByTagAndStopEndsTheRules() {
        Through p = new Through();
        RelayProcessor r = relay(p, """
                # carbon-c-relay syntax, comments included
                match ^sys\\. send to system stop;
                match ^app\\.(web|db)\\. send to apps;
                match * send to everything;
                """);
        Sample sys = r.process(sample("sys.cpu.load", 1));
        assertEquals(Map.of("relay_to_system", "1"), sys.tags().asMap());
        Sample app = r.process(sample("app.web.hits", 1));
        assertEquals(Map.of("relay_to_apps", "1", "relay_to_everything", "1"), app.tags().asMap());
        assertEquals(Map.of("relay_to_everything", "1"), r.process(sample("other", 1)).tags().asMap());
    }

    @Test
    void blackholeDropsUnlessRoutedBefore() {
        Through p = new Through();
        RelayProcessor r = relay(p, "match ^debug\\. send to blackhole stop; match * send to main;");
        assertNull(r.process(sample("debug.x", 1)));
        assertEquals("1", r.process(sample("prod.x", 1)).tags().get("relay_to_main"));
        assertEquals(1L, r.status().counters().get("blackholed"));
    }

    @Test
    void rewriteReplacesTheMatchedPartWithGroupsAsCarbonCRelay() {
        Through p = new Through();
        RelayProcessor r = relay(p, """
                rewrite ^servers\\.(dc[0-9]+)\\.([^.]+)\\. into \\2.\\1.;
                rewrite \\.(Requests)$ into .\\_1;
                rewrite ^x\\.(a\\.b)\\.y into x.\\.1.\\^1;
                match * send to main;
                """);
        assertEquals("web01.dc1.cpu.Requests".replace("Requests", "requests"),
                r.process(sample("servers.dc1.web01.cpu.Requests", 1)).name());
        assertEquals("x.a_b.A.B.z", r.process(sample("x.a.b.y.z", 1)).name());
        assertEquals("untouched", r.process(sample("untouched", 1)).name());
    }

    @Test
    void aggregatesEveryComputeOverBucketsAfterTheExpiry() {
        Through p = new Through();
        RelayProcessor r = relay(p, """
                aggregate ^sys\\.(dc[0-9])\\.host[0-9]+\\.load$
                    every 10 seconds expire after 20 seconds
                    timestamp at start of bucket
                    compute sum write to agg.\\1.load.sum
                    compute count write to agg.\\1.load.count
                    compute min write to agg.\\1.load.min
                    compute max write to agg.\\1.load.max
                    compute average write to agg.\\1.load.avg
                    compute median write to agg.\\1.load.median
                    compute percentile90 write to agg.\\1.load.p90
                    compute variance write to agg.\\1.load.var
                    compute stddev write to agg.\\1.load.stddev
                    send to aggregates
                    stop;
                match * send to main;
                """);
        long bucket = now.get() / 10_000 * 10_000;
        for (int i = 1; i <= 10; i++) {
            Sample in = new Sample("sys.dc1.host" + i + ".load", Tags.EMPTY, i, bucket + 1000, Kind.GAUGE);
            Sample out = r.process(in);
            assertTrue(out.tags().isEmpty(), "stop: not routed further");
        }
        r.process(new Sample("sys.dc2.host1.load", Tags.EMPTY, 7, bucket + 2000, Kind.GAUGE));
        r.tick();
        assertEquals(List.of(), p.samples, "not final before the expiry");
        now.set(bucket + 10_000 + 20_000);
        r.tick();
        Map<String, Double> got = new TreeMap<>();
        for (Sample s : p.samples) {
            got.put(s.name(), s.value());
            assertEquals(bucket, s.timestamp());
            assertEquals("1", s.tags().get("relay_to_aggregates"), "send to: routed directly");
            assertEquals(1, s.tags().size(), "not through the match rules");
        }
        assertEquals(55.0, got.get("agg.dc1.load.sum"));
        assertEquals(10.0, got.get("agg.dc1.load.count"));
        assertEquals(1.0, got.get("agg.dc1.load.min"));
        assertEquals(10.0, got.get("agg.dc1.load.max"));
        assertEquals(5.5, got.get("agg.dc1.load.avg"));
        assertEquals(5.0, got.get("agg.dc1.load.median")); // carbon-c-relay's nearest rank: (int)(0.5*10+0.9) = 5th
        assertEquals(9.0, got.get("agg.dc1.load.p90"));
        assertEquals(8.25, got.get("agg.dc1.load.var"), 1e-9);
        assertEquals(Math.sqrt(8.25), got.get("agg.dc1.load.stddev"), 1e-9);
        assertEquals(7.0, got.get("agg.dc2.load.sum"));
        assertEquals(18, got.size());
        assertEquals(0L, r.status().counters().get("aggregate_series"), "final buckets are forgotten");
        // a sample for a bucket already emitted is too late
        r.process(new Sample("sys.dc1.host1.load", Tags.EMPTY, 1, bucket + 1000, Kind.GAUGE));
        assertEquals(1L, r.status().counters().get("too_late"));
    }

    @Test
    void aggregatesWithoutSendToGoThroughTheMatchRulesButAreNotAggregatedAgain() {
        Through p = new Through();
        RelayProcessor r = relay(p, """
                aggregate ^(.*)\\.count$ every 10 seconds expire after 10 seconds compute sum write to \\1.total;
                match \\.total$ send to totals stop;
                match * send to main;
                """);
        long bucket = now.get() / 10_000 * 10_000;
        r.process(new Sample("a.count", Tags.EMPTY, 2, bucket, Kind.GAUGE));
        r.process(new Sample("a.count", Tags.EMPTY, 3, bucket + 5000, Kind.GAUGE));
        now.set(bucket + 20_000);
        r.tick();
        assertEquals(1, p.samples.size());
        Sample s = p.samples.get(0);
        assertEquals("a.total", s.name());
        assertEquals(5.0, s.value());
        assertEquals(bucket + 10_000, s.timestamp(), "carbon-c-relay's default: the end of the bucket");
        assertEquals(Map.of("relay_to_totals", "1"), s.tags().asMap());
    }

    @Test
    void aggregateSeriesAreBounded() {
        Through p = new Through();
        RelayProcessor r = relay(p, "aggregate ^(.*)$ every 60 seconds expire after 60 seconds compute sum write to s.\\1;",
                "maxSeries", 100);
        for (int i = 0; i < 1000; i++) {
            r.process(sample("n" + i, 1));
        }
        assertEquals(100L, r.status().counters().get("aggregate_series"));
        assertEquals(900L, r.status().counters().get("series_over_limit"));
        r.deactivate(); // open buckets are emitted as they stand
        assertEquals(100, p.samples.size());
    }

    @Test
    void badRulesNameTheProblem() {
        Through p = new Through();
        for (String bad : new String[] {"match ^a send to x", "match send to x;", "match ^( send to x;",
                "cluster c carbon_ch 127.0.0.1:2003;", "rewrite ^a into;", "frobnicate;",
                "aggregate ^a every 0 seconds expire after 1 seconds compute sum write to b;",
                "aggregate ^a every 10 seconds expire after 1 seconds compute p95 write to b;",
                "aggregate ^a every 10 seconds expire after 1 seconds;", "match * send to a blackhole;",
                "match * send to a/b;", "match ^a \"unterminated send to x;"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> relay(p, bad), bad);
            assertTrue(e.getMessage().startsWith("rules:"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> relay(p, "", "maxSeries", 0));
        assertTrue(e.getMessage().startsWith("maxSeries:"), e.getMessage());
    }

    @Test
    void aPrefixRegexIsALiteralPrefix() {
        Rules.Expr e = Rules.Expr.parse("^sys\\.cpu\\.");
        assertEquals("sys.cpu.", e.prefix());
        assertTrue(e.matches("sys.cpu.user"));
        assertTrue(!e.matches("sysXcpu.user"));
        assertNull(Rules.Expr.parse("^sys.cpu").prefix(), "an unescaped dot is a regex");
    }

    @Test
    void liveRuleChangesTakeEffect() {
        Through p = new Through();
        RelayProcessor r = relay(p, "match * send to a;");
        assertEquals("1", r.process(sample("x", 1)).tags().get("relay_to_a"));
        r.modified(lodestar.testkit.Configs.of(RelayProcessor.Config.class, "rules", "match * send to b;"));
        assertEquals(Map.of("relay_to_b", "1"), r.process(sample("x", 1)).tags().asMap());
    }
}
