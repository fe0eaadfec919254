package lodestar.core.internal;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.zip.CRC32;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Sample;

/**
 * A sink's disk buffer: batches that could not be written yet, oldest first, in a folder of
 * append-only segment files under {@code data/spool/<sink>/}, so a backend outage longer than memory
 * holds, or a restart of the platform, loses nothing.
 *
 * <p>Why a hand-made segmented log rather than Chronicle Queue or Tape: it is one reader and one
 * writer on one thread, records are whole batches, and the needs are an order, a checksum per record
 * and a persisted read position; that is a hundred lines with the JDK, where the libraries bring
 * off-heap mapping, native access or no OSGi metadata into the platform's core.
 *
 * <p>Record: {@code int length, int crc32(payload), payload}. A segment ends when it passes
 * {@link #SEGMENT_BYTES} (by default). The read position of the oldest segment is kept in {@code <segment>.ack} (8
 * bytes, rewritten after each delivered record) so a restart replays exactly what was not delivered.
 * A torn record at a segment's end (the process died while appending) or a checksum mismatch ends that
 * segment: the rest of it is counted as lost and logged. When the spool passes its size limit the
 * oldest segment is deleted and its samples counted as dropped.
 *
 * <p>Not thread-safe: only the sink's writer thread uses it.
 */
final class Spool {

    static final long SEGMENT_BYTES = 8L << 20;
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
        long length;
        long readOffset;
        long samples;

        Segment(long id, Path file) {
            this.id = id;
            this.file = file;
        }

        Path ackFile() {
            return file.resolveSibling(file.getFileName() + ".ack");
        }
    }

    Spool(Path dir, long maxBytes) throws IOException {
        this(dir, maxBytes, SEGMENT_BYTES);
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
            Segment s = new Segment(id, segmentFile(id));
            s.length = Files.size(s.file);
            if (Files.exists(s.ackFile())) {
                byte[] b = Files.readAllBytes(s.ackFile());
                s.readOffset = b.length == 8 ? Math.min(ByteBuffer.wrap(b).getLong(), s.length) : 0;
            }
            s.samples = countSamples(s);
            segments.add(s);
            bytes += s.length - s.readOffset;
            samples += s.samples;
            nextId = id + 1;
        }
        if (!segments.isEmpty()) {
            LOG.info("spool {}: {} samples from before the restart to deliver", dir, samples);
        }
    }

    private long countSamples(Segment s) throws IOException {
        long n = 0;
        try (FileChannel ch = FileChannel.open(s.file, StandardOpenOption.READ)) {
            long pos = s.readOffset;
            ByteBuffer head = ByteBuffer.allocate(12);
            while (pos + 12 <= s.length) {
                head.clear();
                ch.read(head, pos);
                head.flip();
                int len = head.getInt();
                head.getInt();
                if (len < 4 || pos + 8 + len > s.length) {
                    break;
                }
                n += head.getInt();
                pos += 8 + len;
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

    /** Samples lost to the size limit or to corrupt records since start. */
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
        if (tail == null || tail.length >= segmentBytes) {
            tail = new Segment(nextId++, segmentFile(nextId - 1));
            segments.add(tail);
        }
        ByteBuffer buf = ByteBuffer.allocate(8 + payload.length);
        buf.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        try (FileChannel ch = FileChannel.open(tail.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.position(tail.length);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
        tail.length += 8 + payload.length;
        tail.samples += batch.size();
        bytes += 8 + payload.length;
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
            List<Sample> batch = read(s);
            if (batch != null) {
                return batch;
            }
            // end of this segment (or a torn/corrupt record): on to the next
            if (s.samples > 0) {
                corrupt += s.samples;
                samples -= s.samples;
                LOG.warn("spool {}: {} samples in {} unreadable (torn or corrupt record), skipped", dir, s.samples, s.file);
            }
            bytes -= s.length - s.readOffset;
            segments.poll();
            delete(s);
        }
    }

    private List<Sample> read(Segment s) throws IOException {
        if (s.readOffset + 8 > s.length) {
            return null;
        }
        try (FileChannel ch = FileChannel.open(s.file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(8);
            ch.read(head, s.readOffset);
            head.flip();
            int len = head.getInt();
            int crc = head.getInt();
            if (len < 4 || s.readOffset + 8 + len > s.length) {
                return null;
            }
            ByteBuffer payload = ByteBuffer.allocate(len);
            while (payload.hasRemaining() && ch.read(payload, s.readOffset + 8 + payload.position()) > 0) {
                // read fully
            }
            CRC32 c = new CRC32();
            c.update(payload.array());
            if ((int) c.getValue() != crc) {
                return null;
            }
            return SampleCodec.decode(new DataInputStream(new ByteArrayInputStream(payload.array())));
        }
    }

    /** Marks the batch {@link #peek()} returned as delivered. */
    void ack(int delivered) throws IOException {
        Segment s = segments.peek();
        if (s == null) {
            return;
        }
        ByteBuffer head = ByteBuffer.allocate(4);
        try (FileChannel ch = FileChannel.open(s.file, StandardOpenOption.READ)) {
            ch.read(head, s.readOffset);
        }
        head.flip();
        long recordBytes = 8L + head.getInt();
        s.readOffset += recordBytes;
        s.samples -= delivered;
        bytes -= recordBytes;
        samples -= delivered;
        if (s.readOffset >= s.length) {
            segments.poll();
            delete(s);
        } else {
            Files.write(s.ackFile(), ByteBuffer.allocate(8).putLong(s.readOffset).array());
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
