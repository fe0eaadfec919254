package lodestar.beacon.system.internal;

/**
 * One group of host metrics ({@code cpu}, {@code memory}, {@code disk}, ...). The beacon runs every
 * enabled collector on each collection; one that throws is logged and the others still run. Called from
 * one thread at a time (the beacon is never run concurrently with itself).
 */
interface Collector {

    /** The group name, as in the configuration and the metric names: {@code cpu}, {@code diskio}. */
    String group();

    /**
     * Emits this group's samples. A collector that walks several items (mounts, devices, interfaces)
     * emits all the items it can and then throws a {@link PartialFailure} naming the ones it could not.
     */
    void collect(Out out) throws Exception;

    /** Some items of a group failed; the rest were emitted. */
    final class PartialFailure extends Exception {
        private static final long serialVersionUID = 1L;

        PartialFailure(String message, Throwable first) {
            super(message, first);
        }
    }
}
