package lodestar.core.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

/** Samples to bytes and back, for the disk spool: names and tags as modified UTF-8, values and times raw. */
final class SampleCodec {

    private static final Kind[] KINDS = Kind.values();

    private SampleCodec() {
    }

    static byte[] encode(List<Sample> batch) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * batch.size() + 8);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(batch.size());
            for (Sample s : batch) {
                out.writeUTF(s.name());
                Tags t = s.tags();
                out.writeShort(t.size());
                for (int i = 0; i < t.size(); i++) {
                    out.writeUTF(t.key(i));
                    out.writeUTF(t.value(i));
                }
                out.writeDouble(s.value());
                out.writeLong(s.timestamp());
                out.writeByte(s.kind().ordinal());
            }
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream failed", e);
        }
        return bytes.toByteArray();
    }

    static List<Sample> decode(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("negative sample count " + n);
        }
        List<Sample> out = new ArrayList<>(Math.min(n, 100_000));
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            int tagCount = in.readUnsignedShort();
            Tags tags = Tags.EMPTY;
            for (int j = 0; j < tagCount; j++) {
                tags = tags.with(in.readUTF(), in.readUTF());
            }
            double value = in.readDouble();
            long ts = in.readLong();
            int kind = in.readUnsignedByte();
            if (kind >= KINDS.length) {
                throw new IOException("unknown kind " + kind);
            }
            out.add(new Sample(name, tags, value, ts, KINDS[kind]));
        }
        return out;
    }
}
