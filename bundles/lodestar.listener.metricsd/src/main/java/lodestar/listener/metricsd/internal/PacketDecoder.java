package lodestar.listener.metricsd.internal;

import java.util.function.Consumer;

import lodestar.listener.metricsd.Action;
import lodestar.listener.metricsd.MetricKind;
import lodestar.listener.metricsd.MetricsdEncoder;
import lodestar.listener.metricsd.NumberType;
import lodestar.support.text.Utf8Decoder;

/**
 * Decodes one MetricsD datagram. Commands carry no length, so after a malformed command nothing later
 * in the packet can be found: like Bucky, commands decoded before the error are kept, the rest of that
 * packet is dropped. Not thread-safe (one per receiver thread).
 */
final class PacketDecoder {

    /** strict UTF-8 without exceptions: a flood of bad names must cost no more than good ones */
    private final Utf8Decoder utf8 = new Utf8Decoder();
    private byte[] a;
    private int pos;
    private int end;

    /**
     * @param host called with the packet's host before its commands
     * @throws ProtocolError on the first violation; commands before it have gone to {@code out}
     */
    void decode(byte[] data, int off, int len, Consumer<String> host, Consumer<Command> out) throws ProtocolError {
        this.a = data;
        this.pos = off;
        this.end = off + len;
        if (len == 0 || (a[pos++] & 0xff) != MetricsdEncoder.MAGIC) {
            throw new ProtocolError("bad magic byte");
        }
        host.accept(string("host"));
        while (pos < end) {
            int cmd = a[pos++] & 0xff;
            MetricKind kind = MetricKind.of(cmd & 0xF0);
            if (kind == null) {
                throw new ProtocolError("unknown metric kind 0x" + Integer.toHexString(cmd & 0xF0));
            }
            Action action = Action.of(cmd & 0x0F);
            if (action == null) {
                throw new ProtocolError("unknown action 0x" + Integer.toHexString(cmd & 0x0F));
            }
            String name = string("name");
            if (name.isEmpty()) {
                throw new ProtocolError("empty metric name");
            }
            double value = action == Action.UPDATE ? number() : Double.NaN;
            out.accept(new Command(kind, action, name, value));
        }
    }

    private String string(String what) throws ProtocolError {
        if (end - pos < 2) {
            throw new ProtocolError("truncated " + what + " length");
        }
        int n = (a[pos] & 0xff) << 8 | (a[pos + 1] & 0xff);
        pos += 2;
        if (n > end - pos) {
            throw new ProtocolError("truncated " + what + " string");
        }
        if (n == end - pos || a[pos + n] != 0) {
            throw new ProtocolError(what + " string missing its 0x00 terminator");
        }
        String s = utf8.decode(a, pos, n);
        if (s == null) {
            throw new ProtocolError(what + " string is not UTF-8");
        }
        pos += n + 1;
        return s;
    }

    private double number() throws ProtocolError {
        if (pos >= end) {
            throw new ProtocolError("update without a number");
        }
        int code = a[pos++] & 0xff;
        NumberType t = NumberType.of(code);
        if (t == null) {
            throw new ProtocolError("unknown number type 0x" + Integer.toHexString(code));
        }
        if (end - pos < t.size()) {
            throw new ProtocolError("truncated " + t + " value");
        }
        long raw = 0;
        for (int i = 0; i < t.size(); i++) {
            raw = raw << 8 | (a[pos + i] & 0xff);
        }
        pos += t.size();
        double v = switch (t) {
            case U8, U16, U32 -> raw;
            case I8 -> (byte) raw;
            case I16 -> (short) raw;
            case I32 -> (int) raw;
            case I64 -> raw;
            case U64 -> raw >= 0 ? raw : (double) (raw >>> 1) * 2.0 + (raw & 1);
            case F32 -> Float.intBitsToFloat((int) raw);
            case F64 -> Double.longBitsToDouble(raw);
        };
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw new ProtocolError("value is " + v);
        }
        return v;
    }
}
