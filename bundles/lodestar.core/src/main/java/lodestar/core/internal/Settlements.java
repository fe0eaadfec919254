package lodestar.core.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import lodestar.api.SamplesLostException;

/**
 * The pending {@link lodestar.api.Pipeline#offerAll} hand-overs of one sink, by the sequence numbers their samples
 * got in the sink's {@link SampleBuffer}. Samples leave the buffer in order, so one watermark, "everything up to
 * sequence n is written or on disk", settles them; drops (the buffer overflowing under other producers' load) are
 * charged to the hand-overs whose samples they hit.
 *
 * <p>Futures are completed outside the monitor: their dependants (a Kafka commit, an HTTP answer) run in the
 * completing thread and must not run under a lock the buffer's producers also take.
 */
final class Settlements {

    private static final class Ticket {
        final long first;
        final long last;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        long lost;

        Ticket(long first, long last) {
            this.first = first;
            this.last = last;
        }
    }

    private final String sink;
    /** in sequence order: tickets are registered under the buffer's lock, in the order their samples enter it */
    private final ArrayDeque<Ticket> pending = new ArrayDeque<>();
    private long settledUpTo;
    private boolean closed;

    Settlements(String sink) {
        this.sink = sink;
    }

    /** A hand-over of the samples numbered {@code first..last}; called under the buffer's lock. */
    synchronized CompletableFuture<Void> register(long first, long last) {
        Ticket t = new Ticket(first, last);
        if (closed) {
            t.done.completeExceptionally(new SamplesLostException(sink, last - first + 1));
            return t.done;
        }
        pending.addLast(t);
        return t.done;
    }

    /**
     * Samples {@code first..last} were dropped to make room; called under the buffer's lock. A hand-over whose
     * last sample has left the buffer is told at once (the writer may be stuck behind a backend that is down), on
     * another thread, since its dependants must not run under the buffer's lock.
     */
    synchronized void dropped(long first, long last) {
        List<Ticket> failed = null;
        for (var it = pending.iterator(); it.hasNext();) {
            Ticket t = it.next();
            if (t.first > last) {
                break;
            }
            long overlap = Math.min(last, t.last) - Math.max(first, t.first) + 1;
            if (overlap > 0) {
                t.lost += overlap;
            }
            if (t.lost > 0 && t.last <= last) {
                it.remove();
                if (failed == null) {
                    failed = new ArrayList<>();
                }
                failed.add(t);
            }
        }
        if (failed != null) {
            List<Ticket> done = failed;
            CompletableFuture.runAsync(() -> complete(done));
        }
    }

    /**
     * Samples up to {@code seq} may have been lost on their way to the disk (the spool refused a batch): every
     * pending hand-over with a sample at or before {@code seq} is reported as lost rather than risk acknowledging
     * a loss.
     */
    void suspectLossUpTo(long seq) {
        synchronized (this) {
            for (Ticket t : pending) {
                if (t.first > seq) {
                    break;
                }
                t.lost = Math.max(t.lost, 1);
            }
        }
        settledUpTo(seq);
    }

    /** Every sample up to {@code seq} is written to the backend or stored on disk. */
    void settledUpTo(long seq) {
        List<Ticket> done;
        synchronized (this) {
            if (seq <= settledUpTo || pending.isEmpty()) {
                settledUpTo = Math.max(settledUpTo, seq);
                return;
            }
            settledUpTo = seq;
            done = new ArrayList<>();
            while (!pending.isEmpty() && pending.peekFirst().last <= seq) {
                done.add(pending.pollFirst());
            }
        }
        complete(done);
    }

    /**
     * The writer is gone: what it has not settled never will be. {@code lostAll}: the samples still waiting were
     * lost (no disk buffer); otherwise they were kept on disk and count as settled.
     */
    void close(boolean lostAll) {
        List<Ticket> rest;
        synchronized (this) {
            closed = true;
            rest = new ArrayList<>(pending);
            pending.clear();
            if (lostAll) {
                for (Ticket t : rest) {
                    t.lost = Math.max(t.lost, t.last - Math.max(t.first, settledUpTo + 1) + 1);
                }
            }
        }
        complete(rest);
    }

    /** Hand-overs still waiting, for tests and status. */
    synchronized int pending() {
        return pending.size();
    }

    private void complete(List<Ticket> done) {
        for (Ticket t : done) {
            if (t.lost > 0) {
                t.done.completeExceptionally(new SamplesLostException(sink, t.lost));
            } else {
                t.done.complete(null);
            }
        }
    }
}
