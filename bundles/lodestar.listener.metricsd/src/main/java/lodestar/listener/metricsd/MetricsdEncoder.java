package lodestar.listener.metricsd;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds MetricsD datagrams: magic byte {@code 0xAA}, the host string, then commands. Commands are packed
 * into packets of at most {@code maxPacketSize} bytes (one command that is larger on its own gets a
 * packet of its own), so each packet can go out as one UDP datagram.
 *
 * <pre>
 * MetricsdEncoder enc = new MetricsdEncoder("web1.example.com");
 * enc.counter("requests", 1).timer("request.time", 12.5).gauge("queue", 7);
 * for (byte[] p : enc.packets()) {
 *     socket.send(new DatagramPacket(p, p.length, listener));
 * }
 * </pre>
 *
 * Not thread-safe: one encoder per thread, or synchronize.
 */
public final class MetricsdEncoder {

    /** The first byte of every packet. */
    public static final int MAGIC = 0xAA;
    /** A safe datagram size on an Ethernet path (1500 MTU less IP and UDP headers, with margin). */
    public static final int DEFAULT_MAX_PACKET_SIZE = 1400;
    /** The largest UDP payload over IPv4. */
    public static final int MAX_DATAGRAM = 65507;

    private final byte[] header;
    private final int maxPacketSize;
    private final List<byte[]> done = new ArrayList<>();
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();

    public MetricsdEncoder(String host) {
        this(host, DEFAULT_MAX_PACKET_SIZE);
    }

    /**
     * @param host          the sending host, part of every metric's name at the listener
     * @param maxPacketSize bytes per packet at most (header included), up to {@link #MAX_DATAGRAM}
     */
    public MetricsdEncoder(String host, int maxPacketSize) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.write(MAGIC);
        writeString(h, host);
        this.header = h.toByteArray();
        if (maxPacketSize < header.length + 8 || maxPacketSize > MAX_DATAGRAM) {
            throw new IllegalArgumentException("maxPacketSize must be between " + (header.length + 8) + " and "
                    + MAX_DATAGRAM + ", got " + maxPacketSize);
        }
        this.maxPacketSize = maxPacketSize;
    }

    /** Adds {@code delta} to a counter. */
    public MetricsdEncoder counter(String name, long delta) {
        return update(MetricKind.COUNTER, name, delta);
    }

    /** Sets a gauge. */
    public MetricsdEncoder gauge(String name, double value) {
        return update(MetricKind.GAUGE, name, value);
    }

    /** Adds a value to a histogram. */
    public MetricsdEncoder histogram(String name, double value) {
        return update(MetricKind.HISTOGRAM, name, value);
    }

    /** Marks {@code events} on a meter. */
    public MetricsdEncoder meter(String name, long events) {
        return update(MetricKind.METER, name, events);
    }

    /** Records one call of {@code duration} (in the unit you chose for it; milliseconds by convention). */
    public MetricsdEncoder timer(String name, double duration) {
        return update(MetricKind.TIMER, name, duration);
    }

    /** An update with an integer, in the smallest signed or unsigned type that holds it. */
    public MetricsdEncoder update(MetricKind kind, String name, long value) {
        NumberType t;
        if (value >= 0) {
            t = value <= 0xFF ? NumberType.U8 : value <= 0xFFFF ? NumberType.U16 : value <= 0xFFFFFFFFL ? NumberType.U32 : NumberType.U64;
        } else {
            t = value >= Byte.MIN_VALUE ? NumberType.I8 : value >= Short.MIN_VALUE ? NumberType.I16
                    : value >= Integer.MIN_VALUE ? NumberType.I32 : NumberType.I64;
        }
        return update(kind, name, t, value);
    }

    /** An update with a float64. */
    public MetricsdEncoder update(MetricKind kind, String name, double value) {
        return update(kind, name, NumberType.F64, value);
    }

    /**
     * An update with the value in the given encoding. For {@link NumberType#U64} a negative {@code long}
     * stands for its unsigned value (as {@link Long#toUnsignedString(long)}).
     *
     * @throws IllegalArgumentException when the value does not fit the type or is not finite
     */
    public MetricsdEncoder update(MetricKind kind, String name, NumberType type, Number value) {
        if (type == NumberType.F64 && !finite(value.doubleValue())
                || type == NumberType.F32 && !finite(value.floatValue())) {
            throw new IllegalArgumentException("value must be finite in " + type + ", got " + value);
        }
        ByteArrayOutputStream c = command(kind, Action.UPDATE, name);
        c.write(type.code());
        ByteBuffer b = ByteBuffer.allocate(8);
        switch (type) {
            case F32 -> b.putFloat(value.floatValue());
            case F64 -> b.putDouble(value.doubleValue());
            default -> {
                long v = integral(value);
                long min = type.unsigned() ? 0 : -(1L << (type.size() * 8 - 1));
                long max = type.unsigned() ? (1L << (type.size() * 8)) - 1 : (1L << (type.size() * 8 - 1)) - 1;
                if (type != NumberType.U64 && type != NumberType.I64 && (v < min || v > max)) {
                    throw new IllegalArgumentException(value + " does not fit " + type);
                }
                for (int i = type.size() - 1; i >= 0; i--) {
                    b.put((byte) (v >>> (8 * i)));
                }
            }
        }
        c.write(b.array(), 0, b.position());
        return add(c);
    }

    /** Resets a metric's state (a counter to 0, a histogram's values, a meter's rates). */
    public MetricsdEncoder clear(MetricKind kind, String name) {
        return add(command(kind, Action.CLEAR, name));
    }

    /** Makes the listener forget a metric. */
    public MetricsdEncoder delete(MetricKind kind, String name) {
        return add(command(kind, Action.DELETE, name));
    }

    /** The packets built so far, the last one included, and starts afresh. Empty when nothing was added. */
    public List<byte[]> packets() {
        finish();
        List<byte[]> out = List.copyOf(done);
        done.clear();
        return out;
    }

    /**
     * A protocol string: big-endian uint16 byte length, the UTF-8 bytes, a 0x00 terminator.
     *
     * @throws IllegalArgumentException when the UTF-8 form is longer than 65535 bytes
     */
    public static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            throw new IllegalArgumentException("string longer than 65535 UTF-8 bytes");
        }
        out.write(b.length >>> 8);
        out.write(b.length);
        out.write(b, 0, b.length);
        out.write(0);
    }

    private static ByteArrayOutputStream command(MetricKind kind, Action action, String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("metric name must not be empty");
        }
        ByteArrayOutputStream c = new ByteArrayOutputStream(name.length() + 16);
        c.write(kind.code() | action.code());
        writeString(c, name);
        return c;
    }

    private MetricsdEncoder add(ByteArrayOutputStream command) {
        if (header.length + command.size() > MAX_DATAGRAM) {
            throw new IllegalArgumentException("command of " + command.size() + " bytes does not fit a datagram");
        }
        if (current.size() > 0 && current.size() + command.size() > maxPacketSize) {
            finish();
        }
        if (current.size() == 0) {
            current.write(header, 0, header.length);
        }
        current.write(command.toByteArray(), 0, command.size());
        return this;
    }

    private void finish() {
        if (current.size() > 0) {
            done.add(current.toByteArray());
            current.reset();
        }
    }

    private static boolean finite(double d) {
        return !Double.isNaN(d) && !Double.isInfinite(d);
    }

    private static long integral(Number n) {
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (d != Math.rint(d)) {
                throw new IllegalArgumentException(n + " is not an integer");
            }
        }
        return n.longValue();
    }
}
