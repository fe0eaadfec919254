package lodestar.core.internal;

import java.io.IOException;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.ObjIntConsumer;

import lodestar.api.Sample;

/**
 * A backlog that spills to a disk {@link Spool}: while the backend takes every write, batches go straight
 * from the memory {@link SampleBuffer} to it; from the first failure on, that batch and everything arriving
 * after it goes through the spool, oldest first, until the spool is empty again. So samples arrive once and
 * in order, survive a restart, and a crash during an outage loses at most what arrived since the last
 * {@link #whileWaiting} (about one flush interval).
 */
final class DiskBacklog implements Backlog {

    private final SampleBuffer buffer;
    private final Spool spool;
    private final IntSupplier batchSize;
    /** told about samples the spool could not take: they are lost (the runner counts them as dropped) */
    private final ObjIntConsumer<String> onSpoolFailure;
    /** whether the batch last handed out came from the spool (else from memory) */
    private boolean fromSpool;
    private volatile long spooled;
    private volatile long spoolDropped;

    /**
     * @param batchSize      samples per spool record when memory moves to disk: the sink's batch size, which may change
     * @param onSpoolFailure why, and how many samples, for each batch the spool could not store (they are lost)
     */
    DiskBacklog(SampleBuffer buffer, Spool spool, IntSupplier batchSize, ObjIntConsumer<String> onSpoolFailure) {
        this.buffer = buffer;
        this.spool = spool;
        this.batchSize = batchSize;
        this.onSpoolFailure = onSpoolFailure;
        this.spooled = spool.samples();
    }

    @Override
    public List<Sample> next(int max, long flushNanos, long idleNanos) throws InterruptedException, IOException {
        if (!spool.isEmpty()) {
            return fromSpool();
        }
        fromSpool = false;
        return buffer.take(max, flushNanos, idleNanos);
    }

    @Override
    public List<Sample> nextNow(int max) throws IOException {
        return fromSpool();
    }

    /** Newer samples join the disk backlog first, so the order holds; then the oldest spooled batch. */
    private List<Sample> fromSpool() throws IOException {
        moveMemoryToDisk();
        fromSpool = true;
        List<Sample> batch = spool.peek();
        return batch == null ? List.of() : batch;
    }

    @Override
    public void delivered(List<Sample> batch) throws IOException {
        if (fromSpool) {
            spool.ack(batch.size());
            spooled = spool.samples();
        }
    }

    /** Whether the last delivery emptied the spool (the runner says so once). */
    boolean drained() {
        return fromSpool && spool.isEmpty();
    }

    @Override
    public void failed(List<Sample> batch) {
        if (!fromSpool) {
            // the backend is away: this batch and everything after it go through the disk, oldest first
            append(batch);
            moveMemoryToDisk();
        }
    }

    @Override
    public void whileWaiting() {
        moveMemoryToDisk();
    }

    /** Nothing is lost: what still waits stays on disk for the next start. */
    @Override
    public long abandon() {
        moveMemoryToDisk();
        return 0;
    }

    private void moveMemoryToDisk() {
        while (true) {
            List<Sample> b = buffer.poll(batchSize.getAsInt());
            if (b.isEmpty()) {
                return;
            }
            append(b);
        }
    }

    private void append(List<Sample> batch) {
        try {
            spool.append(batch);
        } catch (IOException | RuntimeException e) {
            onSpoolFailure.accept("could not write " + batch.size() + " samples to the disk buffer: " + e, batch.size());
        }
        spooled = spool.samples();
        spoolDropped = spool.dropped();
    }

    @Override
    public long spooled() {
        return spooled;
    }

    @Override
    public long spoolDropped() {
        return spoolDropped;
    }

    /** A failed batch goes to disk at once, so none waits in memory. */
    @Override
    public boolean holdsUnsettled() {
        return false;
    }

    @Override
    public String where() {
        return "on disk";
    }
}
