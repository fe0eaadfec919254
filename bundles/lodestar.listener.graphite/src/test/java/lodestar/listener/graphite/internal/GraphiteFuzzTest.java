package lodestar.listener.graphite.internal;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import lodestar.api.Sample;
import lodestar.support.net.StandaloneInputBuffers;
import lodestar.testkit.fuzz.AllocationBound;
import lodestar.testkit.fuzz.Rejections;

/**
 * Coverage-guided fuzzing of the Graphite listener's decoding (fuzz/README.md): plaintext datagrams, the TCP line
 * framing, pickle messages, and Carbon's length-prefixed pickle framing. Seeds: {@code GraphiteFuzzTestInputs/}
 * (pickles written by Python's pickle module, protocols 0 to 5).
 */
class GraphiteFuzzTest {

    private static final int MAX_LINE = 64;
    private static final int MAX_MESSAGE = 4096;
    private static final byte[] CANARY = "\nfuzz.canary.q7 42\n".getBytes(StandardCharsets.US_ASCII);
    private static final InetSocketAddress FROM = new InetSocketAddress("127.0.0.1", 2003);

    /** samples and their names are made of the input; a pickle's stack, memo and strings grow with its opcodes */
    private static final AllocationBound LINES = new AllocationBound("graphite line parser", 256 * 1024, 200);
    private static final AllocationBound PICKLE = new AllocationBound("graphite pickle reader", 256 * 1024, 400);

    /** A handler with what it hands on. */
    private static class Run {
        final Stats stats = new Stats();
        final List<Sample> out = new ArrayList<>();
        final Handler handler = new Handler(stats, out::addAll, () -> MAX_LINE);

        long count(String name) {
            return out.stream().filter(s -> s.name().equals(name)).count();
        }
    }

    /**
     * A datagram: never an exception; every line it counts is a sample or a bad line; memory bounded by its size;
     * a good line after its lines comes out.
     */
    @FuzzTest(maxDuration = "20s")
    void datagram(byte[] data) {
        Run r = LINES.check(data.length, Run::new, x -> x.handler.datagram(ByteBuffer.wrap(data), FROM));
        Rejections.counted("lines (samples + bad lines)", 0, r.stats.lines.sum(), r.out.size() + r.stats.badLines.sum());
        Rejections.counted("samples", 0, r.stats.samples.sum(), r.out.size());

        byte[] withCanary = Arrays.copyOf(data, data.length + CANARY.length);
        System.arraycopy(CANARY, 0, withCanary, data.length, CANARY.length);
        Run c = new Run();
        c.handler.datagram(ByteBuffer.wrap(withCanary), FROM);
        Rejections.counted("fuzz.canary.q7 after the datagram's lines", r.count("fuzz.canary.q7"), c.count("fuzz.canary.q7"), 1);
        Rejections.counted("bad lines with a good line after", r.stats.badLines.sum(), c.stats.badLines.sum(), 0);
    }

    /**
     * A TCP stream of lines cut into reads wherever the fuzzer likes gives the samples and counts of its lines read
     * whole (the last one without '\n' too: the connection ends); the connection stays open within its budget.
     */
    @FuzzTest(maxDuration = "20s")
    void tcpLines(FuzzedDataProvider in) {
        int[] cuts = cuts(in);
        byte[] stream = in.consumeRemainingAsBytes();
        Run tcp = new Run();
        Connection.Lines conn = new Connection.Lines("fuzzer", MAX_LINE, StandaloneInputBuffers.of(1 << 20), tcp.handler, tcp.stats);
        feed(stream, cuts, conn::read);
        conn.ended();
        tcp.handler.flush();

        Run whole = new Run();
        int start = 0;
        for (int j = 0; j <= stream.length; j++) {
            if (j == stream.length || stream[j] == '\n') {
                if (j - start > MAX_LINE + 1) {
                    whole.handler.overlongLine("fuzzer", stream, start, j - start);
                } else if (j > start) {
                    whole.handler.line(stream, start, j - start, "fuzzer");
                }
                start = j + 1;
            }
        }
        whole.handler.flush();
        Rejections.counted("lines over TCP", whole.stats.lines.sum(), tcp.stats.lines.sum(), 0);
        Rejections.counted("bad lines over TCP", whole.stats.badLines.sum(), tcp.stats.badLines.sum(), 0);
        Rejections.check(names(whole.out).equals(names(tcp.out)), "samples differ over TCP: " + names(whole.out) + " vs " + names(tcp.out));
    }

