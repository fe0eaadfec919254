package lodestar.support.http.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reading a request body without trusting its sender: never more than the listener's {@code maxBodySize}, whatever
 * {@code Content-Length} says or whether there is one (chunked), so that a request costs at most its limit in memory.
 * A declared length over the limit is refused before a byte is read; a body that turns out longer is refused as soon
 * as it passes the limit. Stateless.
 *
 * <pre>
 * byte[] sent = RequestBody.read(exchange, settings.maxBodySize());      // BodyTooLarge: 413
 * byte[] body = Decompress.gzip(sent, settings.maxDecompressedSize());   // and MalformedBody: 400
 * </pre>
 */
public final class RequestBody {

    /** The first buffer when the length is not declared: most bodies fit, a large one grows it by doubling. */
    private static final int FIRST_BUFFER = 64 * 1024;

    private RequestBody() {
    }

    /**
     * The whole body of {@code ex}, at most {@code maxBodySize} bytes.
     *
     * @throws BodyTooLarge when {@code Content-Length} declares more (nothing is read: the caller's answer drains it),
     *                      or as soon as more arrives
     * @throws IOException  when the sender goes away (or the JDK server's request time runs out) mid-body
     */
    public static byte[] read(HttpExchange ex, long maxBodySize) throws BodyTooLarge, IOException {
        long declared = declaredLength(ex);
        if (declared > maxBodySize) {
            throw new BodyTooLarge("Content-Length " + declared + " is over maxBodySize (" + maxBodySize + " bytes)");
        }
        try {
            return readAtMost(ex.getRequestBody(), declared, maxBodySize);
        } catch (BodyTooLarge e) {
            throw new BodyTooLarge("body larger than maxBodySize (" + maxBodySize + " bytes)");
        }
    }

    /**
     * The request's {@code Content-Length}, or -1 when there is none (chunked) or it is not a number (the JDK server
     * refuses those itself; -1 then only means "not known", never a smaller limit).
     */
    public static long declaredLength(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst("Content-Length");
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * At most {@code limit} bytes of {@code in}, to its end.
     *
     * @param expected the length the sender declared, or -1: it only sizes the first buffer, capped by the limit, so
     *                 a lying header costs nothing more than an honest one
     * @throws BodyTooLarge as soon as more than {@code limit} bytes come (the rest is not read)
     */
    public static byte[] readAtMost(InputStream in, long expected, long limit) throws IOException, BodyTooLarge {
        int first = (int) Math.min(limit + 1, expected >= 0 ? expected + 1 : FIRST_BUFFER);
        byte[] buf = new byte[Math.max(first, 512)];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (n > limit) {
                    throw new BodyTooLarge("more than " + limit + " bytes");
                }
                buf = Arrays.copyOf(buf, (int) Math.min(limit + 1, (long) buf.length * 2));
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
            if (n > limit) {
                throw new BodyTooLarge("more than " + limit + " bytes");
            }
        }
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }
}
