package lodestar.api;

import java.util.List;

/**
 * The names of the properties through which an operator tunes the core's runner of one {@link Sink}:
 * batching, the memory and disk buffers, retries, and which samples the sink gets. They are set in the
 * sink's own configuration (absent, blank or {@code 0}: the {@code lodestar.core} default) and read,
 * validated, documented and applied by the core alone; a sink's {@code Config} declares none of them, and
 * the web console shows them on every sink's form all the same. Invalid values leave the sink
 * {@link State#FAILED failed} with a message that starts with the property's name.
 */
public final class RunnerProperties {

    /** Samples per {@link Sink#write} call at most (a whole number). */
    public static final String BATCH_SIZE = "batchSize";
    /** Longest a sample waits for a batch to fill (a duration: {@code 1s}). */
    public static final String FLUSH_INTERVAL = "flushInterval";
    /** Memory for samples waiting for the sink (a size: {@code 64MB}); when full the oldest are dropped and counted. */
    public static final String BUFFER_MEMORY = "bufferMemory";
    /** Disk for samples the sink could not write yet (a size; {@code 0} turns the disk buffer off). */
    public static final String BUFFER_DISK = "bufferDisk";
    /** First delay after a failed write (a duration). */
    public static final String RETRY_INITIAL = "retryInitial";
    /** Longest delay between retries (a duration, at least {@link #RETRY_INITIAL}). */
    public static final String RETRY_MAX = "retryMax";
    /** How much each consecutive failure multiplies the delay (a number, at least 1). */
    public static final String RETRY_FACTOR = "retryFactor";
    /** Name globs the sink wants ({@code *} within a component, {@code **} across, {@code ?} one character); empty: all. */
    public static final String INCLUDE = "include";
    /** Name globs the sink does not want, applied after {@link #INCLUDE}. */
    public static final String EXCLUDE = "exclude";
    /**
     * The levels the sink wants ({@code critical,error}); samples without a {@link Tags#LEVEL} tag always pass.
     */
    public static final String LEVELS = "levels";
    /** {@code key=glob,glob} entries; a sample passes only if its tags match one of them. */
    public static final String TAGPASS = "tagpass";
    /** {@code key=glob,glob} entries; a sample whose tags match one of them is not sent. */
    public static final String TAGDROP = "tagdrop";

    /** Every runner property, in the order the web console shows them. */
    public static final List<String> ALL = List.of(BATCH_SIZE, FLUSH_INTERVAL, BUFFER_MEMORY, BUFFER_DISK, RETRY_INITIAL,
            RETRY_MAX, RETRY_FACTOR, INCLUDE, EXCLUDE, LEVELS, TAGPASS, TAGDROP);

    private RunnerProperties() {
    }
}
