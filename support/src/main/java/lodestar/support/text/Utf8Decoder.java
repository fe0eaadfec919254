package lodestar.support.text;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 for received bytes, at the cost of good input whatever arrives: malformed bytes give
 * {@code null} instead of an exception. The JDK's {@code CharsetDecoder.decode(ByteBuffer)} reports malformed
 * input by throwing, and filling in that exception's stack trace costs many times a whole line's parsing, so a
 * flood of such input would slow a receiver far below its rate for good input. Not thread-safe: one per
 * receiving thread.
 */
public final class Utf8Decoder {

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private CharBuffer chars = CharBuffer.allocate(256);

    /** The text of {@code len} bytes at {@code off}, or null when they are not well-formed UTF-8. */
    public String decode(byte[] a, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end && a[i] >= 0) {
            i++;
        }
        if (i == end) {
            return new String(a, off, len, StandardCharsets.ISO_8859_1); // ASCII, the usual case
        }
        if (chars.capacity() < len) {
            chars = CharBuffer.allocate(Math.max(len, chars.capacity() * 2));
        }
        chars.clear();
        decoder.reset();
        CoderResult r = decoder.decode(ByteBuffer.wrap(a, off, len), chars, true);
        if (r.isError() || decoder.flush(chars).isError()) {
            return null;
        }
        chars.flip();
        return chars.toString();
    }
}
