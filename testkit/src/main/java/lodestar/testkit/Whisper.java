package lodestar.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a whisper file's first (finest) archive directly, for tests that check thousands of series, where one
 * whisper-fetch process per file would take minutes. The format: a header (aggregation type, max retention,
 * xFilesFactor, archive count), one (offset, seconds per point, points) entry per archive, then each archive's
 * (uint32 timestamp, double value) points, all big-endian; a slot holds a point when its stored timestamp is
 * non-zero.
 */
public final class Whisper {

    private Whisper() {
    }

    /** Every point of the finest archive by epoch second; empty when the file does not exist (yet). */
    public static Map<Long, Double> points(Path file) throws IOException {
        Map<Long, Double> out = new TreeMap<>();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return out;
        }
        if (bytes.length < 16) {
            return out; // being created
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int archives = b.getInt(12);
        if (archives < 1 || bytes.length < 16 + 12 * archives) {
            return out;
        }
        int offset = b.getInt(16);
        int points = b.getInt(24);
        for (int i = 0; i < points && offset + 12 * (i + 1) <= bytes.length; i++) {
            long ts = Integer.toUnsignedLong(b.getInt(offset + 12 * i));
            if (ts != 0) {
                out.put(ts, b.getDouble(offset + 12 * i + 4));
            }
        }
        return out;
    }
}
