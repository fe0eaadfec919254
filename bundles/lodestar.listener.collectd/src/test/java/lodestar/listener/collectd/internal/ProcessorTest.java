package lodestar.listener.collectd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.listener.collectd.CollectdConverter;
import lodestar.listener.collectd.CollectdValue;

/** Rates, wraps, bounds, series state and naming. */
class ProcessorTest {

    static byte[] one(String host, String plugin, String pi, String type, String ti, double seconds, int kind, long v) {
        Packets p = new Packets().id(host, plugin, pi, type, ti).timeHr(seconds);
        return (kind == Packets.GAUGE ? p.gauge(v) : p.raw(kind, v)).build();
    }

    @Test
    void counterWrap32And64AndDeriveAndAbsolute() {
        Harness h = new Harness();
        long near32 = (1L << 32) - 100;
        long near64 = -100L; // 2^64 - 100 as unsigned
        h.feed(one("h", "p", "", "counter", "a", 10, Packets.COUNTER, near32));
        h.feed(one("h", "p", "", "counter", "a", 12, Packets.COUNTER, 100));
        h.feed(one("h", "p", "", "counter", "b", 10, Packets.COUNTER, near64));
        h.feed(one("h", "p", "", "counter", "b", 12, Packets.COUNTER, 100));
        h.feed(one("h", "p", "", "derive", "", 10, Packets.DERIVE, 1000));
        h.feed(one("h", "p", "", "derive", "", 14, Packets.DERIVE, 600));
        h.feed(one("h", "p", "", "absolute", "", 10, Packets.ABSOLUTE, 50));
        h.feed(one("h", "p", "", "absolute", "", 15, Packets.ABSOLUTE, 50));
        assertEquals(List.of(100.0), h.values("collectd.h.p.counter-a"));
        assertEquals(List.of(100.0), h.values("collectd.h.p.counter-b"));
        assertEquals(List.of(-100.0), h.values("collectd.h.p.derive"), "DERIVE is signed (test types.db: U:U)");
        assertEquals(List.of(10.0), h.values("collectd.h.p.absolute"));
        h.samples.forEach(s -> assertEquals(Kind.RATE, s.kind()));
    }

    @Test
    void standardDeriveBoundDropsNegativeRates() {
        Harness h = new Harness(SettingsTest.of(), TypesDb.load(List.of()));
        h.feed(one("h", "cpu", "0", "cpu", "user", 10, Packets.DERIVE, 1000));
        h.feed(one("h", "cpu", "0", "cpu", "user", 11, Packets.DERIVE, 900));
        h.feed(one("h", "cpu", "0", "cpu", "user", 12, Packets.DERIVE, 950));
        assertEquals(List.of(50.0), h.values("collectd.h.cpu.0.user"));
        assertEquals(1, h.stat(Stat.OUT_OF_RANGE));
    }

    @Test
    void counterDeltaRule() {
        assertEquals(5, Processor.counterDelta(10, 15));
        assertEquals(16, Processor.counterDelta((1L << 32) - 6, 10));
        assertEquals(16, Processor.counterDelta(-6L, 10), "64-bit wrap");
        assertEquals(1.8446744073709552E19, Processor.unsigned(-1L));
        assertEquals(1_700_000_000_123L, Processor.toMillis(Processor.fromMillis(1_700_000_000_123L)), 1);
    }

    @Test
    void repeatedTimeIsStaleAndNaNGaugeIsUnknown() {
        Harness h = new Harness();
        h.feed(one("h", "p", "", "counter", "", 10, Packets.COUNTER, 1));
        h.feed(one("h", "p", "", "counter", "", 10, Packets.COUNTER, 5));
        assertEquals(1, h.stat(Stat.STALE));
        h.feed(new Packets().id("h", "p", "", "gauge", "").time(10).gauge(Double.NaN).build());
        assertEquals(1, h.stat(Stat.UNKNOWN_VALUES));
        assertEquals(0, h.samples.size());
    }

