package lodestar.support.http.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads and throws away what a sender is still sending of a body that will not be used (refused, or not read to its
 * end), before the answer goes out. A server that answers and closes while the client still sends makes the client's
 * TCP stack drop the answer on the reset: the sender sees a broken connection instead of the 413 or 503 that tells it
 * what to do, and a sender such as Prometheus retries a request it never saw refused, forever. The JDK server drains
 * only 64 KB by itself when the exchange closes.
 *
 * <p>Bounded twice, so that a refused request costs no more than a taken one: at most {@link #MAX_BYTES} and
 * {@link #MAX_MILLIS}; past either the answer says {@code Connection: close}. A sender that sends nothing more at all
 * blocks a read until the JDK server's request time ({@link ListenerHttpServer}) closes the connection. Nothing read
 * is kept.
 */
public final class Drain {

    /** Most bytes of a refused body read and discarded: far more than any limit a listener sets on a body. */
    public static final long MAX_BYTES = 64L << 20;
    /** Longest a drain goes on: an honest sender has sent its body by then, a slow one is not waited for. */
    public static final long MAX_MILLIS = 10_000;

    private static final int CHUNK = 16 * 1024;

    private Drain() {
    }

    /**
     * Drains what is left of {@code ex}'s request body; when it did not end within the bounds, the answer (not yet
     * sent) carries {@code Connection: close}, so that the connection is not reused with unread bytes on it.
     *
     * @return true when the body ended within the bounds
     */
    public static boolean rest(HttpExchange ex) {
        boolean ended = atMost(ex.getRequestBody(), MAX_BYTES, MAX_MILLIS);
        if (!ended) {
            ex.getResponseHeaders().set("Connection", "close");
        }
        return ended;
    }

    /**
     * Reads and discards {@code in} to its end, at most {@code maxBytes} bytes and for at most {@code maxMillis} (checked
     * between reads).
     *
     * @return true when the stream ended within both bounds; false past one of them or when reading failed
     */
    public static boolean atMost(InputStream in, long maxBytes, long maxMillis) {
        long deadline = System.nanoTime() + maxMillis * 1_000_000;
        try {
            // most answers follow a body read to its end: find that out without a buffer
            if (in.read() < 0) {
                return true;
            }
            byte[] skip = new byte[CHUNK];
            long n = 1;
            while (n <= maxBytes && System.nanoTime() - deadline < 0) {
                int r = in.read(skip);
                if (r < 0) {
                    return true;
                }
                n += r;
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
