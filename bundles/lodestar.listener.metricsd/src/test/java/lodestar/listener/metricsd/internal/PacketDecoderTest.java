package lodestar.listener.metricsd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import lodestar.listener.metricsd.Action;
import lodestar.listener.metricsd.MetricKind;
import lodestar.listener.metricsd.MetricsdEncoder;
import lodestar.listener.metricsd.NumberType;

/** The encoder and the decoder agree on every number type, kind and action; malformed packets are errors. */
class PacketDecoderTest {

    private final List<Command> commands = new ArrayList<>();
    private final List<String> hosts = new ArrayList<>();

    private void decode(byte[] p) throws ProtocolError {
        new PacketDecoder().decode(p, 0, p.length, hosts::add, commands::add);
    }

    private static byte[] one(MetricsdEncoder e) {
        List<byte[]> p = e.packets();
        assertEquals(1, p.size());
        return p.get(0);
    }

    @Test
    void everyNumberTypeRoundTrips() throws ProtocolError {
        MetricsdEncoder e = new MetricsdEncoder("h", 65507);
        Object[][] cases = {{NumberType.U8, 255L, 255.0}, {NumberType.I8, -128L, -128.0}, {NumberType.U16, 65535L, 65535.0},
                {NumberType.I16, -32768L, -32768.0}, {NumberType.U32, 4294967295L, 4294967295.0},
                {NumberType.I32, -2147483648L, -2147483648.0}, {NumberType.U64, -1L, 18446744073709551615.0},
                {NumberType.I64, Long.MIN_VALUE, (double) Long.MIN_VALUE}, {NumberType.F32, 1.5f, 1.5},
                {NumberType.F64, -0.1, -0.1}};
        for (Object[] c : cases) {
            e.update(MetricKind.GAUGE, "g." + c[0], (NumberType) c[0], (Number) c[1]);
        }
        decode(one(e));
        assertEquals(List.of("h"), hosts);
        for (int i = 0; i < cases.length; i++) {
            assertEquals("g." + cases[i][0], commands.get(i).name());
            assertEquals((double) cases[i][2], commands.get(i).value(), 0.0, "" + cases[i][0]);
        }
    }

    @Test
    void kindsAndActions() throws ProtocolError {
        MetricsdEncoder e = new MetricsdEncoder("node.company.tld");
        e.counter("c", -3).gauge("g", 2.5).histogram("h", 7).meter("m", 300).timer("t", 12.5)
                .clear(MetricKind.HISTOGRAM, "h").delete(MetricKind.TIMER, "t");
        decode(one(e));
        assertEquals(List.of(new Command(MetricKind.COUNTER, Action.UPDATE, "c", -3), new Command(MetricKind.GAUGE, Action.UPDATE, "g", 2.5),
                new Command(MetricKind.HISTOGRAM, Action.UPDATE, "h", 7), new Command(MetricKind.METER, Action.UPDATE, "m", 300),
                new Command(MetricKind.TIMER, Action.UPDATE, "t", 12.5), new Command(MetricKind.HISTOGRAM, Action.CLEAR, "h", Double.NaN),
                new Command(MetricKind.TIMER, Action.DELETE, "t", Double.NaN)), commands);
    }

    @Test
    void integersUseTheSmallestType() {
        byte[] p = one(new MetricsdEncoder("").counter("a", 200));
        // magic, host "" (00 00 00), command 0x00, name (00 01 'a' 00), type U8, value
        assertEquals(List.of(0xAA, 0, 0, 0, 0x00, 0, 1, (int) 'a', 0, 0x00, 200), ints(p));
        assertEquals(0x11, one(new MetricsdEncoder("").counter("a", -200))[9]);
        assertEquals(0x20, one(new MetricsdEncoder("").counter("a", 70000))[9]);
        assertEquals(0x30, one(new MetricsdEncoder("").counter("a", 1L << 40))[9]);
    }

    @Test
    void unicodeNames() throws ProtocolError {
        decode(one(new MetricsdEncoder("h\u00f6st").gauge("\u00e9t\u00e9.\u4e2d", 1)));
        assertEquals("h\u00f6st", hosts.get(0));
        assertEquals("\u00e9t\u00e9.\u4e2d", commands.get(0).name());
    }

