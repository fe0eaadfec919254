package lodestar.sink.graphite.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

class PlaintextEncoderTest {

    private static final long T = 1_700_000_000_000L;

    private final Skipped skipped = new Skipped("test");

    private String encode(GraphiteNames names, Sample... samples) {
        ByteBuf out = new ByteBuf(16);
        new PlaintextEncoder(names, skipped).encode(List.of(samples), out);
        return out.toString();
    }

    private static Sample s(String name, double v, long t) {
        return Sample.of(name, Tags.EMPTY, v, t, Kind.GAUGE);
    }

    @Test
    void exactLines() {
        String text = encode(new GraphiteNames("", false),
                s("a.b", 1.5, T),
                s("a.int", 42, T + 999),
                s("a.neg", -7, T + 1000),
                s("a.zero", -0.0, T),
                s("a.small", 1e-5, T),
                s("a.big", 1e20, T),
                s("a.tenth", 0.1, T),
                s("a.max", 9007199254740993.0, T),
                Sample.of("m", Tags.of("host", "h1", "dc", "eu"), 3.25, T, Kind.COUNTER),
                s("my disk/usage", 1, T));
        assertEquals("a.b 1.5 1700000000\n"
                + "a.int 42 1700000000\n"
                + "a.neg -7 1700000001\n"
                + "a.zero 0 1700000000\n"
                + "a.small 1.0E-5 1700000000\n"
                + "a.big 1.0E20 1700000000\n"
                + "a.tenth 0.1 1700000000\n"
                + "a.max 9.007199254740992E15 1700000000\n"
                + "m;dc=eu;host=h1 3.25 1700000000\n"
                + "my_disk_usage 1 1700000000\n", text);
    }

    @Test
    void exactBytesForUtf8AndPrefixAndTagsAsPath() {
        ByteBuf out = new ByteBuf(4);
        new PlaintextEncoder(new GraphiteNames("p", true), skipped)
                .encode(List.of(Sample.of("température", Tags.of("k", "v.1"), 2, T, Kind.GAUGE)), out);
        byte[] expected = "p.température.v_1 2 1700000000\n".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(expected, Arrays.copyOf(out.array(), out.length()));
    }

    @Test
    void nonFiniteValuesAndUnusableNamesAreSkippedAndCounted() {
        String text = encode(new GraphiteNames("", false),
                s("a", Double.NaN, T), s("b", Double.POSITIVE_INFINITY, T), s("c", Double.NEGATIVE_INFINITY, T),
                s("...", 1, T), s("ok", 1, T));
        assertEquals("ok 1 1700000000\n", text);
        assertEquals(3, skipped.nonFiniteCount());
        assertEquals(1, skipped.badNameCount());
    }

    @Test
    void timestampsRoundDownToSeconds() {
        assertEquals("a 1 -1\n", encode(new GraphiteNames("", false), s("a", 1, -1)));
        assertEquals("a 1 0\n", encode(new GraphiteNames("", false), s("a", 1, 999)));
    }

    private static String value(double v) {
        ByteBuf b = new ByteBuf(8);
        PlaintextEncoder.appendValue(b, v);
        return b.toString();
    }

    @Test
    void shortValueTexts() {
        assertEquals("0.37", value(0.37));
        assertEquals("-0.05", value(-0.05));
        assertEquals("123456789.125", value(123456789.125));
        assertEquals("0.001", value(0.001));
        assertEquals("4.35", value(4.35));
        assertEquals("0.3333333333333333", value(1.0 / 3));
        assertEquals("1000000000", value(1e9));
        assertEquals("1.0E16", value(1e16));
        assertEquals("1.0000000005E9", value(1e9 + 0.5));
    }

    @Test
    void valuesReadBackExactly() {
        double[] values = {0.1, 1.0 / 3, Math.PI, -1e-300, Double.MIN_VALUE, Double.MAX_VALUE, 123456789.125, 4.35,
                0.1 + 0.2, 999999999.999999999, 1e-3, 9.999999999e-4};
        for (double v : values) {
            assertEquals(v, Double.parseDouble(value(v)), value(v));
        }
        java.util.Random r = new java.util.Random(42);
        for (int i = 0; i < 200_000; i++) {
            double v = switch (i % 4) {
                case 0 -> Double.longBitsToDouble(r.nextLong());
                case 1 -> Math.round(r.nextDouble() * 1e6) / Math.pow(10, r.nextInt(10));
                case 2 -> (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(24) - 12);
                default -> r.nextInt(100_000) / 100.0;
            };
            if (Double.isFinite(v)) {
                String text = value(v);
                assertEquals(v, Double.parseDouble(text), text);
            }
        }
    }
}
