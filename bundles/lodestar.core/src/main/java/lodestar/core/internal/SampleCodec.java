package lodestar.core.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import lodestar.api.Histogram;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

/**
 * Samples to bytes and back, for the disk spool: names and tags as modified UTF-8, values and times raw; a
 * {@link Kind#HISTOGRAM} sample is followed by its distribution (segments written before histograms existed read
 * the same, since the kind byte of every older sample is below HISTOGRAM's).
 */
final class SampleCodec {

    private static final Kind[] KINDS = Kind.values();
    private static final Histogram.Layout[] LAYOUTS = Histogram.Layout.values();
    private static final Histogram.Temporality[] TEMPORALITIES = Histogram.Temporality.values();
    /** more buckets than any protocol sends (OTLP caps exponential ones at 160 by default): a corrupt length */
    private static final int MAX_ARRAY = 1 << 16;

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
                if (s.histogram() != null) {
                    writeHistogram(out, s.histogram());
                }
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
            out.add(KINDS[kind] == Kind.HISTOGRAM ? Sample.histogram(name, tags, readHistogram(in), ts)
                    : new Sample(name, tags, value, ts, KINDS[kind]));
        }
        return out;
    }

    private static void writeHistogram(DataOutputStream out, Histogram h) throws IOException {
        out.writeByte(h.layout().ordinal());
        out.writeByte(h.temporality().ordinal());
        out.writeLong(h.startTime());
        out.writeLong(h.count());
        out.writeDouble(h.sum());
        out.writeDouble(h.min());
        out.writeDouble(h.max());
        switch (h.layout()) {
        case EXPLICIT -> {
            writeDoubles(out, h.bounds());
            writeLongs(out, h.bucketCounts());
        }
        case EXPONENTIAL -> {
            out.writeInt(h.scale());
            out.writeDouble(h.zeroThreshold());
            out.writeLong(h.zeroCount());
            out.writeInt(h.positiveOffset());
            writeLongs(out, h.positiveCounts());
            out.writeInt(h.negativeOffset());
            writeLongs(out, h.negativeCounts());
        }
        case SUMMARY -> {
            writeDoubles(out, h.quantiles());
            writeDoubles(out, h.quantileValues());
        }
        }
    }

    private static Histogram readHistogram(DataInputStream in) throws IOException {
        int layout = in.readUnsignedByte();
        int temporality = in.readUnsignedByte();
        if (layout >= LAYOUTS.length || temporality >= TEMPORALITIES.length) {
            throw new IOException("unknown histogram layout " + layout + " or temporality " + temporality);
        }
        Histogram.Temporality t = TEMPORALITIES[temporality];
        long start = in.readLong();
        long count = in.readLong();
        double sum = in.readDouble();
        double min = in.readDouble();
        double max = in.readDouble();
        try {
            return switch (LAYOUTS[layout]) {
            case EXPLICIT -> Histogram.explicit(t, start, count, sum, min, max, readDoubles(in), readLongs(in));
            case EXPONENTIAL -> {
                int scale = in.readInt();
                double zeroThreshold = in.readDouble();
                long zeroCount = in.readLong();
                int posOffset = in.readInt();
                long[] pos = readLongs(in);
                int negOffset = in.readInt();
                long[] neg = readLongs(in);
                yield Histogram.exponential(t, start, count, sum, min, max, scale, zeroThreshold, zeroCount, posOffset, pos,
                        negOffset, neg);
            }
            case SUMMARY -> Histogram.summary(start, count, sum, readDoubles(in), readDoubles(in));
            };
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IOException("bad histogram: " + e.getMessage(), e);
        }
    }

    private static void writeDoubles(DataOutputStream out, double[] a) throws IOException {
        out.writeInt(a.length);
        for (double d : a) {
            out.writeDouble(d);
        }
    }

    private static void writeLongs(DataOutputStream out, long[] a) throws IOException {
        out.writeInt(a.length);
        for (long l : a) {
            out.writeLong(l);
        }
    }

    private static double[] readDoubles(DataInputStream in) throws IOException {
        double[] a = new double[length(in)];
        for (int i = 0; i < a.length; i++) {
            a[i] = in.readDouble();
        }
        return a;
    }

    private static long[] readLongs(DataInputStream in) throws IOException {
        long[] a = new long[length(in)];
        for (int i = 0; i < a.length; i++) {
            a[i] = in.readLong();
        }
        return a;
    }

    private static int length(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_ARRAY) {
            throw new IOException("histogram array length " + n + " out of range");
        }
        return n;
    }
}
