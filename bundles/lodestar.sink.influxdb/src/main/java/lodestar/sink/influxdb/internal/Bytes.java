package lodestar.sink.influxdb.internal;

import java.util.Arrays;

/** A growable byte array the encoder writes into, reused between requests so encoding allocates little. */
final class Bytes {

    private byte[] buf;
    private int len;

    Bytes(int capacity) {
        buf = new byte[capacity];
    }

    void clear() {
        len = 0;
    }

    /** Clears, and gives back memory beyond {@code keep} bytes after an unusually large request. */
    void clearAndTrim(int keep) {
        len = 0;
        if (buf.length > keep) {
            buf = new byte[keep];
        }
    }

    int length() {
        return len;
    }

    byte[] array() {
        return buf;
    }

    void put(int b) {
        if (len == buf.length) {
            grow(1);
        }
        buf[len++] = (byte) b;
    }

    void ensure(int more) {
        if (len + more > buf.length) {
            grow(more);
        }
    }

    /** Appends an ASCII string (every char below 0x80). */
    void ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    void decimal(long v) {
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

    @Override
    public String toString() {
        return new String(buf, 0, len, java.nio.charset.StandardCharsets.UTF_8);
    }
}
