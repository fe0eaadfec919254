package lodestar.testkit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What the code under test logs while it is open: slf4j-simple, the tests' logging backend, writes every line
 * to {@code System.err} as it is at that moment, so replacing the stream catches them. For tests of what reaches
 * the log (its length, escaping, how often). Close it to restore the stream.
 */
public final class LogCapture implements AutoCloseable {

    private final PrintStream original;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    public LogCapture() {
        original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    /** Everything logged so far, exactly as written (control characters included). */
    public synchronized String text() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** The logged lines (split at '\n' only) that contain {@code part}. */
    public java.util.List<String> linesContaining(String part) {
        return java.util.Arrays.stream(text().split("\n")).filter(l -> l.contains(part)).toList();
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
