package lodestar.listener.metricsd.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import lodestar.listener.metricsd.MetricsdEncoder;
import lodestar.support.cardinality.CardinalityGuard;
import lodestar.testkit.Configs;
import lodestar.testkit.Fuzz;
import lodestar.testkit.InputCost;

/**
 * Finding 10 of issue 11: fuzzed datagrams slowed the UDP path far below the rate good input is taken at, and the
 * kernel dropped good datagrams meanwhile. A refused packet must cost no more than a good one: no exception with
 * a stack trace (the JDK's UTF-8 decoder throws one per bad byte).
 */
class FuzzCostTest {

    private final Settings settings = Settings.from(Configs.of(MetricsdListener.Config.class, "flushInterval", "1h"));
    private final PacketHandler handler = new PacketHandler(
            settings.newRegistry(new CardinalityGuard("metricsd", settings.cardinality(), m -> { })));

    private static byte[] counter(int i) {
        return new MetricsdEncoder("web.example.com", 65507).counter("requests." + i % 50, 1).packets().get(0);
    }

    private double ratio(List<byte[]> good, List<byte[]> bad) {
        return InputCost.ratio(good, bad, p -> handler.handle(p, p.length, "fuzzer"), 15);
    }

    /** On ea8311d: 16 times (a CharacterCodingException per packet). */
    @Test
    void aPacketWhoseNameIsNotUtf8CostsNoMoreThanAGoodOne() {
        List<byte[]> good = new ArrayList<>();
        List<byte[]> bad = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            good.add(counter(i));
            byte[] b = counter(i);
            b[b.length - 12] = (byte) 0xff; // a byte of the name that no UTF-8 text has
            bad.add(b);
        }
        double r = ratio(good, bad);
        assertTrue(handler.badInput.sum() > 0);
        assertTrue(r < 1.5, "a packet whose name is not UTF-8 costs " + r + " times a good one");
    }

    @Test
    void aFuzzedPacketCostsNoMoreThanAGoodOne() {
        List<byte[]> good = new ArrayList<>();
        for (int d = 0; d < 200; d++) {
            MetricsdEncoder e = new MetricsdEncoder("web" + d % 10 + ".example.com", 65507);
            for (int i = 0; i < 20; i++) {
                e.counter("requests." + i, 1).gauge("queue." + i, d + i).timer("latency." + i, 12.5 + i);
            }
            good.addAll(e.packets());
        }
        double r = ratio(good, new Fuzz(10).mutate(good, good.size()));
        assertTrue(handler.badInput.sum() > 0, "the fuzzed packets were malformed");
        assertTrue(r < 1.5, "a fuzzed packet costs " + r + " times a good one");
    }
}
