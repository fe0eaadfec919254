package lodestar.listener.collectd.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import lodestar.testkit.Fuzz;
import lodestar.testkit.InputCost;

/**
 * Finding 10 of issue 11: fuzzed datagrams slowed the UDP path far below the rate good input is taken at, and the
 * kernel dropped good datagrams meanwhile. A refused packet must cost no more than a good one: no log line built
 * for a packet the log does not show.
 */
class FuzzCostTest {

    private final Harness h = new Harness();

    private double ratio(List<byte[]> good, List<byte[]> bad) {
        return InputCost.ratio(good, bad, p -> {
            h.samples.clear();
            h.feed(p);
        }, 15);
    }

    /** On ea8311d: 4.2 times (the reason formatted with String.format for every packet, logged or not). */
    @Test
    void aPacketWithAMalformedPartCostsNoMoreThanAGoodOne() {
        List<byte[]> good = new ArrayList<>();
        List<byte[]> bad = new ArrayList<>();
        for (int d = 0; d < 2000; d++) {
            good.add(new Packets().id("h" + d % 20, "cpu", "0", "gauge", "user").timeHr(1_700_000_000 + d).gauge(d).build());
            bad.add(new Packets().id("h" + d % 20, "cpu", "0", "gauge", "user").timeHr(1_700_000_000 + d).header(Decoder.VALUES, 3).build());
        }
        double r = ratio(good, bad);
        assertTrue(h.stat(Stat.MALFORMED) > 0);
        assertTrue(r < 1.5, "a packet with a malformed part costs " + r + " times a good one");
    }

    @Test
    void aFuzzedPacketCostsNoMoreThanAGoodOne() {
        List<byte[]> good = new ArrayList<>();
        for (int d = 0; d < 200; d++) {
            Packets p = new Packets().string(Decoder.HOST, "host" + d % 20 + ".example.com").timeHr(1_700_000_000 + d).interval(10);
            for (int i = 0; i < 10; i++) {
                p.string(Decoder.PLUGIN, "cpu").string(Decoder.PLUGIN_INSTANCE, "" + i).string(Decoder.TYPE, "gauge")
                        .string(Decoder.TYPE_INSTANCE, "user").gauge(d + i * 0.5);
            }
            good.add(p.build());
        }
        double r = ratio(good, new Fuzz(10).mutate(good, good.size()));
        assertTrue(h.stat(Stat.BAD_INPUT) > 0, "the fuzzed packets were malformed");
        assertTrue(r < 1.5, "a fuzzed packet costs " + r + " times a good one");
    }
}