    @Test
    void missingTimeMeansNow() {
        Harness h = new Harness();
        long before = System.currentTimeMillis();
        h.feed(new Packets().id("h", "p", "", "gauge", "").gauge(3).build());
        Sample s = h.samples.get(0);
        assertTrue(s.timestamp() >= before - 1 && s.timestamp() <= System.currentTimeMillis() + 1);
    }

    /**
     * At maxSeries a new series is refused (its values dropped, counted by the guard) rather than evicting one the
     * listener knows: a flood of new identities must not cost the known series their rates. Idle ones expire,
     * which makes room again.
     */
    @Test
    void seriesAreBoundedAndIdleOnesExpire() {
        Settings st = SettingsTest.of("maxSeries", 10, "seriesTimeout", "1s");
        Harness h = new Harness(st);
        for (int i = 0; i < 25; i++) {
            h.feed(one("h", "p", "", "counter", "c" + i, 10, Packets.COUNTER, 1));
        }
        assertEquals(10, h.processor.seriesCount());
        assertEquals(15, h.guard.refused());
        assertEquals(0, h.stat(Stat.SERIES_EVICTED), "none of the known series was evicted for a new one");
        h.processor.sweep(System.currentTimeMillis() + 5000);
        assertEquals(0, h.processor.seriesCount());
        assertEquals(0, h.stat(Stat.SERIES));
        assertEquals(10, h.stat(Stat.SERIES_EVICTED));
        assertEquals(0, h.guard.series());
        assertEquals(10, h.guard.expired());
        h.feed(one("h", "p", "", "counter", "c24", 10, Packets.COUNTER, 1));
        assertEquals(1, h.processor.seriesCount(), "room again");
    }

    /** A flood of new identities leaves a known COUNTER series its previous value, so its rate goes on. */
    @Test
    void aFloodOfNewSeriesKeepsTheRatesOfTheKnownOnes() {
        Harness h = new Harness(SettingsTest.of("maxSeries", 100, "maxNewSeries", 0));
        h.feed(one("good", "p", "", "counter", "", 10, Packets.COUNTER, 1000));
        for (int i = 0; i < 5000; i++) {
            h.feed(one("flood" + i, "p", "", "counter", "", 10, Packets.COUNTER, i));
        }
        h.feed(one("good", "p", "", "counter", "", 20, Packets.COUNTER, 3000));
        assertEquals(List.of(200.0), h.values("collectd.good.p.counter"), "(3000 - 1000) / 10 s");
        assertEquals(100, h.processor.seriesCount());
        assertEquals(4901, h.guard.refused());
        assertTrue(h.guardLog.get(0).contains("top new-series prefixes: flood"), h.guardLog.toString());
    }

    @Test
    void builtinNames() {
        Harness h = new Harness(SettingsTest.of(), TypesDb.load(List.of()));
        h.feed(new Packets().id("web.example.com", "memory", "", "memory", "used").time(10).gauge(5e8).build());
        h.feed(new Packets().id("web.example.com", "load", "", "load", "").time(10)
                .values(new int[] {1, 1, 1}, 0.5, 0.4, 0.3).build());
        h.feed(new Packets().id("web.example.com", "cpu", "0", "cpu", "idle").time(10).raw(Packets.DERIVE, 1).build());
        h.feed(new Packets().id("web.example.com", "cpu", "0", "cpu", "idle").time(11).raw(Packets.DERIVE, 101).build());
        h.feed(new Packets().id("web.example.com", "df", "root", "df_complex", "free").time(10).gauge(1e9).build());
        h.feed(new Packets().id("web.example.com", "swap", "", "swap", "free").time(10).gauge(2e9).build());
        h.feed(new Packets().id("web.example.com", "processes", "", "ps_state", "running").time(10).gauge(2).build());
        Map<String, Double> m = new java.util.TreeMap<>();
        h.samples.forEach(s -> m.put(s.name(), s.value()));
        assertEquals(Map.of(
                "collectd.web_example_com.memory.used", 5e8,
                "collectd.web_example_com.load.shortterm", 0.5,
                "collectd.web_example_com.load.midterm", 0.4,
                "collectd.web_example_com.load.longterm", 0.3,
                "collectd.web_example_com.cpu.0.idle", 100.0,
                "collectd.web_example_com.df.root.df_complex.free", 1e9,
                "collectd.web_example_com.swap.swap-free", 2e9,
                "collectd.web_example_com.processes.ps_state-running", 2.0), m);
    }

