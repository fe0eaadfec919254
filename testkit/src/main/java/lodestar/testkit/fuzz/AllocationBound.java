package lodestar.testkit.fuzz;

import java.lang.management.ManagementFactory;

/**
 * The check behind "no allocation sized by a length field before that length is checked against the bytes
 * present": a decoder may allocate at most {@code constant + perInputByte * input length} bytes on its thread for
 * one input. A length field that is believed (a 4-byte length read as 2 GB, a count of 65535 entries made before
 * the entries are there) shows as an allocation far past that; memory proportional to the input does not.
 *
 * <p>Measured with the JVM's per-thread allocation counter ({@code com.sun.management.ThreadMXBean}), which counts
 * every heap allocation of the thread, exactly, whether or not it is live at the end; the fuzz JVM also runs with
 * a small heap ({@code fuzz/run}: -Xmx256m), so an allocation too large to measure fails as OutOfMemoryError.
 * The first time a code path runs, the JVM allocates on the running thread too (loading and initializing classes,
 * linking lambdas): a decoding over its budget is therefore run a second time, and fails only if it is over again.
 * So a decoding must be repeatable: it makes its decoder afresh (what that costs counts; keep it in the constant).
 */
public final class AllocationBound {

    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private final String what;
    private final long constant;
    private final long perInputByte;

    /**
     * @param what         the decoder, for the failure message
     * @param constant     bytes any input may cost (buffers made per call, a log line's text)
     * @param perInputByte bytes each input byte may cost (keys, strings and samples made of the input)
     */
    public AllocationBound(String what, long constant, long perInputByte) {
        this.what = what;
        this.constant = constant;
        this.perInputByte = perInputByte;
    }

    /** What an input of {@code n} bytes may allocate. */
    public long budget(long n) {
        return constant + perInputByte * n;
    }

    /**
     * Runs one decoding of an input of {@code inputLength} bytes (again when it went over the budget) and fails
     * when it allocated past the budget both times. Exceptions of the decoding pass through unchanged (the target
     * decides which are allowed).
     *
     * @return what the (first) decoding returned
     */
    public <T, E extends Throwable> T check(int inputLength, Decoding<T, E> decoding) throws E {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        T result;
        try {
            result = decoding.run();
        } finally {
            long used = THREADS.getCurrentThreadAllocatedBytes() - before;
            if (used > budget(inputLength)) {
                long again = THREADS.getCurrentThreadAllocatedBytes();
                try {
                    decoding.run();
                } catch (Throwable e) {
                    // the first run's outcome is the one reported
                }
                long usedAgain = THREADS.getCurrentThreadAllocatedBytes() - again;
                if (usedAgain > budget(inputLength)) {
                    throw new AssertionError(what + " allocated " + usedAgain + " bytes (" + used + " the first time) for an"
                            + " input of " + inputLength + " bytes (budget " + budget(inputLength)
                            + "): something sized by the input's own numbers, not by its size");
                }
            }
        }
        return result;
    }

    /** Like {@link #check(int, Decoding)} for a decoding without a result. */
    public <E extends Throwable> void run(int inputLength, Step<E> step) throws E {
        check(inputLength, () -> {
            step.run();
            return null;
        });
    }

    /** One decoding, with a result. */
    @FunctionalInterface
    public interface Decoding<T, E extends Throwable> {
        T run() throws E;
    }

    /** One decoding, without a result. */
    @FunctionalInterface
    public interface Step<E extends Throwable> {
        void run() throws E;
    }

    private static com.sun.management.ThreadMXBean threads() {
        com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!t.isThreadAllocatedMemorySupported()) {
            throw new IllegalStateException("this JVM does not count allocated bytes per thread");
        }
        t.setThreadAllocatedMemoryEnabled(true);
        return t;
    }
}
