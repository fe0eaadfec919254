package lodestar.support.snappy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;

/** The pure-Java codec against snappy-java (the JNI reference): both directions, then hostile blocks. */
class SnappyTest {

    private static List<byte[]> payloads() throws IOException {
        Random r = new Random(42);
        List<byte[]> p = new ArrayList<>();
        p.add(new byte[0]);
        p.add(new byte[] {7});
        p.add("abcd".getBytes(StandardCharsets.US_ASCII));
        for (int size : new int[] {5, 17, 60, 61, 255, 256, 257, 1000, 65535, 65536, 65537, 200_000, 1_100_000}) {
            byte[] random = new byte[size];
            r.nextBytes(random);
            p.add(random);
            byte[] runs = new byte[size]; // long runs: overlapping copies and 64-byte pieces
            for (int i = 0; i < size; i++) {
                runs[i] = (byte) ((i / 97) % 3);
            }
            p.add(runs);
            byte[] text = new byte[size]; // few symbols, many short matches at all offsets
            for (int i = 0; i < size; i++) {
                text[i] = (byte) ('a' + r.nextInt(4));
            }
            p.add(text);
        }
        StringBuilder exposition = new StringBuilder(); // what remote write carries: repetitive label text
        for (int i = 0; i < 5000; i++) {
            exposition.append("http_requests_total{job=\"api\",instance=\"10.0.0.").append(i % 50).append(":9100\",code=\"")
                    .append(200 + i % 5).append("\"} ").append(i * 3.5).append('\n');
        }
        p.add(exposition.toString().getBytes(StandardCharsets.UTF_8));
        // real binary payloads: the class files of this JDK's java.base module, packed as found
        try (InputStream in = Object.class.getResourceAsStream("/java/lang/String.class")) {
            p.add(in.readAllBytes());
        }
        try (InputStream in = org.xerial.snappy.Snappy.class.getProtectionDomain().getCodeSource().getLocation().openStream();
                ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry e;
            int n = 0;
            while ((e = zip.getNextEntry()) != null && n < 20) {
                if (!e.isDirectory()) {
                    p.add(zip.readAllBytes());
                    n++;
                }
            }
        }
        return p;
    }

    @Test
    void oursDecodesSnappyJavaAndSnappyJavaDecodesOurs() throws IOException {
        for (byte[] data : payloads()) {
            byte[] theirs = org.xerial.snappy.Snappy.compress(data);
            assertArrayEquals(data, Snappy.decompress(theirs, data.length), "decoding snappy-java's block of " + data.length);
            byte[] ours = Snappy.compress(data);
            assertArrayEquals(data, org.xerial.snappy.Snappy.uncompress(ours), "snappy-java decoding our block of " + data.length);
            assertArrayEquals(data, Snappy.decompress(ours, data.length));
            assertEquals(data.length, Snappy.uncompressedLength(ours, 0, ours.length));
            assertTrue(org.xerial.snappy.Snappy.isValidCompressedBuffer(ours));
            // and we compress about as well: within 25 % + 64 bytes of the reference
            assertTrue(ours.length <= theirs.length * 1.25 + 64, "ours " + ours.length + " vs theirs " + theirs.length);
        }
    }

    @Test
    void compressesRepetitiveText() {
        byte[] data = "abcdefgh".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
        assertTrue(Snappy.compress(data).length < data.length / 10);
    }

    @Test
    void declaredLengthAboveTheMaximumIsRefusedBeforeDecoding() throws IOException {
        byte[] data = new byte[10_000];
        byte[] block = org.xerial.snappy.Snappy.compress(data);
        SnappyException e = assertThrows(SnappyException.class, () -> Snappy.decompress(block, 9_999));
        assertTrue(e.tooLarge());
        assertArrayEquals(data, Snappy.decompress(block, 10_000));
    }

    @Test
    void declaredLengthThatTheInputCannotReachIsRefusedWithoutAllocating() {
        // a 6-byte "bomb": declares 2 GB - 1 with one literal byte; must fail fast, not allocate 2 GB
        byte[] bomb = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x00, 'x'};
        SnappyException e = assertThrows(SnappyException.class, () -> Snappy.decompress(bomb, Integer.MAX_VALUE));
        assertFalse(e.tooLarge());
        assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
    }

    @Test
    void malformedBlocksAreRefused() throws IOException {
        byte[] good = org.xerial.snappy.Snappy.compress("hello hello hello hello hello".getBytes(StandardCharsets.US_ASCII));
        for (int cut = 0; cut < good.length; cut++) { // every truncation
            byte[] truncated = java.util.Arrays.copyOf(good, cut);
            assertThrows(SnappyException.class, () -> Snappy.decompress(truncated, 1000), "truncated at " + cut);
        }
        // copy before any output
        assertThrows(SnappyException.class, () -> Snappy.decompress(new byte[] {4, 0b0000_0001, 1}, 100));
        // copy offset beyond what was written
        assertThrows(SnappyException.class, () -> Snappy.decompress(new byte[] {8, 0, 'a', 0b0000_0001, 5}, 100));
        // literal longer than declared
        assertThrows(SnappyException.class, () -> Snappy.decompress(new byte[] {1, 4, 'a', 'b'}, 100));
        // output shorter than declared
        assertThrows(SnappyException.class, () -> Snappy.decompress(new byte[] {3, 0, 'a'}, 100));
        // varint longer than 5 bytes
        assertThrows(SnappyException.class, () -> Snappy.decompress(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80,
                (byte) 0x80, (byte) 0x80, 0}, 100));
        assertThrows(SnappyException.class, () -> Snappy.decompress(new byte[0], 100));
        // random garbage never throws anything but SnappyException
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[1 + r.nextInt(64)];
            r.nextBytes(junk);
            try {
                Snappy.decompress(junk, 4096);
            } catch (SnappyException expected) {
                // fine
            }
        }
    }
}
