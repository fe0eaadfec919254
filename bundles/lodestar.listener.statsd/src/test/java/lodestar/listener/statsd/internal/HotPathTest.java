package lodestar.listener.statsd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import lodestar.api.Sample;
import lodestar.support.log.RateLimitedLog;

/**
 * The fast paths against the general ones: {@link Aggregator#packet}'s one-pass parser against
 * {@link Aggregator#line} on fuzzed traffic, {@link ByteSet}'s inline members against a HashSet, the
 * {@link Router}'s runs against line-by-line routing.
 */
class HotPathTest {

    private static final String[] NAMES = {"a", "b.c", "x y", "t\tab", "sl/ash", "ü.name", "semi;k=v", "p|ipe", "", ";lead",
            "long.name.that.is.more.than.sixteen.bytes", "bench.c1234", "q:", "h#"};
    private static final String[] VALUES = {"1", "-2.5", "+3", "1e3", "0x10", "NaN", "", " 4", "5 ", "007", "12345678901234567890",
            "0.000001", ".5", "5.", "-0", "abc"};
    private static final String[] TYPES = {"c", "ms", "h", "g", "s", "", "x", " c ", "ms|@0.5", "c|@0.1", "c|@0", "c|@abc", "g|@2",
            "c|#t:1,u", "ms|@0.5|#a:b", "s|#", "c|@0.5|extra"};

    static String randomLine(Random r) {
        StringBuilder b = new StringBuilder(NAMES[r.nextInt(NAMES.length)]);
        if (r.nextInt(10) == 0) {
            b.append(r.nextInt(1000));
        }
        int values = 1 + (r.nextInt(6) == 0 ? r.nextInt(3) : 0);
        for (int i = 0; i < values; i++) {
            b.append(':').append(VALUES[r.nextInt(VALUES.length)]).append('|').append(TYPES[r.nextInt(TYPES.length)]);
        }
        switch (r.nextInt(20)) {
            case 0 -> b.append("\r");
            case 1 -> b.setLength(Math.max(0, b.length() - 2));
            case 2 -> b.append("|#k:v");
            case 3 -> b.append("x".repeat(70));
            default -> { }
        }
        return b.toString();
    }

