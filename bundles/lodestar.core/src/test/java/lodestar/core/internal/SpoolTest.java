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

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

class SpoolTest {

    @TempDir
    Path dir;

    static List<Sample> batch(int from, int n) {
        List<Sample> l = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            l.add(new Sample("m.é" + (i % 3), Tags.of("host", "h" + i), i + 0.5, 1000L * i, Kind.values()[i % Kind.values().length]));
        }
        return l;
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
}
