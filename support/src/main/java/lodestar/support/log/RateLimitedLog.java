package lodestar.support.log;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Logs at most one line per period for one kind of problem, and says how many were suppressed in
 * between, so a flood of bad packets can't flood the log but the operator still learns the count and
 * sees a real example. The line is built only when it is written (suppressing costs no allocation), and is
 * made safe before it goes out: cut to {@link LogText#MAX_LINE} characters with control characters escaped
 * ({@link LogText#line}), since such lines usually quote received input. Quote each piece of input with
 * {@link LogText#of} too, so that the reason after it survives the cut. Thread-safe.
 *
 * <pre>
 * private final RateLimitedLog badLine = new RateLimitedLog(10_000, log::warn);
 * badLine.log(() -&gt; "bad statsd line '" + LogText.of(bytes, off, len) + "': " + why);
 * </pre>
 */
public final class RateLimitedLog {

    private final long periodMillis;
    private final Consumer<String> sink;
    private final AtomicLong nextAllowed = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();

    /**
     * @param periodMillis at most one line per this many milliseconds
     * @param sink         where lines go, typically {@code logger::warn}
     */
    public RateLimitedLog(long periodMillis, Consumer<String> sink) {
        this.periodMillis = periodMillis;
        this.sink = sink;
    }

    /**
     * Logs the message if the period has passed since the last line, else counts it as suppressed.
     *
     * @return true if a line was written
     */
    public boolean log(java.util.function.Supplier<String> message) {
        long now = System.currentTimeMillis();
        long next = nextAllowed.get();
        if (now < next || !nextAllowed.compareAndSet(next, now + periodMillis)) {
            suppressed.incrementAndGet();
            return false;
        }
        long s = suppressed.getAndSet(0);
        String m = message.get();
        String safe = LogText.line(m);
        sink.accept(s == 0 ? safe : safe + " (" + s + " similar suppressed)");
        return true;
    }
}

