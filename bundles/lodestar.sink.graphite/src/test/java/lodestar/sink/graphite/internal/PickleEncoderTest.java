package lodestar.sink.graphite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import lodestar.testkit.CarbonProcess;
import lodestar.testkit.Tools;
import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

/** Unpickles the encoder's output with Python itself, as Carbon does, and compares the structure. */
class PickleEncoderTest {

    private static final long T = 1_700_000_000_000L;

    /**
     * Reads length-framed messages from stdin, refuses any opcode newer than protocol 2 and any global
     * (like Carbon's safe unpickler), prints one repr per message.
     */
    private static final String PY = String.join("\n",
            "import io, pickle, pickletools, sys",
            "class Safe(pickle.Unpickler):",
            "    def find_class(self, m, n): raise pickle.UnpicklingError('global %s.%s' % (m, n))",
            "data = sys.stdin.buffer.read()",
            "i = 0",
            "while i < len(data):",
            "    n = int.from_bytes(data[i:i+4], 'big'); msg = data[i+4:i+4+n]; i += 4 + n",
            "    assert len(msg) == n, 'short message'",
            "    for op, arg, pos in pickletools.genops(msg):",
            "        assert op.proto <= 2, 'opcode %s needs protocol %d' % (op.name, op.proto)",
            "    print(repr(Safe(io.BytesIO(msg), encoding='utf-8').load()))");

    private final Skipped skipped = new Skipped("test");

    private static String unpickle(ByteBuf out) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(Tools.require("python3", "python3").toString(), "-c", PY)
                .redirectErrorStream(true);
        pb.environment().put("PYTHONIOENCODING", "utf-8");
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(out.array(), 0, out.length());
        }
        String text;
        try (InputStream o = p.getInputStream()) {
            text = new String(o.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "python3 finished");
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    private ByteBuf encode(GraphiteNames names, List<Sample> samples) {
        ByteBuf out = new ByteBuf(16);
        new PickleEncoder(names, skipped).encode(samples, out);
        return out;
    }

    @Test
    void pythonReadsTheStructure() throws Exception {
        ByteBuf out = encode(new GraphiteNames("", false), List.of(
                Sample.of("a.b", Tags.EMPTY, 1.5, T, Kind.GAUGE),
                Sample.of("a.int", Tags.EMPTY, 42, T + 999, Kind.GAUGE),
                Sample.of("a.nan", Tags.EMPTY, Double.NaN, T, Kind.GAUGE),
                Sample.of("my disk/usage", Tags.EMPTY, -0.1, T, Kind.GAUGE),
                Sample.of("température", Tags.of("host", "h1", "dc", "eu"), 1e-5, T, Kind.GAUGE),
                Sample.of("far.future", Tags.EMPTY, 7, 5_000_000_000_000L, Kind.GAUGE),
                Sample.of("far.past", Tags.EMPTY, 8, -5_000_000_000_000L, Kind.GAUGE)));
        assertEquals("[('a.b', (1700000000, 1.5)), ('a.int', (1700000000, 42.0)),"
                + " ('my_disk_usage', (1700000000, -0.1)), ('température;dc=eu;host=h1', (1700000000, 1e-05)),"
                + " ('far.future', (5000000000, 7.0)), ('far.past', (-5000000000, 8.0))]\n", unpickle(out));
        assertEquals(1, skipped.nonFiniteCount());
    }

    @Test
    void exactHeaderAndOpcodes() {
        ByteBuf out = encode(new GraphiteNames("", false), List.of(Sample.of("ab", Tags.EMPTY, 2, 1000, Kind.GAUGE)));
        byte[] expected = ByteBuffer.allocate(64)
                .putInt(0) // length, checked below
                .put(new byte[] {(byte) 0x80, 2, ']', '(', 'X', 2, 0, 0, 0, 'a', 'b', 'J', 1, 0, 0, 0, 'G'})
                .putDouble(2.0)
                .put(new byte[] {(byte) 0x86, (byte) 0x86, 'e', '.'})
                .flip().array();
        byte[] actual = Arrays.copyOf(out.array(), out.length());
        assertEquals(ByteBuffer.wrap(actual).getInt(), actual.length - 4, "big-endian length of the pickle");
        Arrays.fill(actual, 0, 4, (byte) 0);
        assertEquals(Arrays.toString(Arrays.copyOf(expected, actual.length)), Arrays.toString(actual));
    }

    @Test
    void largeBatchesAreSplitIntoMessagesOf500() throws Exception {
        List<Sample> batch = new ArrayList<>();
        for (int i = 0; i < 1234; i++) {
            batch.add(Sample.of("bulk.s" + (i % 7), Tags.EMPTY, i, T + i * 1000L, Kind.GAUGE));
        }
        String[] messages = unpickle(encode(new GraphiteNames("", false), batch)).split("\n");
        assertEquals(3, messages.length);
        StringBuilder all = new StringBuilder();
        for (String m : messages) {
            all.append(m, 1, m.length() - 1).append(", ");
        }
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 1234; i++) {
            expected.append("('bulk.s").append(i % 7).append("', (").append(1_700_000_000 + i).append(", ")
                    .append(i).append(".0)), ");
        }
        assertEquals(expected.toString(), all.toString());
        assertEquals(500, messages[0].split("\\), \\(").length);
    }

    @Test
    void nothingToSendMeansNoBytes() {
        ByteBuf out = encode(new GraphiteNames("", false), List.of(
                Sample.of("a", Tags.EMPTY, Double.NaN, T, Kind.GAUGE), Sample.of("..", Tags.EMPTY, 1, T, Kind.GAUGE)));
        assertEquals(0, out.length());
    }

    @Test
    void long1TimestampsUseTheShortestTwosComplement() {
        ByteBuf b = new ByteBuf(16);
        PickleEncoder.appendSeconds(b, 1L << 31);
        assertEquals(Arrays.toString(new byte[] {(byte) 0x8a, 5, 0, 0, 0, (byte) 0x80, 0}),
                Arrays.toString(Arrays.copyOf(b.array(), b.length())));
    }
}
