package lodestar.web.board.internal;

import java.nio.charset.StandardCharsets;

/** Server-sent events as the EventSource of a browser reads them (WHATWG HTML, "server-sent events"). */
final class Sse {

    private Sse() {
    }

    /**
     * One event: {@code event: <name>}, one {@code data:} line per line of {@code data} (a CR, LF or CRLF inside
     * it cannot end the event or start a field of its own), and the blank line that dispatches it.
     *
     * @param name letters only: it names the event the page listens to
     */
    static byte[] event(String name, String data) {
        if (name.isEmpty() || !name.chars().allMatch(c -> c >= 'a' && c <= 'z')) {
            throw new IllegalArgumentException("event name must be lower-case letters: " + name);
        }
        StringBuilder b = new StringBuilder(data.length() + name.length() + 16);
        b.append("event: ").append(name).append('\n');
        int start = 0;
        int n = data.length();
        for (int i = 0; i <= n; i++) {
            char c = i < n ? data.charAt(i) : '\n';
            if (c == '\n' || c == '\r') {
                b.append("data: ").append(data, start, i).append('\n');
                if (c == '\r' && i + 1 < n && data.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        return b.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** How long the browser waits before it reconnects by itself, and a comment that opens the stream. */
    static byte[] retry(long millis) {
        return ("retry: " + millis + "\n: lodestar board\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
