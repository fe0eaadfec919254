package lodestar.store.internal;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The history of one series beyond its raw window: one bucket per {@code rollupStep} with min, max,
 * sum and count, so any later query can still average exactly (sum / count) over its own buckets.
 *
 * <p>Raw points arrive here oldest first when their chunk leaves the raw window. The newest bucket
 * stays "pending" in plain fields until a later bucket starts, because the next raw chunk may still
 * hold points of the same bucket. Not thread-safe: guarded by the owning {@link SeriesBuffer}.
 */
final class Rollup {

    /** Buckets per chunk: four hours at the default one-minute step. */
    static final int BUCKETS_PER_CHUNK = 240;

    private final ArrayDeque<Chunk> sealed = new ArrayDeque<>();
    private long sealedBytes;
    private Chunk open;

    private boolean pending;
    private long pendingStart;
    private double pendingMin;
    private double pendingMax;
    private double pendingSum;
    private long pendingCount;

    private int buckets;

    /**
     * Adds one raw point.
     *
     * @return 1 if it started a new bucket, else 0
     */
    int add(long timestamp, double value, long step, long chunkSpan) {
        long start = Math.floorDiv(timestamp, step) * step;
        // a bucket start at or before the pending one (also after rollupStep was changed) merges into it,
        // which keeps rollup timestamps ascending
        if (pending && start <= pendingStart) {
            pendingMin = Math.min(pendingMin, value);
            pendingMax = Math.max(pendingMax, value);
            pendingSum += value;
            pendingCount++;
            return 0;
        }
        flushPending(chunkSpan);
        pending = true;
        pendingStart = start;
        pendingMin = value;
        pendingMax = value;
        pendingSum = value;
        pendingCount = 1;
        buckets++;
        return 1;
    }

    /** Adds a whole bucket (snapshot load). */
    void restorePending(long start, double min, double max, double sum, long count) {
        flushPending(Long.MAX_VALUE);
        pending = true;
        pendingStart = start;
        pendingMin = min;
        pendingMax = max;
        pendingSum = sum;
        pendingCount = count;
        buckets++;
    }

    void restoreSealed(Chunk chunk) {
        sealed.addLast(chunk);
        sealedBytes += chunk.bytes();
        buckets += chunk.count();
    }

    /** Moves the pending bucket into the open chunk, sealing it when full or spanning {@code chunkSpan}. */
    private void flushPending(long chunkSpan) {
        if (!pending) {
            return;
        }
        if (open == null) {
            open = new Chunk(4);
        }
        open.append(pendingStart, pendingMin, pendingMax, pendingSum, pendingCount);
        pending = false;
        if (open.count() >= BUCKETS_PER_CHUNK || open.lastTimestamp() - open.firstTimestamp() >= chunkSpan) {
            open.seal();
            sealed.addLast(open);
            sealedBytes += open.bytes();
            open = null;
        }
    }

    int buckets() {
        return buckets;
    }

    long bytes() {
        return sealedBytes + (open == null ? 0 : open.bytes());
    }

    /** Start of the oldest bucket held in a chunk, or Long.MAX_VALUE when only the pending one is left. */
    long oldestChunkStart() {
        Chunk c = sealed.isEmpty() ? open : sealed.peekFirst();
        return c == null ? Long.MAX_VALUE : c.firstTimestamp();
    }

    /**
     * Drops the oldest chunk of buckets (sealed first, then the open one).
     *
     * @return buckets dropped
     */
    int dropOldestChunk() {
        Chunk c;
        if (!sealed.isEmpty()) {
            c = sealed.pollFirst();
            sealedBytes -= c.bytes();
        } else if (open != null) {
            c = open;
            open = null;
        } else {
            return 0;
        }
        buckets -= c.count();
        return c.count();
    }

    /**
     * Drops chunks (and the pending bucket) whose newest bucket starts before {@code cutoff}.
     *
     * @return buckets dropped
     */
    int expire(long cutoff) {
        int dropped = 0;
        while (!sealed.isEmpty() && sealed.peekFirst().lastTimestamp() < cutoff) {
            dropped += dropOldestChunk();
        }
        if (sealed.isEmpty() && open != null && open.lastTimestamp() < cutoff) {
            dropped += dropOldestChunk();
        }
        if (pending && pendingStart < cutoff && open == null && sealed.isEmpty()) {
            pending = false;
            buckets--;
            dropped++;
        }
        return dropped;
    }

    void read(Downsampler out) {
        for (Iterator<Chunk> it = sealed.iterator(); it.hasNext(); ) {
            readChunk(it.next(), out);
        }
        if (open != null) {
            readChunk(open, out);
        }
        if (pending) {
            out.bucket(pendingStart, pendingSum, pendingCount);
        }
    }

    private static void readChunk(Chunk c, Downsampler out) {
        if (!out.overlaps(c.firstTimestamp(), c.lastTimestamp())) {
            return;
        }
        Chunk.Cursor cur = c.cursor();
        while (cur.next()) {
            out.bucket(cur.timestamp(), cur.value(2), (long) cur.value(3));
        }
    }

    /** Sealed chunks for a snapshot, open one included as if sealed (a copy of its bits). */
    void forEachChunk(java.util.function.Consumer<Chunk> action) {
        sealed.forEach(action);
        if (open != null) {
            action.accept(open);
        }
    }

    int chunkCount() {
        return sealed.size() + (open == null ? 0 : 1);
    }

    boolean hasPending() {
        return pending;
    }

    long pendingStart() {
        return pendingStart;
    }

    double pendingMin() {
        return pendingMin;
    }

    double pendingMax() {
        return pendingMax;
    }

    double pendingSum() {
        return pendingSum;
    }

    long pendingCount() {
        return pendingCount;
    }
}
