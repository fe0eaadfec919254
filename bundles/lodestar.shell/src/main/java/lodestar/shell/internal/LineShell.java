package lodestar.shell.internal;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * One connection's command interpreter, as {@link TelnetServer} needs it: Gogo's {@code CommandSession}
 * in production ({@link GogoLineShell}), a lambda in tests.
 */
interface LineShell extends AutoCloseable {

    /** Runs one command line; the result (possibly null) is printed with {@link #format(Object)}. */
    Object execute(String line) throws Exception;

    /** How a non-null result is shown. */
    default CharSequence format(Object result) {
        return String.valueOf(result);
    }

    @Override
    default void close() {
    }

    /** Opens a shell for one connection, reading from {@code in} and writing to {@code out}. */
    @FunctionalInterface
    interface Factory {
        LineShell open(InputStream in, PrintStream out);
    }
}
