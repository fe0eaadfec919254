package lodestar.listener.statsd.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import lodestar.support.log.RateLimitedLog;
import lodestar.testkit.Fuzz;
import lodestar.testkit.InputCost;

/**
 * Finding 10 of issue 11: fuzzed datagrams slowed the UDP path far below the rate good input is taken at, and the
 * kernel dropped good datagrams meanwhile. Malformed input must cost no more than good input.
 */
class FuzzCostTest {

    private static List<byte[]> goodDatagrams() {
        List<byte[]> l = new ArrayList<>();
        String[] types = {"c", "ms", "g", "s", "h"};
        for (int d = 0; d < 200; d++) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                b.append("app.web").append(d % 10).append(".req").append(i).append(':').append(i + d).append('|')
                        .append(types[i % types.length]).append(i % 4 == 0 ? "|@0.5" : "").append(i % 3 == 0 ? "|#env:prod,az:b" : "")
                        .append('\n');
            }
            l.add(b.toString().getBytes(StandardCharsets.US_ASCII));
        }
        return l;
    }

    @Test
    void aFuzzedDatagramCostsNoMoreThanAGoodOne() {
        Settings s = EngineTest.configured("flushInterval", "10s");
        Aggregator agg = new Aggregator(s, new RateLimitedLog(10_000, m -> { }), EngineTest.guard(s));
        List<byte[]> good = goodDatagrams();
        List<byte[]> fuzzed = new Fuzz(10).mutate(good, good.size());
        double ratio = InputCost.ratio(good, fuzzed, d -> agg.packet(d, 0, d.length), 15);
        System.out.printf("statsd: a fuzzed datagram costs %.2f times a good one to parse%n", ratio);
        assertTrue(agg.badTotal() > 0, "the fuzzed datagrams held bad lines");
        assertTrue(ratio < 1.5, "a fuzzed datagram costs " + ratio + " times a good one to parse");
    }
}
