package lodestar.support.net;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Where the helpers of this package write their log lines. A listener passes its own logger's methods
 * ({@code NetLog.of(LOG::info, LOG::warn, LOG::error)}), so the lines come out under the listener's name and the
 * helpers stay free of any logging library.
 */
public interface NetLog {

    /** Something an operator may want to know that is not a problem: a receiver reopened. */
    void info(String message);

    /** Something to look at that does not stop anything: a receive buffer the kernel capped, a refused connection. */
    void warn(String message);

    /**
     * Something that stopped: a receiver, an accept, the handling of an input.
     *
     * @param cause the exception behind it, or null
     */
    void error(String message, Throwable cause);

    /** A log writing through these functions, typically a logger's {@code info}, {@code warn} and {@code error}. */
    static NetLog of(Consumer<String> info, Consumer<String> warn, BiConsumer<String, Throwable> error) {
        return new NetLog() {
            @Override
            public void info(String message) {
                info.accept(message);
            }

            @Override
            public void warn(String message) {
                warn.accept(message);
            }

            @Override
            public void error(String message, Throwable cause) {
                error.accept(message, cause);
            }
        };
    }
}
