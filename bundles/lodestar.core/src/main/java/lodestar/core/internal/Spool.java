package lodestar.core.internal;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.zip.CRC32;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Sample;

/**
 * A sink's disk buffer: batches that could not be written yet, oldest first, in a folder of append-only
 * segment files under {@code data/spool/<sink>/}, so a backend outage longer than memory holds, or a restart of
 * the platform, loses nothing.
 *
 * <p>Why a hand-made segmented log rather than Chronicle Queue or Tape: it is one reader and one writer on one
 * thread, records are whole batches, and the needs are an order, a checksum per record and a persisted read
 * position; that is a few hundred lines with the JDK, where the libraries bring off-heap mapping, native access
 * or no OSGi metadata into the platform's core.
 *
 * <p>A segment starts with the header {@code LDSPOOL2}; a record is {@code int magic, int length,
 * int crc32(payload), payload}. The magic is what makes damage survivable: after a record that fails its
 * checksum (a flipped byte on disk) the reader looks for the next magic whose record checks out and goes on
 * from there, so one bad record costs only its own samples; what was skipped is counted and logged. A record
 * torn at the end of a segment (the process died while appending) is skipped with a log line. The read position
 * of the oldest segment is kept in {@code <segment>.ack} (8 bytes, overwritten in place after each delivered
 * record, so a kill leaves the old position or the new one); one
 * that does not point at a record is not trusted: the segment is replayed from its start (a few samples twice
 * rather than a segment lost). Segments written before this format (no header, records without magic) are still
 * read; damage in one ends that segment, as it always did.
 *
 * <p>A segment ends when it passes a eighth of the size limit (at most {@link #SEGMENT_BYTES}), so the spool
 * overshoots its limit by at most that much; past the limit the oldest segment is deleted and its samples
 * counted as dropped.
 *
 * <p>Not thread-safe: only the sink's writer thread uses it.
 */
final class Spool {

    static final long SEGMENT_BYTES = 8L << 20;
    /** A segment never gets smaller than this, whatever the limit: a record is a whole batch. */
    static final long MIN_SEGMENT_BYTES = 64L << 10;
    /** Larger than any batch a runner writes: a length beyond it is damage, not data. */
    static final int MAX_RECORD_BYTES = 256 << 20;
    private static final byte[] HEADER = "LDSPOOL2".getBytes(StandardCharsets.US_ASCII);
    private static final int MAGIC = 0x4C445332; // "LDS2"
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    private static final String SUFFIX = ".seg";

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final Deque<Segment> segments = new ArrayDeque<>();
    private long nextId;
    private long bytes;
    private long samples;
    private long dropped;
    private long corrupt;

    /** One segment file, with how many of its bytes and samples are still to deliver. */
    private static final class Segment {
        final long id;
        final Path file;
        /** a segment of this format (header, records with magic); false: one written by an older version */
        final boolean framed;
        long length;
        long readOffset;
        long samples;

        Segment(long id, Path file, boolean framed) {
            this.id = id;
            this.file = file;
            this.framed = framed;
        }

        int headerBytes() {
            return framed ? HEADER.length : 0;
        }

        int recordHeaderBytes() {
            return framed ? 12 : 8;
        }

        Path ackFile() {
            return file.resolveSibling(file.getFileName() + ".ack");
        }
    }

    /** A record that checks out: where it starts, its size on disk, its sample count and (if decoded) samples. */
    private record Record(long offset, int size, int count, List<Sample> batch) {
    }

    Spool(Path dir, long maxBytes) throws IOException {
        this(dir, maxBytes, Math.max(MIN_SEGMENT_BYTES, Math.min(SEGMENT_BYTES, maxBytes / 8)));
    }

