package lodestar.listener.graphite.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;

import lodestar.testkit.Fuzz;
import lodestar.testkit.InputCost;

/**
 * Finding 10 of issue 11: fuzzed datagrams slowed the UDP path far below the rate good input is taken at, and the
 * kernel dropped good datagrams meanwhile. A refused line must cost no more than a good one: no exception with a
 * stack trace (the JDK's UTF-8 decoder throws one per bad byte) and no log line built per refused line.
 */
class FuzzCostTest {

    private final Stats stats = new Stats();
    private final Handler handler = new Handler(stats, batch -> { }, () -> 4096);
    private final InetSocketAddress from = new InetSocketAddress("127.0.0.1", 40000);

    /** 200 datagrams of 20 lines each. */
    private static List<byte[]> datagrams(IntFunction<String> line) {
        List<byte[]> l = new ArrayList<>();
        for (int d = 0; d < 200; d++) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                b.append(line.apply(d * 20 + i)).append('\n');
            }
            l.add(b.toString().getBytes(StandardCharsets.ISO_8859_1));
        }
        return l;
    }

    private static final List<byte[]> GOOD = datagrams(i -> "servers.web" + i + ".cpu.user " + i * 1.5 + " 1700000000");

    private double ratio(List<byte[]> bad) {
        return InputCost.ratio(GOOD, bad, d -> handler.datagram(ByteBuffer.wrap(d), from), 15);
    }

    /** On ea8311d: 3.2 times (a MalformedInputException per line). */
    @Test
    void aDatagramOfLinesThatAreNotUtf8CostsNoMoreThanAGoodOne() {
        double r = ratio(datagrams(i -> "servers.web" + i + ".cpu\u00ff\u00fe.user " + i * 1.5 + " 1700000000"));
        assertTrue(stats.badLines.sum() > 0);
        assertTrue(r < 1.5, "a datagram of lines that are not UTF-8 costs " + r + " times a good one");
    }

    @Test
    void aDatagramOfBadTagsOrNumbersCostsNoMoreThanAGoodOne() {
        double tags = ratio(datagrams(i -> "servers.web" + i + ".cpu.user;notatag " + i * 1.5 + " 1700000000"));
        double numbers = ratio(datagrams(i -> "servers.web" + i + ".cpu.user x" + i + " 1700000000"));
        assertTrue(tags < 1.5, "a datagram of bad tags costs " + tags + " times a good one");
        assertTrue(numbers < 1.5, "a datagram of bad numbers costs " + numbers + " times a good one");
    }

    @Test
    void aFuzzedDatagramCostsNoMoreThanAGoodOne() {
        double r = ratio(new Fuzz(11).mutate(GOOD, GOOD.size()));
        assertTrue(stats.badLines.sum() > 0, "the fuzzed datagrams held bad lines");
        assertTrue(r < 1.5, "a fuzzed datagram costs " + r + " times a good one");
    }
}
