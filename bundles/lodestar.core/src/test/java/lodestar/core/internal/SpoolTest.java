package lodestar.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import lodestar.api.Histogram;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

class SpoolTest {

    @TempDir
    Path dir;

    static List<Sample> batch(int from, int n) {
        List<Sample> l = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            Kind kind = Kind.values()[i % Kind.values().length];
            l.add(kind == Kind.HISTOGRAM ? Sample.histogram("m.é" + (i % 3), Tags.of("host", "h" + i), histogram(i), 1000L * i)
                    : new Sample("m.é" + (i % 3), Tags.of("host", "h" + i), i + 0.5, 1000L * i, kind));
        }
        return l;
    }

    /** One of each layout, so every histogram field goes through the spool and back. */
    static Histogram histogram(int i) {
        return switch (i % 3) {
        case 0 -> Histogram.explicit(Histogram.Temporality.CUMULATIVE, 7, 6 + i, 1.5 * i, 0.1, 9, new double[] { 0.5, 1, 2.5 },
                new long[] { 1, 2, 3, i });
        case 1 -> Histogram.exponential(Histogram.Temporality.DELTA, 0, 4 + i, 12.25, Double.NaN, Double.NaN, 3, 1e-9, 1, -2,
                new long[] { 1, 0, i }, 5, new long[] { 2 });
        default -> Histogram.summary(11, 100 + i, 250.5, new double[] { 0.5, 0.99 }, new double[] { 2, 4.5 + i });
        };
    }

    private List<Path> segments() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
    }

    @Test
    void batchesComeBackInOrderWithEverythingIntact() throws Exception {
        Spool s = new Spool(dir, 1 << 20);
        s.append(batch(0, 10));
        s.append(batch(10, 5));
        assertEquals(15, s.samples());
        assertEquals(batch(0, 10), s.peek());
        assertEquals(batch(0, 10), s.peek(), "peek does not consume");
        s.ack(10);
        assertEquals(batch(10, 5), s.peek());
        s.ack(5);
        assertTrue(s.isEmpty());
        assertNull(s.peek());
        assertEquals(0, s.bytes());
        assertTrue(segments().isEmpty(), "delivered segments are deleted");
    }

    @Test
    void aRestartReplaysExactlyWhatWasNotDelivered() throws Exception {
        Spool s = new Spool(dir, 1 << 20);
        s.append(batch(0, 10));
        s.append(batch(10, 10));
        s.append(batch(20, 10));
        s.peek();
        s.ack(10);
        Spool again = new Spool(dir, 1 << 20);
        assertEquals(20, again.samples());
        assertEquals(batch(10, 10), again.peek());
        again.ack(10);
        assertEquals(batch(20, 10), again.peek());
    }

    @Test
    void aTornLastRecordIsSkippedAndCountedTheRestKept() throws Exception {
        Spool s = new Spool(dir, 1 << 20);
        s.append(batch(0, 10));
        s.append(batch(10, 10));
        Path seg = segments().get(0);
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.setLength(f.length() - 7); // the process died while appending the second record
        }
        Spool again = new Spool(dir, 1 << 20);
        assertEquals(batch(0, 10), again.peek());
        again.ack(10);
        assertNull(again.peek());
        assertTrue(again.isEmpty());
    }

    @Test
    void aCorruptRecordIsDetectedByItsChecksum() throws Exception {
        Spool s = new Spool(dir, 1 << 20);
        s.append(batch(0, 10));
        Path seg = segments().get(0);
        byte[] b = Files.readAllBytes(seg);
        b[b.length / 2] ^= 0x5a;
        Files.write(seg, b);
        Spool again = new Spool(dir, 1 << 20);
        assertNull(again.peek());
        assertEquals(10, again.dropped());
    }

    @Test
    void overItsLimitTheOldestSegmentGoesAndIsCounted() throws Exception {
        Spool s = new Spool(dir, 3000, 1000);
        for (int i = 0; i < 20; i++) {
            s.append(batch(i * 10, 10));
        }
        assertTrue(s.bytes() <= 3000 + 1000, "bounded: " + s.bytes());
        assertTrue(s.dropped() > 0);
        assertEquals(200, s.samples() + s.dropped(), "every sample is either kept or counted as dropped");
        List<Sample> first = s.peek();
        assertTrue(first.get(0).value() > 0.5, "the oldest went first");
    }

    /** Issue 11, finding 7: one flipped byte cost every good sample after it. */
    @Test
    void aDamagedRecordCostsOnlyItsOwnSamplesAndTheReaderResynchronises() throws Exception {
        Spool s = new Spool(dir, 64 << 20);
        for (int i = 0; i < 50; i++) {
            s.append(batch(i * 100, 100));
        }
        Path seg = segments().get(0);
        byte[] b = Files.readAllBytes(seg);
        b[b.length / 3] ^= 0x5a; // inside one record of the 50
        Files.write(seg, b);
        Spool again = new Spool(dir, 64 << 20);
        List<Sample> delivered = new ArrayList<>();
        for (List<Sample> batch = again.peek(); batch != null; batch = again.peek()) {
            delivered.addAll(batch);
            again.ack(batch.size());
        }
        assertEquals(4900, delivered.size(), "49 of 50 batches: only the damaged one is lost");
        assertEquals(100, again.dropped(), "and it is counted");
        assertEquals(batch(4900, 100), delivered.subList(4800, 4900), "the ones after it, in order");
        assertTrue(again.isEmpty());
    }

    /** Issue 11, finding 7: a read position that points nowhere made a whole segment disappear. */
    @Test
    void aReadPositionThatPointsNowhereReplaysTheSegmentInsteadOfLosingIt() throws Exception {
        Spool s = new Spool(dir, 64 << 20);
        s.append(batch(0, 10));
        s.append(batch(10, 10));
        s.append(batch(20, 10));
        s.peek();
        s.ack(10);
        Path ack = segments().get(0).resolveSibling(segments().get(0).getFileName() + ".ack");
        Files.write(ack, java.nio.ByteBuffer.allocate(8).putLong(17).array()); // inside a record
        Spool again = new Spool(dir, 64 << 20);
        assertEquals(30, again.samples(), "the whole segment again: duplicates beat loss");
        assertEquals(batch(0, 10), again.peek());
        Files.write(ack, java.nio.ByteBuffer.allocate(8).putLong(Long.MAX_VALUE).array());
        assertEquals(30, new Spool(dir, 64 << 20).samples(), "beyond the end too");
        Files.write(ack, new byte[] {1, 2, 3});
        assertEquals(30, new Spool(dir, 64 << 20).samples(), "and a torn position file");
    }

    /**
     * Issue 17 (crash recovery): the read position is rewritten after every delivered record. Written by truncating
     * the file and writing it again, a SIGKILL between the two left an empty position file, and the next start
     * replayed the whole segment (up to 8 MB of samples, all delivered before: duplicates at the backend). It is now
     * overwritten in place, so at every moment it holds 8 bytes: a reader watching it while records are acknowledged
     * never sees it shorter (with the old write it saw it empty within a few thousand acknowledgements).
     */
    @Test
    void theReadPositionIsNeverSeenTornWhileRecordsAreAcknowledged() throws Exception {
        Spool s = new Spool(dir, 256 << 20);
        int records = 5_000;
        for (int i = 0; i < records; i++) {
            s.append(batch(i, 1));
        }
        Path ack = segments().get(0).resolveSibling(segments().get(0).getFileName() + ".ack");
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong torn = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong looks = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong lastTorn = new java.util.concurrent.atomic.AtomicLong(-1);
        Thread watcher = new Thread(() -> {
            while (!done.get()) {
                try {
                    if (Files.exists(ack)) {
                        looks.incrementAndGet();
                        long size = Files.size(ack);
                        if (size != 8) {
                            torn.incrementAndGet();
                            lastTorn.set(size);
                        }
                    }
                } catch (java.io.IOException e) {
                    // deleted between the two calls
                }
            }
        });
        watcher.start();
        try {
            for (int i = 0; i < records - 1; i++) {
                s.peek();
                s.ack(1);
            }
        } finally {
            done.set(true);
            watcher.join();
        }
        assertTrue(looks.get() > 100, "the watcher looked too rarely to tell: " + looks.get());
        assertEquals(0, torn.get(), "times the read position file was seen without its 8 bytes, of " + looks.get()
                + " (last size seen " + lastTorn.get() + ")");
    }

    /** Issue 11, finding 11: a 1 MB limit grew to 7.7 MB because segments were 8 MB whatever the limit. */
    @Test
    void theDiskUsedStaysNearTheLimitWhateverTheLimit() throws Exception {
        long limit = 1 << 20;
        Spool s = new Spool(dir, limit);
        for (int i = 0; i < 400; i++) {
            s.append(batch(i * 100, 100));
        }
        long onDisk = 0;
        for (Path p : segments()) {
            onDisk += Files.size(p);
        }
        assertTrue(onDisk <= limit + limit / 8 + 64 * 1024, "on disk: " + onDisk + " bytes for a limit of " + limit);
        assertEquals(40_000, s.samples() + s.dropped(), "every sample kept or counted");
    }

    /** Segments written before records carried a magic (issue 10's format) are still read after an upgrade. */
    @Test
    void segmentsOfTheFormerFormatAreStillDelivered() throws Exception {
        byte[] payload = SampleCodec.encode(batch(0, 10));
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(payload);
        java.nio.ByteBuffer old = java.nio.ByteBuffer.allocate(8 + payload.length);
        old.putInt(payload.length).putInt((int) crc.getValue()).put(payload);
        Files.write(dir.resolve(String.format("%016d.seg", 7)), old.array());
        Spool s = new Spool(dir, 1 << 20);
        assertEquals(10, s.samples());
        assertEquals(batch(0, 10), s.peek());
        s.append(batch(10, 5)); // new batches go to a new segment of the current format, after it
        s.ack(10);
        assertEquals(batch(10, 5), s.peek());
        s.ack(5);
        assertTrue(s.isEmpty());
    }
}
