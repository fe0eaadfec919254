package lodestar.listener.statsd.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import lodestar.api.Sample;
import lodestar.support.log.RateLimitedLog;
import lodestar.support.net.StandaloneInputBuffers;
import lodestar.testkit.fuzz.AllocationBound;
import lodestar.testkit.fuzz.Rejections;

/**
 * Coverage-guided fuzzing of the StatsD listener's decoding (fuzz/README.md): the line parser as a UDP datagram
 * reaches it, and the TCP framing that cuts a byte stream into lines. Seeds: {@code StatsdFuzzTestInputs/}.
 */
class StatsdFuzzTest {

    /** A line no fuzzed input can change the meaning of: it must come out after whatever precedes it. */
    private static final byte[] CANARY = "\nfuzz_canary_q7:1|c\n".getBytes(StandardCharsets.US_ASCII);
    private static final String CANARY_KEY = "stats_counts.fuzz_canary_q7";

    private static final Settings UDP = EngineTest.configured("flushInterval", "10s");
    /** a short maxLineLength so that the fuzzer reaches overlong lines and the TCP cut */
    private static final Settings TCP = EngineTest.configured("flushInterval", "10s", "maxLineLength", 64);

    /** keys, set members and samples are made of the input: 200 bytes per input byte covers a key per 3 bytes */
    private static final AllocationBound ALLOC = new AllocationBound("statsd line parser", 256 * 1024, 200);

    private static Aggregator aggregator(Settings s) {
        return new Aggregator(s, new RateLimitedLog(60_000, m -> { }), EngineTest.guard(s));
    }

    /** What a flush reports: every sample's value by series, and the window's line counts. */
    private static Map<String, Double> flush(Settings s, Aggregator a) {
        Map<String, Double> m = new TreeMap<>();
        for (Sample x : new Flusher(s).flush(new Snapshot[] {a.snapshot()}, 0, 0, 0, AggregatorTest.NOW)) {
            m.put(x.seriesKey(), x.value());
        }
        return m;
    }

    /** Runs of bytes other than '\n': the lines the parser must account for, good or bad. */
    static int lines(byte[] b, int len) {
        int n = 0;
        boolean in = false;
        for (int i = 0; i < len; i++) {
            if (b[i] == '\n') {
                in = false;
            } else if (!in) {
                in = true;
                n++;
            }
        }
        return n;
    }

    /**
     * A datagram: never an exception (a bad line is counted, not thrown), one metrics_received per line, memory
     * bounded by the datagram's size, and a good line after the datagram's lines comes out whatever they were.
     */
    @FuzzTest(maxDuration = "20s")
    void datagram(byte[] data) {
        Aggregator a = ALLOC.check(data.length, () -> aggregator(UDP), x -> x.packet(data, 0, data.length));
        Rejections.counted("metrics_received", 0, a.metricsReceived, lines(data, data.length));
        // a bad line counts once, and so does each bad value of a line with several (a:1|c:x|c): never more than that
        long colons = 0;
        for (byte b : data) {
            colons += b == ':' ? 1 : 0;
        }
        Rejections.check(a.badLines <= a.metricsReceived + colons, a.badLines + " bad lines counted for " + a.metricsReceived
                + " lines with " + colons + " values");

        byte[] withCanary = Arrays.copyOf(data, data.length + CANARY.length);
        System.arraycopy(CANARY, 0, withCanary, data.length, CANARY.length);
        Aggregator b = aggregator(UDP);
        b.packet(withCanary, 0, withCanary.length);
        Rejections.counted("metrics_received with a good line after", a.metricsReceived, b.metricsReceived, 1);
        Rejections.counted("bad_lines_seen with a good line after", a.badLines, b.badLines, 0);
        Map<String, Double> fa = flush(UDP, a);
        Map<String, Double> fb = flush(UDP, b);
        double before = fa.getOrDefault(CANARY_KEY, 0.0);
        Double after = fb.get(CANARY_KEY);
        Rejections.check(after != null && after - before == 1.0,
                "the good line after the datagram's lines counted " + (after == null ? "nothing" : after - before));
    }

    /**
     * A TCP stream cut into reads wherever the fuzzer likes: the lines the shards receive, however cut, give the
     * same counts and values as the stream's complete lines parsed at once (a last line without '\n' is not a
     * line, unless it is too long already: then it is a bad one); the connection never asks to be closed while its
     * memory budget holds.
     */
    @FuzzTest(maxDuration = "20s")
    void tcpStream(FuzzedDataProvider in) {
        int[] cuts = new int[in.consumeInt(0, 16)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = in.consumeInt(1, 200);
        }
        byte[] stream = in.consumeRemainingAsBytes();

        Shard shard = new Shard(0, TCP, new RateLimitedLog(60_000, m -> { }), EngineTest.guard(TCP), e -> { }, "fuzz");
        Router router = new Router(new Shard[] {shard}, new LongAdder());
        TcpLines conn = new TcpLines(router, new LongAdder(), TCP.maxLineLength(), StandaloneInputBuffers.of(1 << 20));
        int p = 0;
        int c = 0;
        while (p < stream.length) {
            int n = Math.min(stream.length - p, cuts.length == 0 ? stream.length : cuts[c++ % cuts.length]);
            // as TcpServer hands it over: a heap buffer whose position may not be 0
            ByteBuffer read = ByteBuffer.wrap(stream, p, n).slice();
            Rejections.check(conn.read(read), "the connection asked to be closed within its memory budget");
            p += n;
        }
        router.publishAll();
        Aggregator viaTcp = aggregator(TCP);
        for (Object o : shard.queue) {
            Batch b = (Batch) o;
            viaTcp.packet(b.data, 0, b.len);
        }

        int complete = stream.length;
        while (complete > 0 && stream[complete - 1] != '\n') {
            complete--;
        }
        Aggregator whole = aggregator(TCP);
        whole.packet(stream, 0, complete);
        int limit = TCP.maxLineLength() + 1;
        if (stream.length - complete > limit) {
            // a begun line that outgrows the connection's line buffer is handed on cut (a bad line) at once, even
            // if its '\n' never comes; one that fits waits for its '\n' and is dropped at the close
            whole.packet(stream, complete, limit);
        }
        Rejections.counted("metrics_received over TCP", whole.metricsReceived, viaTcp.metricsReceived, 0);
        Rejections.counted("bad_lines_seen over TCP", whole.badLines, viaTcp.badLines, 0);
        Map<String, Double> a = flush(TCP, whole);
        Map<String, Double> b = flush(TCP, viaTcp);
        Rejections.check(a.keySet().equals(b.keySet()), "series differ: " + a.keySet() + " vs " + b.keySet());
        for (String k : a.keySet()) {
            if (!k.contains("timestamp_lag") && !List.of("stats.statsd.processing_time").contains(k)) {
                Rejections.check(Double.compare(a.get(k), b.get(k)) == 0, k + ": " + a.get(k) + " vs " + b.get(k) + " over TCP");
            }
        }
    }
}
