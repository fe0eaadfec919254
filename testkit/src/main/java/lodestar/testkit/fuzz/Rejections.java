package lodestar.testkit.fuzz;

/**
 * The other properties every fuzz target checks besides {@link AllocationBound}: a decoder throws nothing but its
 * declared rejection (any other exception, including an unchecked one a catch-all in the listener would have
 * swallowed, fails the target as a finding), and every rejection is counted exactly once.
 */
public final class Rejections {

    private Rejections() {
    }

    /**
     * Runs a decoding that may refuse its input with {@code declared}.
     *
     * @return the rejection, or null when the input was taken
     * @throws AssertionError when the decoding threw anything else (with it as the cause)
     */
    public static <X extends Exception> X only(Class<X> declared, AllocationBound.Step<? extends Exception> decoding) {
        return declared.cast(anyOf(decoding, declared));
    }

    /**
     * Runs a decoding that may refuse its input with one of several declared exceptions.
     *
     * @return the rejection, or null when the input was taken
     * @throws AssertionError when the decoding threw anything else (with it as the cause)
     */
    @SafeVarargs
    public static Exception anyOf(AllocationBound.Step<? extends Exception> decoding, Class<? extends Exception>... declared) {
        try {
            decoding.run();
            return null;
        } catch (Exception e) {
            for (Class<? extends Exception> d : declared) {
                if (d.isInstance(e)) {
                    return e;
                }
            }
            throw new AssertionError("threw " + e.getClass().getName() + " where only "
                    + java.util.Arrays.stream(declared).map(Class::getSimpleName).toList() + " is declared: " + e.getMessage(), e);
        }
    }

    /** Fails unless {@code counter} went from {@code before} to {@code after} by exactly {@code expected}. */
    public static void counted(String counter, long before, long after, long expected) {
        if (after - before != expected) {
            throw new AssertionError(counter + " went up by " + (after - before) + ", expected " + expected);
        }
    }

    /** Fails with {@code message} unless {@code condition}. */
    public static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
