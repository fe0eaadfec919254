package lodestar.sink.graphite.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array the encoders append to. One per sink, reused for every batch, so encoding a
 * batch allocates nothing once the array has grown to the usual batch size.
 */
final class ByteBuf {

    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private byte[] bytes;
    private int length;

    ByteBuf(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    byte[] array() {
        return bytes;
    }

    int length() {
        return length;
    }

    /** Moves the end back, dropping what was appended after {@code position} (a rejected sample). */
    void truncate(int position) {
        length = position;
    }

    void clear() {
        length = 0;
    }

    /** Clears and, when one huge batch made the array large, gives the memory back. */
    void clearAndTrim(int keepCapacity) {
        length = 0;
        if (bytes.length > keepCapacity) {
            bytes = new byte[keepCapacity];
        }
    }

    void ensure(int extra) {
        int need = length + extra;
        if (need > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(need, bytes.length * 2));
        }
    }

    ByteBuf put(int b) {
        ensure(1);
        bytes[length++] = (byte) b;
        return this;
    }

    /** Appends a string known to be ASCII (number renderings). */
    ByteBuf putAscii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[length++] = (byte) s.charAt(i);
        }
        return this;
    }

    ByteBuf putBytes(byte[] b, int count) {
        ensure(count);
        System.arraycopy(b, 0, bytes, length, count);
        length += count;
        return this;
    }

    /** Appends the decimal digits of {@code v}, without allocating. */
    ByteBuf putDecimal(long v) {
        if (v == Long.MIN_VALUE) {
            return putAscii("-9223372036854775808");
        }
        ensure(20);
        if (v < 0) {
            bytes[length++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        int end = length + digits;
        for (int i = end - 1; i >= length; i--) {
            bytes[i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        length = end;
        return this;
    }

    /** Appends {@code unscaled / 10^scale} in fixed point: {@code putFixed(-5, 2)} is {@code -0.05}. */
    ByteBuf putFixed(long unscaled, int scale) {
        ensure(22 + scale);
        if (unscaled < 0) {
            bytes[length++] = '-';
            unscaled = -unscaled; // callers pass |unscaled| < 2^53
        }
        int digits = 1;
        for (long t = unscaled; t >= 10; t /= 10) {
            digits++;
        }
        int total = Math.max(digits, scale + 1) + 1; // at least "0." before the decimals
        int end = length + total;
        int pos = end - 1;
        for (int i = 0; i < scale; i++) {
            bytes[pos--] = (byte) ('0' + (unscaled % 10));
            unscaled /= 10;
        }
        bytes[pos--] = '.';
        while (pos >= length) {
            bytes[pos--] = (byte) ('0' + (unscaled % 10));
            unscaled /= 10;
        }
        length = end;
        return this;
    }

    /** Reserves room, then {@link #putUnchecked} may append that many bytes without checks. */
    void putUnchecked(int b) {
        bytes[length++] = (byte) b;
    }

    ByteBuf putIntBE(int v) {
        ensure(4);
        INT_BE.set(bytes, length, v);
        length += 4;
        return this;
    }

    ByteBuf putIntLE(int v) {
        ensure(4);
        INT_LE.set(bytes, length, v);
        length += 4;
        return this;
    }

    ByteBuf putDoubleBE(double v) {
        ensure(8);
        LONG_BE.set(bytes, length, Double.doubleToRawLongBits(v));
        length += 8;
        return this;
    }

    /** Overwrites 4 bytes at {@code position} (a length field reserved earlier). */
    void setIntBE(int position, int v) {
        INT_BE.set(bytes, position, v);
    }

    void setIntLE(int position, int v) {
        INT_LE.set(bytes, position, v);
    }

    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
