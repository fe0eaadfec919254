package lodestar.listener.statsd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

class BytesTest {

    static double num(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return Bytes.parseNumber(b, 0, b.length);
    }

    @Test
    void numbersParseLikeParseDouble() {
        for (String s : new String[] {"0", "1", "-1", "+2", "1.5", ".5", "5.", "-0.25", "123456789012345", "1234567890123456789",
                "0.1", "0.000000000000000000000001", "1e3", "1E-3", "-2.5e+2", "3.141592653589793238", "9007199254740993"}) {
            assertEquals(Double.parseDouble(s), num(s), s);
        }
        Random r = new Random(1);
        for (int i = 0; i < 20000; i++) {
            String s = Long.toString(r.nextLong() % 1_000_000_000_000L) + "." + Math.abs(r.nextInt() % 100000);
            assertEquals(Double.parseDouble(s), num(s), s);
        }
        assertEquals(Double.doubleToLongBits(-0.0), Double.doubleToLongBits(num("-0")));
    }

    @Test
    void nonNumbersAreNaN() {
        for (String s : new String[] {"", "+", "-", ".", "e5", "1e", "1e+", "0x10", " 1", "1 ", "NaN", "Infinity", "1e400", "1.2.3", "1d", "1f", "١"}) {
            assertTrue(Double.isNaN(num(s)), s);
        }
    }

    @Test
    void sampleRates() {
        byte[] b = "@0.25".getBytes();
        assertEquals(0.25, Bytes.parseRate(b, 0, b.length));
        b = "@.5 ".getBytes();
        assertEquals(0.5, Bytes.parseRate(b, 0, b.length));
        b = "@2".getBytes();
        assertEquals(2.0, Bytes.parseRate(b, 0, b.length));
        for (String s : new String[] {"@", "@0", "@-1", "@+1", "@1e-2", "@x", "0.5", "@."}) {
            b = s.getBytes();
            assertTrue(Double.isNaN(Bytes.parseRate(b, 0, b.length)), s);
        }
    }

    @Test
    void sanitizedHashIgnoresWhatSanitizingRemoves() {
        byte[] a = "a b/c!".getBytes();
        byte[] b = "a \t b-c".getBytes();
        byte[] c = "a_b-c".getBytes();
        assertEquals(Bytes.sanitizedHash(c, 0, c.length), Bytes.sanitizedHash(a, 0, a.length));
        assertEquals(Bytes.sanitizedHash(c, 0, c.length), Bytes.sanitizedHash(b, 0, b.length));
    }
}
