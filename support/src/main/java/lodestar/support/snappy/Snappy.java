package lodestar.support.snappy;

import java.util.Arrays;

/**
 * Snappy's block format (https://github.com/google/snappy/blob/main/format_description.txt), in pure Java: what
 * Prometheus remote write puts on the wire ({@code Content-Encoding: snappy}; the block format, not the framed
 * stream). snappy-java needs JNI and its OSGi native loading is fragile; the format is small.
 *
 * <p>Decoding is bounded for hostile input: the declared length is checked against the caller's maximum and
 * against what the remaining input could possibly expand to (at most 64 bytes per 3-byte copy element) before
 * anything is allocated, every copy is checked against what was written so far, and the output must come out at
 * exactly the declared length. Stateless; safe from any thread.
 */
public final class Snappy {

    /** A copy element of 3 bytes expands to at most 64 bytes: no valid block expands more than this per byte. */
    private static final int MAX_EXPANSION = 22;
    private static final int HASH_BITS = 14;
    private static final int MIN_MATCH = 4;

    private Snappy() {
    }

    /**
     * The uncompressed length a block declares, without decoding it.
     *
     * @throws SnappyException when the length varint is malformed or does not fit in an int
     */
    public static int uncompressedLength(byte[] in, int off, int len) throws SnappyException {
        return (int) readLength(in, off, len)[0];
    }

    /** Decodes a whole block; see {@link #decompress(byte[], int, int, int)}. */
    public static byte[] decompress(byte[] in, int maxLength) throws SnappyException {
        return decompress(in, 0, in.length, maxLength);
    }

    /**
     * Decodes the block in {@code in[off, off+len)}.
     *
     * @param maxLength the most uncompressed bytes the caller accepts
     * @throws SnappyException when the block is malformed or truncated ({@link SnappyException#tooLarge()} false),
     *     or declares more than {@code maxLength} bytes (true)
     */
    public static byte[] decompress(byte[] in, int off, int len, int maxLength) throws SnappyException {
        if (off < 0 || len < 0 || off + len > in.length) {
            throw new IndexOutOfBoundsException();
        }
        long[] header = readLength(in, off, len);
        long declared = header[0];
        int ip = (int) header[1];
        int end = off + len;
        if (declared > maxLength) {
            throw new SnappyException("snappy block declares " + declared + " bytes, more than the " + maxLength + " allowed", true);
        }
        if (declared > (long) (end - ip) * MAX_EXPANSION) {
            throw new SnappyException("snappy block declares " + declared + " bytes but only " + (end - ip)
                    + " bytes of input follow: truncated or corrupt", false);
        }
        byte[] out = new byte[(int) declared];
        int op = 0;
        while (ip < end) {
            int tag = in[ip++] & 0xff;
            int length;
            int offset;
            switch (tag & 3) {
            case 0 -> { // literal
                int l = tag >>> 2;
                if (l >= 60) {
                    int extra = l - 59;
                    if (ip + extra > end) {
                        throw malformed("literal length truncated");
                    }
                    long v = 0;
                    for (int i = 0; i < extra; i++) {
                        v |= (long) (in[ip++] & 0xff) << (8 * i);
                    }
                    if (v + 1 > Integer.MAX_VALUE) {
                        throw malformed("literal length " + (v + 1));
                    }
                    l = (int) v;
                }
                length = l + 1;
                if (length > end - ip) {
                    throw malformed("literal of " + length + " bytes runs past the input");
                }
                if (length > out.length - op) {
                    throw malformed("literal runs past the declared length " + declared);
                }
                System.arraycopy(in, ip, out, op, length);
                ip += length;
                op += length;
                continue;
            }
            case 1 -> {
                if (ip >= end) {
                    throw malformed("copy truncated");
                }
                length = 4 + ((tag >>> 2) & 7);
                offset = ((tag >>> 5) << 8) | (in[ip++] & 0xff);
            }
            case 2 -> {
                if (ip + 2 > end) {
                    throw malformed("copy truncated");
                }
                length = 1 + (tag >>> 2);
                offset = (in[ip] & 0xff) | (in[ip + 1] & 0xff) << 8;
                ip += 2;
            }
            default -> {
                if (ip + 4 > end) {
                    throw malformed("copy truncated");
                }
                length = 1 + (tag >>> 2);
                long o = (in[ip] & 0xffL) | (in[ip + 1] & 0xffL) << 8 | (in[ip + 2] & 0xffL) << 16 | (in[ip + 3] & 0xffL) << 24;
                ip += 4;
                if (o > Integer.MAX_VALUE) {
                    throw malformed("copy offset " + o);
                }
                offset = (int) o;
            }
            }
            if (offset <= 0 || offset > op) {
                throw malformed("copy offset " + offset + " at output position " + op);
            }
            if (length > out.length - op) {
                throw malformed("copy runs past the declared length " + declared);
            }
            int from = op - offset;
            if (offset >= length) {
                System.arraycopy(out, from, out, op, length);
                op += length;
            } else {
                // overlapping copy: repeats the last `offset` bytes, byte by byte as the format defines
                for (int i = 0; i < length; i++) {
                    out[op++] = out[from++];
                }
            }
        }
        if (op != out.length) {
            throw malformed("block decodes to " + op + " bytes, declares " + declared);
        }
        return out;
    }

