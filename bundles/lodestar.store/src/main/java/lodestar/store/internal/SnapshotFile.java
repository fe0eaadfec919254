package lodestar.store.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Kind;
import lodestar.api.Tags;

/**
 * The store's snapshot, {@code <directory>/store.snap}: written to {@code store.snap.tmp}, synced,
 * then renamed over the old one, so a crash leaves either the old or the new snapshot, never half of
 * one. A CRC32 trailer catches what the rename can't (a bad disk, a truncated copy); a file that fails
 * it is moved aside to {@code store.snap.corrupt-<millis>} and the store starts empty.
 *
 * <p>Format (big-endian, {@link DataOutputStream}); see the README for the table:
 * <pre>
 * int magic 0x4C445354 ("LDST") · int version 1 · long writtenAt · long rollupStep
 * per series: byte 1 · str key · str name · int tagCount · (str k · str v)* · byte kind
 *             · long lastTimestamp · double lastValue · int rawChunks · chunk* · int rollupChunks · chunk*
 *             · byte hasPending [· long start · double min · double max · double sum · long count]
 * byte 0 (end) · int CRC32 of every byte before it
 * str   = int length · UTF-8 bytes
 * chunk = byte columns · int count · long firstTs · long lastTs · int bitLength · long[ceil(bitLength/64)]
 * </pre>
 */
