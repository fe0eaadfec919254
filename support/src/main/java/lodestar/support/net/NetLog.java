package lodestar.support.net;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Where the helpers of this package write their log lines. A listener passes its own logger's methods
 * ({@code NetLog.of(LOG::info, LOG::error)}), so the lines come out under the listener's name and the helpers
 * stay free of any logging library.
 */
public interface NetLog {

    /** Something an operator may want to know that is not a problem: a receiver reopened. */
    void info(String message);

    /**
     * Something went wrong: a receiver stopped, a connection was refused, an accept failed.
     *
     * @param cause the exception behind it, or null
     */
    void problem(String message, Throwable cause);

    /** A log writing through these two functions, typically a logger's {@code info} and {@code error}. */
    static NetLog of(Consumer<String> info, BiConsumer<String, Throwable> problem) {
        return new NetLog() {
            @Override
            public void info(String message) {
                info.accept(message);
            }

            @Override
            public void problem(String message, Throwable cause) {
                problem.accept(message, cause);
            }
        };
    }
}