    /**
     * A pickle message: the reader throws nothing but its two refusals; the message is counted once, as taken,
     * rejected or malformed; memory is bounded by the message's size (every length in it is checked first).
     */
    @FuzzTest(maxDuration = "20s")
    void pickle(byte[] message) {
        Rejections.anyOf(() -> PICKLE.run(message.length, () -> PickleReader.read(message, 0, message.length)),
                BadInput.class, PickleReader.Rejected.class);
        Run r = PICKLE.check(message.length, Run::new, x -> x.handler.pickle(message, 0, message.length, "fuzzer"));
        Rejections.counted("pickle messages", 0, r.stats.pickleMessages.sum(), 1);
        Rejections.check(r.stats.pickleRejected.sum() + r.stats.pickleMalformed.sum() <= 1, "a message refused twice");
        r.handler.flush();
        Rejections.counted("samples", 0, r.stats.samples.sum(), r.out.size());
    }

    /**
     * Carbon's framing (4-byte length, then the pickle) cut into reads wherever the fuzzer likes: every complete
     * message is handed on once, a length over maxMessageSize closes the connection (counted), and a length is
     * never believed before its bytes arrive (the buffer grows with what arrives: memory bounded by the stream).
     */
    @FuzzTest(maxDuration = "20s")
    void pickleStream(FuzzedDataProvider in) {
        int[] cuts = cuts(in);
        byte[] stream = in.consumeRemainingAsBytes();
        // what the framing must find: complete messages up to the first oversize length
        int messages = 0;
        boolean oversize = false;
        for (int p = 0; p + 4 <= stream.length;) {
            long n = ((stream[p] & 0xffL) << 24) | (stream[p + 1] & 0xff) << 16 | (stream[p + 2] & 0xff) << 8 | (stream[p + 3] & 0xff);
            if (n > MAX_MESSAGE) {
                oversize = true;
                break;
            }
            if (p + 4 + n > stream.length) {
                break;
            }
            messages++;
            p += 4 + (int) n;
        }
        PickleRun r = PICKLE.check(stream.length, PickleRun::new, x -> feed(stream, cuts, b -> x.open = x.open && x.conn.read(b)));
        boolean open = r.open;
        Rejections.counted("pickle messages", 0, r.stats.pickleMessages.sum(), messages);
        Rejections.counted("oversize messages", 0, r.stats.oversizeMessages.sum(), oversize ? 1 : 0);
        Rejections.check(open == !oversize, oversize ? "an oversize length left the connection open" : "the connection was closed");
    }

    /** A pickle connection with its handler. */
    private static final class PickleRun extends Run {
        final Connection.Pickles conn = new Connection.Pickles("fuzzer", MAX_MESSAGE, StandaloneInputBuffers.of(1 << 20), handler, stats);
        boolean open = true;
    }

    private static int[] cuts(FuzzedDataProvider in) {
        int[] cuts = new int[in.consumeInt(0, 16)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = in.consumeInt(1, 300);
        }
        return cuts;
    }

    /** Hands the stream over in reads of the given sizes (round-robin), as TcpServer does: heap buffers. */
    private static void feed(byte[] stream, int[] cuts, java.util.function.Predicate<ByteBuffer> read) {
        int p = 0;
        int c = 0;
        while (p < stream.length) {
            int n = Math.min(stream.length - p, cuts.length == 0 ? stream.length : cuts[c++ % cuts.length]);
            // a buffer whose array is bigger than the read, positioned at 0 like TcpServer's
            ByteBuffer b = ByteBuffer.allocate(n + 7);
            b.put(stream, p, n).flip();
            if (!read.test(b)) {
                return;
            }
            p += n;
        }
    }

    private static List<String> names(List<Sample> samples) {
        return samples.stream().map(s -> s.name() + "=" + s.value()).toList();
    }
}
