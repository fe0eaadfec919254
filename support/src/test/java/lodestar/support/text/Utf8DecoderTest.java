package lodestar.support.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class Utf8DecoderTest {

    private final Utf8Decoder d = new Utf8Decoder();

    private String decode(byte[] b) {
        return d.decode(b, 0, b.length);
    }

    @Test
    void wellFormedTextOfAnyLengthDecodes() {
        assertEquals("plain.ascii 1 2", decode("plain.ascii 1 2".getBytes(StandardCharsets.US_ASCII)));
        String mixed = "caf\u00e9.\u65e5\u672c.\ud83d\ude00".repeat(100);
        assertEquals(mixed, decode(mixed.getBytes(StandardCharsets.UTF_8)), "longer than the first buffer");
        byte[] framed = "xx\u00e9yy".getBytes(StandardCharsets.UTF_8);
        assertEquals("\u00e9y", d.decode(framed, 2, 3));
    }

    @Test
    void malformedBytesGiveNull() {
        assertNull(decode(new byte[] {'a', (byte) 0xff, 'b'}), "not a UTF-8 byte");
        assertNull(decode(new byte[] {(byte) 0xc3}), "cut in the middle of a character");
        assertNull(decode(new byte[] {(byte) 0xc0, (byte) 0x80}), "overlong");
        assertNull(decode(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}), "a surrogate");
        assertEquals("after", decode("after".getBytes(StandardCharsets.US_ASCII)), "the decoder is reusable");
        assertEquals("\u00e9", decode("\u00e9".getBytes(StandardCharsets.UTF_8)));
    }
}