    /** Encodes {@code in} as one snappy block. */
    public static byte[] compress(byte[] in) {
        return compress(in, 0, in.length);
    }

    /** Encodes {@code in[off, off+len)} as one snappy block (greedy matching over a hash table, as snappy does). */
    public static byte[] compress(byte[] in, int off, int len) {
        if (off < 0 || len < 0 || off + len > in.length) {
            throw new IndexOutOfBoundsException();
        }
        // worst case: varint + all literals with a tag per 60-ish bytes; snappy's bound is 32 + n + n/6
        byte[] out = new byte[32 + len + len / 6];
        int op = writeVarint(out, 0, len);
        int end = off + len;
        int[] table = new int[1 << HASH_BITS];
        Arrays.fill(table, -1);
        int literalStart = off;
        int ip = off;
        int limit = end - MIN_MATCH;
        while (ip <= limit) {
            int h = hash(readInt(in, ip));
            int candidate = table[h];
            table[h] = ip;
            if (candidate >= off && ip - candidate <= 0xffff && readInt(in, candidate) == readInt(in, ip)) {
                op = emitLiteral(in, literalStart, ip - literalStart, out, op);
                int matched = MIN_MATCH;
                while (ip + matched < end && in[candidate + matched] == in[ip + matched]) {
                    matched++;
                }
                op = emitCopy(out, op, ip - candidate, matched);
                // index a position inside the match so that runs keep matching
                if (ip + matched - 1 <= limit && matched > 1) {
                    table[hash(readInt(in, ip + matched - 1))] = ip + matched - 1;
                }
                ip += matched;
                literalStart = ip;
            } else {
                ip++;
            }
        }
        op = emitLiteral(in, literalStart, end - literalStart, out, op);
        return Arrays.copyOf(out, op);
    }

    private static int emitLiteral(byte[] in, int from, int length, byte[] out, int op) {
        if (length == 0) {
            return op;
        }
        int n = length - 1;
        if (n < 60) {
            out[op++] = (byte) (n << 2);
        } else {
            int bytes = n < (1 << 8) ? 1 : n < (1 << 16) ? 2 : n < (1 << 24) ? 3 : 4;
            out[op++] = (byte) ((59 + bytes) << 2);
            for (int i = 0; i < bytes; i++) {
                out[op++] = (byte) (n >>> (8 * i));
            }
        }
        System.arraycopy(in, from, out, op, length);
        return op + length;
    }

    private static int emitCopy(byte[] out, int op, int offset, int length) {
        // long matches: 64-byte pieces, leaving at least 4 for the last piece so it can be a 1-byte-offset copy
        while (length >= 68) {
            op = copy2(out, op, offset, 64);
            length -= 64;
        }
        if (length > 64) {
            op = copy2(out, op, offset, 60);
            length -= 60;
        }
        if (length >= 4 && length <= 11 && offset < 2048) {
            out[op++] = (byte) (1 | ((length - 4) << 2) | ((offset >>> 8) << 5));
            out[op++] = (byte) offset;
            return op;
        }
        return copy2(out, op, offset, length);
    }

    private static int copy2(byte[] out, int op, int offset, int length) {
        out[op++] = (byte) (2 | ((length - 1) << 2));
        out[op++] = (byte) offset;
        out[op++] = (byte) (offset >>> 8);
        return op;
    }

    private static int hash(int v) {
        return (v * 0x1e35a7bd) >>> (32 - HASH_BITS);
    }

    private static int readInt(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }

    private static int writeVarint(byte[] out, int op, int v) {
        while ((v & ~0x7f) != 0) {
            out[op++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out[op++] = (byte) v;
        return op;
    }

    /** Returns {length, position after the varint}. */
    private static long[] readLength(byte[] in, int off, int len) throws SnappyException {
        long v = 0;
        int ip = off;
        int end = off + len;
        for (int shift = 0; shift < 35; shift += 7) {
            if (ip >= end) {
                throw malformed(len == 0 ? "empty body" : "length varint truncated");
            }
            int b = in[ip++] & 0xff;
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                if (v > Integer.MAX_VALUE) {
                    throw new SnappyException("snappy block declares " + v + " bytes", true);
                }
                return new long[] {v, ip};
            }
        }
        throw malformed("length varint longer than 5 bytes");
    }

    private static SnappyException malformed(String what) {
        return new SnappyException("malformed snappy block: " + what, false);
    }
}