    @Test
    void splitsIntoPacketsOfAtMostMaxSize() throws ProtocolError {
        MetricsdEncoder e = new MetricsdEncoder("web1", 200);
        for (int i = 0; i < 100; i++) {
            e.counter("requests." + i, i);
        }
        List<byte[]> packets = e.packets();
        assertTrue(packets.size() > 5, "" + packets.size());
        for (byte[] p : packets) {
            assertTrue(p.length <= 200);
            decode(p);
        }
        assertEquals(100, commands.size());
        assertEquals("requests.99", commands.get(99).name());
        assertEquals(List.of(), e.packets(), "packets() starts afresh");
    }

    @Test
    void encoderRejectsWhatTheProtocolCannotCarry() {
        MetricsdEncoder e = new MetricsdEncoder("h");
        assertThrows(IllegalArgumentException.class, () -> e.update(MetricKind.GAUGE, "g", NumberType.U8, 256));
        assertThrows(IllegalArgumentException.class, () -> e.update(MetricKind.GAUGE, "g", NumberType.I8, -129));
        assertThrows(IllegalArgumentException.class, () -> e.update(MetricKind.GAUGE, "g", NumberType.U32, -1));
        assertThrows(IllegalArgumentException.class, () -> e.gauge("g", Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> e.update(MetricKind.GAUGE, "g", NumberType.F32, 1e300));
        assertThrows(IllegalArgumentException.class, () -> e.update(MetricKind.GAUGE, "g", NumberType.I32, 1.5));
        assertThrows(IllegalArgumentException.class, () -> e.gauge("", 1));
        assertThrows(IllegalArgumentException.class, () -> new MetricsdEncoder("h", 5));
    }

    /** A packet with host "h" and one command byte, name "n", then {@code rest}. */
    static byte[] packet(int command, int... rest) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0xAA);
        MetricsdEncoder.writeString(b, "h");
        b.write(command);
        MetricsdEncoder.writeString(b, "n");
        for (int r : rest) {
            b.write(r);
        }
        return b.toByteArray();
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    /** Each malformed packet, with the message that says why. */
    static final Object[][] MALFORMED = {
        {"bad magic", bytes(0xAB, 0, 1, 'h', 0)},
        {"empty packet", bytes()},
        {"truncated host length", bytes(0xAA, 0)},
        {"truncated host string", bytes(0xAA, 0, 9, 'h', 0)},
        {"missing terminator", bytes(0xAA, 0, 1, 'h', 'x')},
        {"missing terminator at the end", bytes(0xAA, 0, 1, 'h')},
        {"not UTF-8", bytes(0xAA, 0, 2, 0xC3, 0x28, 0)},
        {"unknown kind", packet(0x50, 0x00, 1)},
        {"unknown action", packet(0x03)},
        {"unknown type byte", packet(0x10, 0x42, 1)},
        {"truncated value", packet(0x10, 0x21, 0, 0)},
        {"update without number", packet(0x10)},
        {"empty name", bytes(0xAA, 0, 1, 'h', 0, 0x10, 0, 0, 0, 0x00, 1)},
        {"NaN value", packet(0x10, 0x41, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0)},
        {"infinite f32", packet(0x10, 0x40, 0x7f, 0x80, 0, 0)},
    };

    @Test
    void malformedPacketsAreProtocolErrors() {
        for (Object[] m : MALFORMED) {
            byte[] p = (byte[]) m[1];
            assertThrows(ProtocolError.class, () -> decode(p), (String) m[0]);
        }
    }

    @Test
    void commandsBeforeAnErrorAreKept() {
        byte[] good = one(new MetricsdEncoder("h").gauge("first", 1));
        byte[] p = new byte[good.length + 2];
        System.arraycopy(good, 0, p, 0, good.length);
        p[good.length] = 0x10;
        p[good.length + 1] = 0;
        assertThrows(ProtocolError.class, () -> decode(p));
        assertEquals(1, commands.size());
    }

    private static List<Integer> ints(byte[] b) {
        List<Integer> l = new ArrayList<>();
        for (byte x : b) {
            l.add(x & 0xff);
        }
        return l;
    }
}