final class SnapshotFile {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFile.class);

    static final int MAGIC = 0x4C445354;
    static final int VERSION = 1;
    static final String NAME = "store.snap";

    private final Path directory;

    SnapshotFile(Path directory) {
        this.directory = directory;
    }

    Path file() {
        return directory.resolve(NAME);
    }

    /**
     * Writes every series (each under its own lock, one after the other) and replaces the snapshot.
     *
     * @return bytes written
     */
    synchronized long save(Collection<SeriesBuffer> series, long rollupStep, long now) throws IOException {
        Files.createDirectories(directory);
        Path tmp = directory.resolve(NAME + ".tmp");
        CRC32 crc = new CRC32();
        long size;
        try (FileOutputStream file = new FileOutputStream(tmp.toFile());
             BufferedOutputStream buffered = new BufferedOutputStream(file, 1 << 16)) {
            DataOutputStream out = new DataOutputStream(new CheckedOutputStream(buffered, crc));
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(now);
            out.writeLong(rollupStep);
            for (SeriesBuffer s : series) {
                s.writeTo(out);
            }
            out.writeByte(0);
            out.flush();
            // the trailer bypasses the checksum stream: it is the checksum
            new DataOutputStream(buffered).writeInt((int) crc.getValue());
            buffered.flush();
            file.getFD().sync();
            size = file.getChannel().size();
        }
        try {
            Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING);
        }
        return size;
    }

    /** One series record; called by {@link SeriesBuffer#writeTo} with the series locked. */
    static void writeSeries(DataOutputStream out, SeriesBuffer s, Kind kind, long lastTimestamp, double lastValue,
            List<Chunk> raw, Rollup rollup) throws IOException {
        out.writeByte(1);
        writeString(out, s.key());
        writeString(out, s.name());
        Tags tags = s.tags();
        out.writeInt(tags.size());
        for (int i = 0; i < tags.size(); i++) {
            writeString(out, tags.key(i));
            writeString(out, tags.value(i));
        }
        out.writeByte(kind.ordinal());
        out.writeLong(lastTimestamp);
        out.writeDouble(lastValue);
        out.writeInt(raw.size());
        for (Chunk c : raw) {
            writeChunk(out, c);
        }
        out.writeInt(rollup.chunkCount());
        IOException[] failure = new IOException[1];
        rollup.forEachChunk(c -> {
            if (failure[0] == null) {
                try {
                    writeChunk(out, c);
                } catch (IOException e) {
                    failure[0] = e;
                }
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
        out.writeBoolean(rollup.hasPending());
        if (rollup.hasPending()) {
            out.writeLong(rollup.pendingStart());
            out.writeDouble(rollup.pendingMin());
            out.writeDouble(rollup.pendingMax());
            out.writeDouble(rollup.pendingSum());
            out.writeLong(rollup.pendingCount());
        }
    }

    private static void writeChunk(DataOutputStream out, Chunk c) throws IOException {
        out.writeByte(c.columns());
        out.writeInt(c.count());
        out.writeLong(c.firstTimestamp());
        out.writeLong(c.lastTimestamp());
        int bits = c.bitLength();
        out.writeInt(bits);
        long[] words = c.words();
        for (int i = 0, n = (bits + 63) >>> 6; i < n; i++) {
            out.writeLong(words[i]);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    /**
     * Loads the snapshot. A missing file is an empty store; an unreadable one is logged, moved aside
     * and also an empty store: history is worth less than a platform that starts.
     */
    List<SeriesBuffer> load(MemoryAccount memory) {
        Path file = file();
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<SeriesBuffer> loaded = new ArrayList<>();
        try {
            read(file, memory, loaded);
            return loaded;
        } catch (IOException | RuntimeException e) {
            for (SeriesBuffer s : loaded) {
                s.remove(); // gives the memory they were charged back
            }
            Path aside = directory.resolve(NAME + ".corrupt-" + System.currentTimeMillis());
            for (int i = 1; Files.exists(aside); i++) {
                aside = directory.resolve(NAME + ".corrupt-" + System.currentTimeMillis() + "-" + i);
            }
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailure) {
                LOG.warn("could not move the unreadable snapshot {} aside: {}", file, moveFailure.toString());
            }
            LOG.warn("store snapshot {} is unreadable ({}); starting empty, the file is kept as {}", file, e.toString(),
                    aside.getFileName());
            return List.of();
        }
    }

    private static void read(Path file, MemoryAccount memory, List<SeriesBuffer> loaded) throws IOException {
        long fileSize = Files.size(file);
        CRC32 crc = new CRC32();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            DataInputStream in = new DataInputStream(new CheckedInputStream(raw, crc));
            Limits lim = new Limits(fileSize);
            if (in.readInt() != MAGIC) {
                throw new IOException("not a store snapshot (bad magic)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException("unsupported snapshot version " + version);
            }
            in.readLong(); // writtenAt: informational
            in.readLong(); // rollupStep at write time: buckets keep their own start times
            while (true) {
                int marker = in.readUnsignedByte();
                if (marker == 0) {
                    break;
                }
                if (marker != 1) {
                    throw new IOException("bad series marker " + marker);
                }
                loaded.add(readSeries(in, memory, lim));
            }
            int expected = (int) crc.getValue();
            int actual = new DataInputStream(raw).readInt();
            if (expected != actual) {
                throw new IOException("checksum mismatch");
            }
            if (raw.read() != -1) {
                throw new IOException("trailing bytes after the checksum");
            }
        } catch (EOFException e) {
            throw new IOException("truncated", e);
        }
    }

    private static SeriesBuffer readSeries(DataInputStream in, MemoryAccount memory, Limits lim) throws IOException {
        String key = readString(in, lim);
        String name = readString(in, lim);
        int tagCount = lim.count(in.readInt());
        String[] kv = new String[tagCount * 2];
        for (int i = 0; i < kv.length; i++) {
            kv[i] = readString(in, lim);
        }
        int kindOrdinal = in.readUnsignedByte();
        Kind[] kinds = Kind.values();
        if (kindOrdinal >= kinds.length) {
            throw new IOException("bad kind " + kindOrdinal);
        }
        long lastTimestamp = in.readLong();
        double lastValue = in.readDouble();
        List<Chunk> raw = readChunks(in, lim, 1);
        List<Chunk> rollupChunks = readChunks(in, lim, 4);
        boolean pending = in.readBoolean();
        long start = 0;
        long count = 0;
        double min = 0;
        double max = 0;
        double sum = 0;
        if (pending) {
            start = in.readLong();
            min = in.readDouble();
            max = in.readDouble();
            sum = in.readDouble();
            count = in.readLong();
        }
        SeriesBuffer s = new SeriesBuffer(key, name, Tags.of(kv), memory);
        long st = start;
        double mn = min;
        double mx = max;
        double sm = sum;
        long n = count;
        s.restore(kinds[kindOrdinal], lastTimestamp, lastValue, raw, rollup -> {
            rollupChunks.forEach(rollup::restoreSealed);
            if (pending) {
                rollup.restorePending(st, mn, mx, sm, n);
            }
        });
        return s;
    }

    private static List<Chunk> readChunks(DataInputStream in, Limits lim, int columns) throws IOException {
        int n = lim.count(in.readInt());
        List<Chunk> chunks = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            int cols = in.readUnsignedByte();
            if (cols != columns) {
                throw new IOException("chunk with " + cols + " columns where " + columns + " expected");
            }
            int count = in.readInt();
            long first = in.readLong();
            long last = in.readLong();
            int bits = in.readInt();
            if (count <= 0 || bits < 64 || last < first) {
                throw new IOException("bad chunk header");
            }
            int words = lim.count((bits + 63) >>> 6);
            long[] w = new long[words];
            for (int j = 0; j < words; j++) {
                w[j] = in.readLong();
            }
            Chunk c = new Chunk(columns, count, first, last, w, bits);
            c.seal();
            chunks.add(c);
        }
        return chunks;
    }

    private static String readString(DataInputStream in, Limits lim) throws IOException {
        int len = lim.count(in.readInt());
        byte[] b = new byte[len];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Keeps a corrupt length field from allocating more than the file could possibly hold. */
    private record Limits(long fileSize) {
        int count(int n) throws IOException {
            if (n < 0 || n > fileSize) {
                throw new IOException("implausible length " + n);
            }
            return n;
        }
    }
}
