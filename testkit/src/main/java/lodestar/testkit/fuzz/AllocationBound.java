package lodestar.testkit.fuzz;

import java.lang.management.ManagementFactory;
import java.util.function.Supplier;

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
 *
 * <p>While Jazzer fuzzes ({@code JAZZER_FUZZ} set), its hooks run on the decoding thread and allocate too (a String
 * compare or a regular expression in the decoder costs them kilobytes: 38 MB for a 309-byte pickle stream that
 * allocates 5 KB without them), so the budget is then {@value #FUZZING_FACTOR} times larger: a length field's
 * gigabytes still fail (or run out of the fuzz JVM's 256 MB heap). The exact bound holds where the hooks are off:
 * {@code mvn test} replays every seed and finding with it, and {@code fuzz/run} replays each target's whole
 * generated corpus with it after fuzzing.
 */
public final class AllocationBound {

    private static final com.sun.management.ThreadMXBean THREADS = threads();
    /** how much more the decoding thread may allocate while Jazzer's hooks run on it */
    static final int FUZZING_FACTOR = 64;
    private static final boolean FUZZING = System.getenv("JAZZER_FUZZ") != null && !System.getenv("JAZZER_FUZZ").isEmpty();

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

    /** What an input of {@code n} bytes may allocate (more while Jazzer fuzzes, see above). */
    public long budget(long n) {
        return (constant + perInputByte * n) * (FUZZING ? FUZZING_FACTOR : 1);
    }

    /**
     * Decodes an input of {@code inputLength} bytes with a decoder {@code fresh} makes (not measured: a decoder's
     * own tables are not what is checked) and fails when the decoding allocated past the budget twice, on two
     * fresh decoders. Exceptions of the decoding pass through unchanged (the target decides which are allowed).
     *
     * @return the decoder of the first decoding, to check its counters and output
     */
    @SuppressWarnings("unchecked")
    public <S, E extends Throwable> S check(int inputLength, Supplier<S> fresh, Use<S, E> decode) throws E {
        S first = fresh.get();
        Throwable[] thrown = new Throwable[1];
        long used = measure(first, decode, thrown);
        if (used > budget(inputLength)) {
            // checked whether or not the decoding refused the input: allocating first and refusing after is the bug
            long again = measure(fresh.get(), decode, new Throwable[1]);
            if (again > budget(inputLength)) {
                throw new AssertionError(what + " allocated " + again + " bytes (" + used + " the first time) for an"
                        + " input of " + inputLength + " bytes (budget " + budget(inputLength)
                        + "): something sized by the input's own numbers, not by its size", thrown[0]);
            }
        }
        if (thrown[0] != null) {
            throw (E) thrown[0];
        }
        return first;
    }

    /** Like {@link #check(int, Supplier, Use)} for a decoding without a decoder (a static method). */
    public <E extends Throwable> void run(int inputLength, Step<E> step) throws E {
        check(inputLength, () -> null, x -> step.run());
    }

    private static <S, E extends Throwable> long measure(S decoder, Use<S, E> decode, Throwable[] thrown) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            decode.accept(decoder);
        } catch (Throwable e) {
            thrown[0] = e;
        }
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    /** One decoding with a decoder. */
    @FunctionalInterface
    public interface Use<S, E extends Throwable> {
        void accept(S decoder) throws E;
    }

    /** One decoding, without a decoder. */
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
