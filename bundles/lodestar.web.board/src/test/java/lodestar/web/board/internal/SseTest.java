package lodestar.web.board.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SseTest {

    private static String event(String name, String data) {
        return new String(Sse.event(name, data), StandardCharsets.UTF_8);
    }

    @Test
    void oneLineOfJsonIsOneDataLineAndABlankLine() {
        assertEquals("event: tile\ndata: {\"a\":1}\n\n", event("tile", "{\"a\":1}"));
        assertEquals("event: ping\ndata: \n\n", event("ping", ""));
    }

    @Test
    void lineBreaksInsideDataCannotEndTheEventOrAddFields() {
        // without the split, "\n\nevent: evil" would dispatch the event early and start another
        assertEquals("event: tile\ndata: a\ndata: \ndata: event: evil\ndata: b\ndata: c\n\n",
                event("tile", "a\n\nevent: evil\rb\r\nc"));
    }

    @Test
    void eventNamesAreLettersOnly() {
        assertThrows(IllegalArgumentException.class, () -> Sse.event("tile\ndata: x", "{}"));
        assertThrows(IllegalArgumentException.class, () -> Sse.event("", "{}"));
    }

    @Test
    void retryOpensTheStream() {
        assertEquals("retry: 2000\n: lodestar board\n\n", new String(Sse.retry(2000), StandardCharsets.UTF_8));
    }
}
