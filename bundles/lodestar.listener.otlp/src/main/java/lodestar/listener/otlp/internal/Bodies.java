package lodestar.listener.otlp.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reading a request body without trusting its sender: never more than a limit, whatever the body claims, and
 * gunzipping with the limit applied to what comes out (a few kilobytes of gzip can inflate to gigabytes), so a
 * request costs at most its limit in memory however it is built. Stateless.
 */
final class Bodies {

    /** The body is larger than allowed (413). */
    static final class TooLarge extends Exception {
        TooLarge(String message) {
            super(message, null, false, false);
        }
    }

    private Bodies() {
    }

    /**
     * At most {@code limit} bytes of {@code in}.
     *
     * @param expected the declared length, or -1: sizes the first buffer (capped, so a lying header costs nothing)
     * @throws TooLarge as soon as more than {@code limit} bytes come
     */
    static byte[] read(InputStream in, long expected, long limit) throws IOException, TooLarge {
        int first = (int) Math.min(limit + 1, expected >= 0 ? expected + 1 : 64 * 1024);
        byte[] buf = new byte[Math.max(first, 512)];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (n > limit) {
                    throw new TooLarge("body larger than " + limit + " bytes");
                }
                buf = Arrays.copyOf(buf, (int) Math.min(limit + 1, (long) buf.length * 2));
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
            if (n > limit) {
                throw new TooLarge("body larger than " + limit + " bytes");
            }
        }
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }

    /**
     * Reads and discards what is left of {@code in}, at most {@code limit} bytes; nothing is kept.
     *
     * @return true when the stream ended within the limit
     */
    static boolean drain(InputStream in, long limit) {
        byte[] skip = new byte[8192];
        long n = 0;
        try {
            int r;
            while (n <= limit && (r = in.read(skip)) >= 0) {
                n += r;
            }
            return n <= limit;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * {@code gzipped} inflated, at most {@code limit} bytes of it.
     *
     * @throws java.util.zip.ZipException or {@link java.io.EOFException} when it is not (whole) gzip
     * @throws TooLarge as soon as the output passes {@code limit}, before it is all inflated
     */
    static byte[] gunzip(byte[] gzipped, long limit) throws IOException, TooLarge {
        try (InputStream z = new GZIPInputStream(new ByteArrayInputStream(gzipped), 8192)) {
            // a first guess of 4x, which the limit caps: a bomb gets no bigger buffer than an honest body
            return read(z, Math.min(limit, (long) gzipped.length * 4), limit);
        } catch (TooLarge e) {
            throw new TooLarge("body larger than " + limit + " bytes once decompressed");
        }
    }
}
