package lodestar.core.internal;

import java.util.List;

import lodestar.api.Sample;

/**
 * A backlog in memory only ({@code bufferDisk=0}, or no spool could be opened): a batch that failed waits
 * at the head and is offered again after the backoff, while newer samples wait in the bounded
 * {@link SampleBuffer}, which drops its oldest when full.
 */
final class MemoryBacklog implements Backlog {

    private final SampleBuffer buffer;
    /** the batch that failed, offered again before anything newer; only the writer thread touches it */
    private List<Sample> retry;

    MemoryBacklog(SampleBuffer buffer) {
        this.buffer = buffer;
    }

    @Override
    public List<Sample> next(int max, long flushNanos, long idleNanos) throws InterruptedException {
        return retry != null ? retry : buffer.take(max, flushNanos, idleNanos);
    }

    @Override
    public List<Sample> nextNow(int max) {
        return retry != null ? retry : buffer.poll(max);
    }

    @Override
    public void delivered(List<Sample> batch) {
        retry = null;
    }

    @Override
    public void failed(List<Sample> batch) {
        retry = batch;
    }

    @Override
    public void whileWaiting() {
        // the buffer takes care of itself: newer samples wait, the oldest go when it is full
    }

    @Override
    public long abandon() {
        long lost = retry == null ? 0 : retry.size();
        retry = null;
        return lost + buffer.poll(Integer.MAX_VALUE).size();
    }

    @Override
    public long spooled() {
        return 0;
    }

    @Override
    public long spoolDropped() {
        return 0;
    }

    @Override
    public boolean holdsUnsettled() {
        return retry != null;
    }

    @Override
    public String where() {
        return "in memory";
    }
}
