package lodestar.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Carbon pickle messages written in Java, the way Python's {@code pickle.dumps(data, protocol=2)} writes a list
 * of {@code (path, (timestamp, value))} tuples, with Carbon's 4-byte length prefix: for tests that need many
 * messages without python3.
 */
public final class PickleFrames {

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    public PickleFrames() {
        body.write(0x80); // PROTO 2
        body.write(2);
        body.write(']'); // EMPTY_LIST
        body.write('('); // MARK
    }

    /** One {@code (path, (timestamp, value))} entry. */
    public PickleFrames add(String path, int timestamp, double value) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        body.write('X'); // BINUNICODE
        body.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(p.length).array());
        body.writeBytes(p);
        body.write('J'); // BININT
        body.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(timestamp).array());
        body.write('G'); // BINFLOAT
        body.writeBytes(ByteBuffer.allocate(8).putDouble(value).array());
        body.write(0x86); // TUPLE2 (timestamp, value)
        body.write(0x86); // TUPLE2 (path, point)
        return this;
    }

    /** The message with its length prefix. */
    public byte[] frame() {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes(body.toByteArray());
        m.write('e'); // APPENDS
        m.write('.'); // STOP
        return withLength(m.toByteArray());
    }

    public static byte[] withLength(byte[] payload) {
        return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }
}
