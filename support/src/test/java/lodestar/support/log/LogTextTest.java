package lodestar.support.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void controlCharactersAreEscapedAndTextIsKept() {
        assertEquals("a\\x1b[31mred\\r\\nforged\\t\\x00\\x7f\\x85end", LogText.of("a\u001b[31mred\r\nforged\t\u0000\u007f\u0085end"));
        assertEquals("caf\u00e9 \u65e5\u672c \ud83d\ude00", LogText.of("caf\u00e9 \u65e5\u672c \ud83d\ude00"), "other scripts and emoji stay");
        assertEquals("x\\u202eevil\\u200bz\\u2028", LogText.of("x\u202eevil\u200bz\u2028"), "invisible formatting is shown");
        assertEquals("lone \\ud800 and \\udc00", LogText.of("lone \ud800 and \udc00"));
        assertEquals("back\\slash", LogText.of("back\\slash"));
    }

    @Test
    void longInputIsCutAndItsLengthSaid() {
        String s = LogText.of("7".repeat(1_000_000));
        assertEquals("7".repeat(200) + "...(1000000 characters)", s);
        assertEquals("x".repeat(200), LogText.of("x".repeat(200)));
    }

    @Test
    void bytesArePrintableAsciiOrEscaped() {
        byte[] b = "ok \u001b\r\n\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("ok \\x1b\\r\\n\\xff", LogText.of(b, 0, b.length));
        byte[] big = new byte[70_000];
        java.util.Arrays.fill(big, (byte) 'a');
        assertEquals("a".repeat(200) + "...(69990 bytes)", LogText.of(big, 10, 69_990));
    }

    @Test
    void aWholeLineIsCutAndEscapedButASafeOneIsLeftAlone() {
        String safe = "bad line from /127.0.0.1:4000: 'a\\x1b' (already escaped)";
        assertSame(safe, LogText.line(safe));
        String raw = "prefix " + "\r".repeat(5000);
        String line = LogText.line(raw);
        assertTrue(line.length() < LogText.MAX_LINE + 30, "" + line.length());
        assertTrue(line.endsWith("...(5007 characters)"), line.substring(line.length() - 40));
        assertTrue(line.startsWith("prefix \\r\\r"), line.substring(0, 20));
    }

    @Test
    void rateLimitedLinesAreMadeSafe() {
        List<String> logged = new ArrayList<>();
        RateLimitedLog log = new RateLimitedLog(60_000, logged::add);
        log.log(() -> "bad input '" + "\u001b]0;pwned\u0007" + "y".repeat(5000) + "'");
        assertEquals(1, logged.size());
        assertTrue(logged.get(0).startsWith("bad input '\\x1b]0;pwned\\x07yyy"), logged.get(0).substring(0, 40));
        assertTrue(logged.get(0).length() <= LogText.MAX_LINE + 30);
    }
}
