package lodestar.support.http.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Sending a listener's answer on the JDK server the way every HTTP listener must: what is left of the request body
 * drained first ({@link Drain}), so that the sender sees the status rather than a reset, then the status and body.
 * The listener keeps its protocol: which status, which body, which headers of its own.
 */
public final class Answers {

    private Answers() {
    }

    /**
     * Drains the rest of the request, then sends {@code status} with {@code body} (none when empty). The exchange stays
     * open: the caller closes it.
     *
     * @param contentType the body's type, or null for none (a 204)
     * @throws IOException when the sender went away
     */
    public static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        Drain.rest(ex);
        if (contentType != null) {
            ex.getResponseHeaders().set("Content-Type", contentType);
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /**
     * Marks the answer (a 503) as one to retry after {@code seconds}: senders that keep their data (OpenTelemetry
     * exporters, Prometheus) wait that long instead of their own backoff.
     */
    public static void retryAfter(HttpExchange ex, int seconds) {
        ex.getResponseHeaders().set("Retry-After", Integer.toString(seconds));
    }
}
