package lodestar.core.internal;

import java.io.IOException;
import java.util.List;

import lodestar.api.Sample;

/**
 * Where the samples of one sink wait until its backend takes them. The {@link SinkRunner}'s writer asks for
 * the oldest batch, tries to write it, and says how it went; the backlog decides where the batch and the
 * samples arriving meanwhile wait: {@link MemoryBacklog} keeps them in memory and offers the failed batch
 * again, {@link DiskBacklog} moves everything to a disk spool from the first failure until the spool is
 * replayed. One writer thread uses a backlog; producers only reach its {@link SampleBuffer}.
 */
interface Backlog {

    /**
     * The oldest batch waiting, at most {@code max} samples: a batch that failed comes again first; otherwise
     * waits until {@code max} are there or the oldest has waited {@code flushNanos}, or {@code idleNanos}
     * passes (then the batch may be empty).
     */
    List<Sample> next(int max, long flushNanos, long idleNanos) throws InterruptedException, IOException;

    /** The oldest batch waiting, without waiting for it to fill (the final flush). */
    List<Sample> nextNow(int max) throws IOException;

    /** The batch {@link #next} gave reached the backend. */
    void delivered(List<Sample> batch) throws IOException;

    /** The batch {@link #next} gave did not reach the backend: it stays first in line. */
    void failed(List<Sample> batch);

    /** Called now and then while the writer waits out a backoff. */
    void whileWaiting();

    /**
     * The writer stops: whatever still waits is either kept for the next start (disk) or lost.
     *
     * @return how many samples are lost
     */
    long abandon();

    /** Samples waiting on disk. */
    long spooled();

    /** Samples the disk spool dropped because it was full or could not be written. */
    long spoolDropped();

    /**
     * Whether a batch taken from the memory buffer is neither delivered nor on disk yet (a failed batch waiting
     * in memory for its retry). While it is, nothing taken after it counts as settled either.
     */
    boolean holdsUnsettled();

    /** Where failed batches wait, for log lines: {@code in memory}, {@code on disk}. */
    String where();
}