    static Map<String, Double> flush(Settings s, Aggregator a) {
        List<Sample> l = new Flusher(s).flush(new Snapshot[] {a.snapshot()}, 0, 0, 0, 1_000L);
        Map<String, Double> m = new TreeMap<>();
        for (Sample x : l) {
            if (!x.name().endsWith("processing_time")) {
                m.put(x.seriesKey(), x.value());
            }
        }
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tags", "noTags", "shortLines"})
    void onePassParserAgreesWithTheGeneralParser(String variant) {
        Settings s = EngineTest.configured("dogstatsdTags", !variant.equals("noTags"), "maxLineLength",
                variant.equals("shortLines") ? 40 : 4096);
        Random r = new Random(42 + variant.hashCode());
        for (int round = 0; round < 20; round++) {
            Aggregator fast = new Aggregator(s, new RateLimitedLog(60_000, x -> { }), EngineTest.guard(s));
            Aggregator general = new Aggregator(s, new RateLimitedLog(60_000, x -> { }), EngineTest.guard(s));
            for (int p = 0; p < 50; p++) {
                ByteArrayOutputStream packet = new ByteArrayOutputStream();
                List<byte[]> lines = new ArrayList<>();
                int n = 1 + r.nextInt(20);
                for (int i = 0; i < n; i++) {
                    byte[] line = randomLine(r).getBytes(StandardCharsets.UTF_8);
                    if (r.nextInt(50) == 0) {
                        line = new byte[] {'b', (byte) 0xff, ':', '1', '|', 'c'}; // not UTF-8
                    }
                    lines.add(line);
                    packet.writeBytes(line);
                    if (i < n - 1 || r.nextBoolean()) {
                        packet.write('\n');
                    }
                    if (r.nextInt(10) == 0) {
                        packet.write('\n'); // empty line
                    }
                }
                byte[] pk = packet.toByteArray();
                fast.packet(pk, 0, pk.length);
                for (byte[] line : lines) {
                    if (line.length > 0) {
                        general.line(line, 0, line.length);
                    }
                }
            }
            assertEquals(general.metricsReceived, fast.metricsReceived);
            assertEquals(general.badLines, fast.badLines);
            assertTrue(general.badLines > 0 && general.counters.size() > 0);
            assertEquals(flush(s, general), flush(s, fast), "round " + round);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 8, 12})
    void byteSetCountsDistinctMembersOfEveryLength(int maxLen) {
        Random r = new Random(maxLen);
        ByteSet set = new ByteSet();
        Set<String> ref = new HashSet<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 5000; i++) {
                int len = 1 + r.nextInt(maxLen);
                byte[] m = new byte[len + 2];
                for (int k = 1; k <= len; k++) {
                    m[k] = (byte) (r.nextInt(4) == 0 ? 0 : '0' + r.nextInt(3)); // zero bytes, few values: many repeats
                }
                set.add(m, 1, 1 + len);
                ref.add(new String(m, 1, len, StandardCharsets.ISO_8859_1));
                assertEquals(ref.size(), set.size());
            }
            set.clear();
            ref.clear();
            assertEquals(0, set.size());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 5})
    void routerSendsEveryLineToTheShardOfItsNameAndWholePacketsInOneCopy(int n) throws Exception {
        Settings s = EngineTest.configured("shards", n);
        Shard[] shards = new Shard[n];
        for (int i = 0; i < n; i++) {
            shards[i] = new Shard(i, s, new RateLimitedLog(60_000, x -> { }), EngineTest.guard(s), e -> { }, "t"); // never started: we read the queues
        }
        Router router = new Router(shards, new LongAdder());
        Random r = new Random(n);
        List<List<String>> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(new ArrayList<>());
        }
        for (int p = 0; p < 300; p++) {
            StringBuilder b = new StringBuilder();
            int lines = 1 + r.nextInt(20);
            for (int i = 0; i < lines; i++) {
                String line = (p % 3 == 0 ? "same" : "k" + r.nextInt(100)) + (r.nextBoolean() ? " x" : "") + ":" + i + "|c";
                byte[] nb = line.getBytes(StandardCharsets.US_ASCII);
                int colon = line.indexOf(':');
                int shard = (Bytes.sanitizedHash(nb, 0, colon) & 0x7fffffff) % n;
                expected.get(shard).add(line);
                b.append(line).append(i < lines - 1 ? "\n" : r.nextBoolean() ? "\n" : "");
                if (r.nextInt(8) == 0) {
                    b.append('\n');
                }
            }
            byte[] pk = b.toString().getBytes(StandardCharsets.US_ASCII);
            ByteBuffer direct = ByteBuffer.allocateDirect(pk.length);
            direct.put(pk).flip();
            router.packet(direct);
        }
        router.publishAll();
        for (int i = 0; i < n; i++) {
            List<String> got = new ArrayList<>();
            for (Object o : shards[i].queue) {
                Batch batch = (Batch) o;
                for (String l : new String(batch.data, 0, batch.len, StandardCharsets.US_ASCII).split("\n")) {
                    if (!l.isEmpty()) {
                        got.add(l);
                    }
                }
            }
            assertEquals(expected.get(i), got, "shard " + i);
        }
        // a packet whose lines all belong to one shard ("sa!me" sanitizes to "same") arrives as sent (one copy)
        Router one = new Router(shards, new LongAdder());
        for (Shard sh : shards) {
            sh.queue.clear();
        }
        byte[] pk = "same:1|c\nsa!me:2|c\n\nsame:3|ms".getBytes(StandardCharsets.US_ASCII);
        one.packet(pk, 0, pk.length);
        one.publishAll();
        int target = (Bytes.sanitizedHash("same".getBytes(StandardCharsets.US_ASCII), 0, 4) & 0x7fffffff) % n;
        Batch batch = (Batch) shards[target].queue.peek();
        assertEquals("same:1|c\nsa!me:2|c\n\nsame:3|ms\n", new String(batch.data, 0, batch.len, StandardCharsets.US_ASCII));
    }
}