    @Test
    void optionsOnNaming() {
        Settings s = SettingsTest.of("prefix", "", "hostInName", false, "alwaysAppendDs", true, "builtinConverters", false);
        Harness h = new Harness(s, TypesDb.load(List.of()));
        h.feed(new Packets().id("h", "memory", "", "memory", "used").time(10).gauge(5).build());
        assertEquals(List.of(5.0), h.values("memory.memory-used.value"));
    }

    @Test
    void hostTagCarriesTheHostAsSentAndLeavesItOutOfTheName() {
        Harness h = new Harness(SettingsTest.of("hostTag", true), TypesDb.load(List.of()));
        h.feed(new Packets().id("node1.example.com", "memory", "", "memory", "used").time(10).gauge(5).build());
        h.feed(new Packets().id("", "memory", "", "memory", "free").time(10).gauge(7).build());
        assertEquals(List.of(5.0), h.values("collectd.memory.used"), h.samples.toString());
        Sample used = h.samples.stream().filter(x -> x.name().equals("collectd.memory.used")).findFirst().orElseThrow();
        assertEquals("host=node1.example.com", used.tags().toString());
        Sample free = h.samples.stream().filter(x -> x.name().equals("collectd.memory.free")).findFirst().orElseThrow();
        assertTrue(free.tags().isEmpty(), "no host, no tag");
    }

    /** A converter service as another bundle would register it. */
    record Conv(String plugin, List<String> parts) implements CollectdConverter {
        @Override
        public List<String> convert(CollectdValue v) {
            return parts == null ? null : new java.util.ArrayList<>(parts) {
                {
                    add(v.typeInstance());
                }
            };
        }
    }

    @Test
    void converterServicesByRankingThenServiceId() {
        Harness h = new Harness(SettingsTest.of(), TypesDb.load(List.of()));
        byte[] mem = new Packets().id("h", "memory", "", "memory", "used").time(10).gauge(5).build();
        h.feed(mem);
        Conv low = new Conv("memory", List.of("low"));
        Conv high = new Conv("memory", List.of("high"));
        Conv older = new Conv("memory", List.of("older"));
        h.converters.add(low, Map.of("service.ranking", 1, "service.id", 5L));
        h.feed(mem);
        h.converters.add(high, Map.of("service.ranking", 10, "service.id", 6L));
        h.converters.add(older, Map.of("service.ranking", 10, "service.id", 3L));
        h.feed(mem);
        h.converters.remove(older);
        h.feed(mem);
        h.converters.remove(high);
        h.converters.remove(low);
        h.feed(mem);
        h.converters.add(new Conv("memory", null), Map.of());
        h.feed(mem);
        assertEquals(List.of("collectd.h.memory.used", "collectd.h.low.used", "collectd.h.older.used", "collectd.h.high.used",
                "collectd.h.memory.used"), h.samples.stream().map(Sample::name).toList());
        assertEquals(1, h.stat(Stat.IGNORED), "a converter returning null drops the value");
    }

    @Test
    void defaultConverterServiceAndFailingConverter() {
        Harness h = new Harness(SettingsTest.of(), TypesDb.load(List.of()));
        h.converters.add(new Conv("*", List.of("any")), Map.of());
        h.converters.add(new CollectdConverter() {
            @Override
            public String plugin() {
                return "swap";
            }

            @Override
            public List<String> convert(CollectdValue v) {
                throw new IllegalStateException("boom");
            }
        }, Map.of());
        h.feed(new Packets().id("h", "users", "", "users", "").time(10).gauge(3).build());
        h.feed(new Packets().id("h", "swap", "", "swap", "free").time(10).gauge(3).build());
        assertEquals(List.of("collectd.h.any"), h.samples.stream().map(Sample::name).toList());
        assertEquals(1, h.stat(Stat.IGNORED));
    }
}
