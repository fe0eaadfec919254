package lodestar.support.lineprotocol;

import java.util.Arrays;

/** A growable byte array the encoders write into, reused between requests so encoding allocates little. */
public final class Bytes {

    private byte[] buf;
    private int len;

    public Bytes(int capacity) {
        buf = new byte[capacity];
    }

    public void clear() {
        len = 0;
    }

    /** Clears, and gives back memory beyond {@code keep} bytes after an unusually large request. */
    public void clearAndTrim(int keep) {
        len = 0;
        if (buf.length > keep) {
            buf = new byte[keep];
        }
    }

    public int length() {
        return len;
    }

    public byte[] array() {
        return buf;
    }

    public void put(int b) {
        if (len == buf.length) {
            grow(1);
        }
        buf[len++] = (byte) b;
    }

    public void ensure(int more) {
        if (len + more > buf.length) {
            grow(more);
        }
    }

    /** Appends an ASCII string (every char below 0x80). */
    public void ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    public void decimal(long v) {
        if (v == Long.MIN_VALUE) {
            ascii(Long.toString(v));
            return;
        }
        ensure(20);
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int start = len;
        do {
            buf[len++] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
    }

    private void grow(int more) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }

    /** A copy of the bytes written so far. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    @Override
    public String toString() {
        return new String(buf, 0, len, java.nio.charset.StandardCharsets.UTF_8);
    }
}