    Spool(Path dir, long maxBytes, long segmentBytes) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        Files.createDirectories(dir);
        recover();
    }

    private void recover() throws IOException {
        List<Long> ids = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                try {
                    ids.add(Long.parseLong(n.substring(0, n.length() - SUFFIX.length())));
                } catch (NumberFormatException e) {
                    LOG.warn("spool {}: ignoring unexpected file {}", dir, f);
                }
            }
        }
        ids.sort(Long::compare);
        for (long id : ids) {
            Path file = segmentFile(id);
            Segment s = new Segment(id, file, startsWithHeader(file));
            s.length = Files.size(s.file);
            s.readOffset = readPosition(s);
            s.samples = countSamples(s, s.readOffset);
            segments.add(s);
            bytes += s.length - s.readOffset;
            samples += s.samples;
            nextId = id + 1;
        }
        if (!segments.isEmpty()) {
            LOG.info("spool {}: {} samples from before the restart to deliver", dir, samples);
        }
    }

    private static boolean startsWithHeader(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(HEADER.length);
            ch.read(b, 0);
            return b.position() == HEADER.length && Arrays.equals(b.array(), HEADER);
        }
    }

    /**
     * Where delivery stopped: the {@code .ack} position if it points at a record (or at the end), else the
     * segment's first record, said once in the log: replaying a segment sends some samples twice, which
     * every backend Lodestar writes to stores once per series and time; trusting a bad position would lose them.
     */
    private long readPosition(Segment s) throws IOException {
        long start = s.headerBytes();
        if (!Files.exists(s.ackFile())) {
            return start;
        }
        byte[] b = Files.readAllBytes(s.ackFile());
        long pos = b.length == 8 ? ByteBuffer.wrap(b).getLong() : -1;
        if (pos == s.length && pos >= start) {
            return pos;
        }
        if (pos >= start && pos < s.length) {
            try (FileChannel ch = FileChannel.open(s.file, StandardOpenOption.READ)) {
                if (recordAt(ch, s, pos, false) != null) {
                    return pos;
                }
            }
        }
        LOG.warn("spool {}: the read position of {} ({}) does not point at a record; replaying the segment from its"
                + " start (samples already delivered may be sent again)", dir, s.file.getFileName(),
                b.length == 8 ? Long.toString(ByteBuffer.wrap(b).getLong()) : b.length + " bytes");
        return start;
    }

    /**
     * The samples the records from {@code from} on say they hold: a record whose frame is whole counts with its
     * stated count (its checksum is checked when it is read, so damage inside it is found then and counted as
     * lost); where the frame itself is damaged, on from the next record that checks out.
     */
    private long countSamples(Segment s, long from) throws IOException {
        long n = 0;
        try (FileChannel ch = FileChannel.open(s.file, StandardOpenOption.READ)) {
            long pos = from;
            int head = s.recordHeaderBytes();
            ByteBuffer h = ByteBuffer.allocate(head + 4);
            while (pos + head + 4 <= s.length) {
                h.clear();
                readFully(ch, h, pos);
                h.flip();
                boolean magic = !s.framed || h.getInt() == MAGIC;
                int len = h.getInt();
                h.getInt(); // the checksum
                int count = h.getInt();
                if (!magic || len < 4 || len > MAX_RECORD_BYTES || pos + head + len > s.length) {
                    if (!s.framed) {
                        break;
                    }
                    pos = nextRecord(ch, s, pos + 1);
                    continue;
                }
                // an encoded sample takes at least 22 bytes: a larger count is itself damage, and unknown
                n += count >= 0 && count <= (len - 4) / 22 ? count : 0;
                pos += head + len;
            }
        }
        return n;
    }

    private Path segmentFile(long id) {
        return dir.resolve(String.format("%016d%s", id, SUFFIX));
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    long bytes() {
        return bytes;
    }

    long samples() {
        return samples;
    }

    /** Samples lost to the size limit or to damaged records since start. */
    long dropped() {
        return dropped + corrupt;
    }

    /** Appends a batch after everything already spooled. */
    void append(List<Sample> batch) throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        byte[] payload = SampleCodec.encode(batch);
        CRC32 crc = new CRC32();
        crc.update(payload);
        Segment tail = segments.peekLast();
        if (tail == null || !tail.framed || tail.length >= segmentBytes) {
            tail = new Segment(nextId, segmentFile(nextId), true);
            nextId++;
            tail.length = HEADER.length;
            tail.readOffset = HEADER.length;
            try (FileChannel ch = FileChannel.open(tail.file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(HEADER));
            }
            segments.add(tail);
        }
        ByteBuffer buf = ByteBuffer.allocate(12 + payload.length);
        buf.putInt(MAGIC).putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        try (FileChannel ch = FileChannel.open(tail.file, StandardOpenOption.WRITE)) {
            ch.position(tail.length);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
        tail.length += 12 + payload.length;
        tail.samples += batch.size();
        bytes += 12 + payload.length;
        samples += batch.size();
        while (bytes > maxBytes && segments.size() > 1) {
            Segment oldest = segments.poll();
            dropped += oldest.samples;
            bytes -= oldest.length - oldest.readOffset;
            samples -= oldest.samples;
            delete(oldest);
            LOG.warn("spool {}: over its limit of {} bytes, dropped the oldest {} samples", dir, maxBytes, oldest.samples);
        }
    }

    /** The oldest undelivered batch, or null when the spool is empty. */
    List<Sample> peek() throws IOException {
        while (true) {
            Segment s = segments.peek();
            if (s == null) {
                return null;
            }
            Record r = nextGood(s);
            if (r != null) {
                return r.batch();
            }
            bytes -= s.length - s.readOffset;
            segments.poll();
            delete(s);
        }
    }

    /**
     * The record at the segment's read position, or the next one that checks out after damage (the skipped
     * bytes and samples counted and logged, the read position moved past them); null at the segment's end.
     */
    private Record nextGood(Segment s) throws IOException {
        if (s.readOffset >= s.length) {
            return null;
        }
        try (FileChannel ch = FileChannel.open(s.file, StandardOpenOption.READ)) {
            Record r = recordAt(ch, s, s.readOffset, true);
            if (r != null) {
                return r;
            }
            long next = s.framed ? nextRecord(ch, s, s.readOffset + 1) : s.length;
            long before = s.samples;
            s.samples = next < s.length ? countSamples(s, next) : 0;
            long lost = before - s.samples;
            corrupt += lost;
            samples -= lost;
            bytes -= next - s.readOffset;
            if (next < s.length) {
                LOG.warn("spool {}: {} bytes of {} unreadable (a damaged record), skipped to the next good record;"
                        + " {} samples lost", dir, next - s.readOffset, s.file.getFileName(), lost);
            } else {
                LOG.warn("spool {}: the last {} bytes of {} unreadable (a record torn when the platform stopped, or"
                        + " damaged), skipped; {} samples lost", dir, next - s.readOffset, s.file.getFileName(), lost);
            }
            s.readOffset = next;
            if (next >= s.length) {
                return null;
            }
            savePosition(s);
            return recordAt(ch, s, next, true);
        }
    }

    /**
     * The record at {@code pos} if it is whole and checks out, else null; with {@code decode} its samples too
     * (one that checks out but does not decode counts as damaged).
     */
    private static Record recordAt(FileChannel ch, Segment s, long pos, boolean decode) throws IOException {
        int head = s.recordHeaderBytes();
        if (pos < s.headerBytes() || pos + head > s.length) {
            return null;
        }
        ByteBuffer h = ByteBuffer.allocate(head);
        readFully(ch, h, pos);
        h.flip();
        if (s.framed && h.getInt() != MAGIC) {
            return null;
        }
        int len = h.getInt();
        int crc = h.getInt();
        if (len < 4 || len > MAX_RECORD_BYTES || pos + head + len > s.length) {
            return null;
        }
        ByteBuffer payload = ByteBuffer.allocate(len);
        readFully(ch, payload, pos + head);
        CRC32 c = new CRC32();
        c.update(payload.array());
        if ((int) c.getValue() != crc) {
            return null;
        }
        int count = payload.getInt(0);
        if (!decode) {
            return count < 0 ? null : new Record(pos, head + len, count, null);
        }
        try {
            List<Sample> batch = SampleCodec.decode(new DataInputStream(new ByteArrayInputStream(payload.array())));
            return new Record(pos, head + len, batch.size(), batch);
        } catch (IOException | RuntimeException e) {
            return null; // checks out but does not decode: written by something else; as good as damaged
        }
    }

    /** The offset of the first record from {@code from} on that checks out, or the segment's length. */
    private static long nextRecord(FileChannel ch, Segment s, long from) throws IOException {
        ByteBuffer window = ByteBuffer.allocate(64 * 1024);
        long base = from;
        while (base + 4 <= s.length) {
            window.clear();
            int n = readFully(ch, window, base);
            for (int i = 0; i + 4 <= n; i++) {
                if (window.getInt(i) == MAGIC && recordAt(ch, s, base + i, false) != null) {
                    return base + i;
                }
            }
            base += Math.max(1, n - 3); // a magic may straddle two windows
        }
        return s.length;
    }

    private static int readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        int total = 0;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** Marks the batch {@link #peek()} returned as delivered. */
    void ack(int delivered) throws IOException {
        Segment s = segments.peek();
        if (s == null) {
            return;
        }
        // peek() checked this record; its header says how long it is
        ByteBuffer h = ByteBuffer.allocate(s.recordHeaderBytes());
        try (FileChannel ch = FileChannel.open(s.file, StandardOpenOption.READ)) {
            readFully(ch, h, s.readOffset);
        }
        long size = s.recordHeaderBytes() + h.getInt(s.framed ? 4 : 0);
        s.readOffset += size;
        s.samples -= delivered;
        bytes -= size;
        samples -= delivered;
        if (s.readOffset >= s.length) {
            segments.poll();
            delete(s);
        } else {
            savePosition(s);
        }
    }

    /**
     * Overwrites the 8 bytes in place, one positional write, never truncating: the file holds a whole position at
     * every moment, so a SIGKILL at any point leaves the old position or the new one. (It was rewritten with
     * {@code Files.write}, which truncates first: a kill in between left it empty, and the next start replayed the
     * whole segment, every sample of it already delivered, to the backend again. Issue 17.)
     */
    private static void savePosition(Segment s) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).putLong(s.readOffset).flip();
        try (FileChannel ch = FileChannel.open(s.ackFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            while (b.hasRemaining()) {
                ch.write(b, b.position());
            }
        }
    }

    private void delete(Segment s) {
        try {
            Files.deleteIfExists(s.file);
            Files.deleteIfExists(s.ackFile());
        } catch (IOException e) {
            LOG.warn("spool {}: could not delete {}: {}", dir, s.file, e.toString());
        }
    }
}
