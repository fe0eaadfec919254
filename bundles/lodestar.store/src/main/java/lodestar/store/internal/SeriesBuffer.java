package lodestar.store.internal;

import java.util.ArrayDeque;
import java.util.function.Consumer;

import lodestar.api.Kind;
import lodestar.api.SeriesStore.SeriesInfo;
import lodestar.api.Tags;

/**
 * Everything kept for one series: compressed raw chunks for the recent window, the {@link Rollup}
 * beyond it, and the latest value for listings.
 *
 * <p>Every method synchronizes on the series itself: the writer, the maintenance thread and query
 * threads meet only per series and only for as long as one series takes, never store-wide. A series
 * removed by eviction is marked so a writer holding a stale reference starts a fresh one instead of
 * appending to a detached object.
 */
final class SeriesBuffer {

    /** Raw points per chunk at most: the unit of rolling up and evicting. */
    static final int POINTS_PER_CHUNK = 240;

    static final int ACCEPTED = 1;
    static final int DROPPED = 0;
    static final int REMOVED = -1;

    private final String key;
    private final String name;
    private final Tags tags;
    private final MemoryAccount memory;

    private final ArrayDeque<Chunk> raw = new ArrayDeque<>();
    private long rawSealedBytes;
    private Chunk open;
    private int rawPoints;
    private final Rollup rollup = new Rollup();

    private Kind kind = Kind.GAUGE;
    private long lastTimestamp = Long.MIN_VALUE;
    private double lastValue = Double.NaN;
    private boolean removed;

    SeriesBuffer(String key, String name, Tags tags, MemoryAccount memory) {
        this.key = key;
        this.name = name;
        this.tags = tags;
        this.memory = memory;
        memory.add(MemoryAccount.series(key));
    }

    String key() {
        return key;
    }

    String name() {
        return name;
    }

    Tags tags() {
        return tags;
    }

    /** Estimated heap held by this series, see {@link MemoryAccount}. */
    synchronized long bytes() {
        return MemoryAccount.series(key) + rawSealedBytes + (open == null ? 0 : open.bytes()) + rollup.bytes();
    }

    /**
     * Appends a point newer than the last one; older or equal timestamps are refused (returned as
     * {@link #DROPPED}) because the chunks are append-only and a late point is rarely worth a rewrite.
     *
     * @param chunkSpan longest time one raw chunk covers, so chunks leave the raw window in useful steps
     */
    synchronized int append(long timestamp, double value, Kind sampleKind, long chunkSpan) {
        if (removed) {
            return REMOVED;
        }
        if (timestamp <= lastTimestamp) {
            return DROPPED;
        }
        Chunk c = open;
        if (c == null || c.count() >= POINTS_PER_CHUNK || timestamp - c.firstTimestamp() >= chunkSpan) {
            long before = bytes();
            if (c != null) {
                c.seal();
                raw.addLast(c);
                rawSealedBytes += c.bytes();
            }
            open = c = new Chunk(1);
            c.append(timestamp, value);
            memory.add(bytes() - before);
        } else {
            long before = c.bytes();
            c.append(timestamp, value);
            memory.add(c.bytes() - before);
        }
        rawPoints++;
        lastTimestamp = timestamp;
        lastValue = value;
        kind = sampleKind;
        return ACCEPTED;
    }

    /**
     * Moves raw chunks whose newest point is older than {@code cutoff} into the rollup.
     *
     * @param counts receives raw points removed [0] and rollup buckets created [1]
     */
    synchronized void rollUp(long cutoff, long step, long rollupChunkSpan, long[] counts) {
        if (removed) {
            return;
        }
        long before = bytes();
        while (true) {
            Chunk c = raw.peekFirst();
            if (c == null) {
                if (open != null && open.lastTimestamp() < cutoff) {
                    c = open;
                    open = null;
                } else {
                    break;
                }
            } else {
                raw.pollFirst();
                if (c.lastTimestamp() >= cutoff) {
                    raw.addFirst(c);
                    break;
                }
                rawSealedBytes -= c.bytes();
            }
            Chunk.Cursor cur = c.cursor();
            int created = 0;
            while (cur.next()) {
                created += rollup.add(cur.timestamp(), cur.value(0), step, rollupChunkSpan);
            }
            rawPoints -= c.count();
            counts[0] += c.count();
            counts[1] += created;
        }
        memory.add(bytes() - before);
    }

    /** Drops rollup buckets older than {@code cutoff}; returns how many. */
    synchronized int expireRollup(long cutoff) {
        if (removed) {
            return 0;
        }
        long before = bytes();
        int n = rollup.expire(cutoff);
        memory.add(bytes() - before);
        return n;
    }

    synchronized long oldestRollupStart() {
        return removed ? Long.MAX_VALUE : rollup.oldestChunkStart();
    }

    /** Drops the oldest chunk of rollup buckets; returns buckets dropped. */
    synchronized int evictOldestRollup() {
        if (removed) {
            return 0;
        }
        long before = bytes();
        int n = rollup.dropOldestChunk();
        memory.add(bytes() - before);
        return n;
    }

    synchronized long oldestRawStart() {
        if (removed) {
            return Long.MAX_VALUE;
        }
        Chunk c = raw.isEmpty() ? open : raw.peekFirst();
        return c == null ? Long.MAX_VALUE : c.firstTimestamp();
    }

    /** Drops the oldest raw chunk (the open one last); returns points dropped. */
    synchronized int evictOldestRaw() {
        if (removed) {
            return 0;
        }
        long before = bytes();
        Chunk c;
        if (!raw.isEmpty()) {
            c = raw.pollFirst();
            rawSealedBytes -= c.bytes();
        } else if (open != null) {
            c = open;
            open = null;
        } else {
            return 0;
        }
        rawPoints -= c.count();
        memory.add(bytes() - before);
        return c.count();
    }

    /**
     * Marks the series removed and gives its memory back.
     *
     * @return raw points and rollup buckets it held, as {raw, buckets}
     */
    synchronized int[] remove() {
        if (removed) {
            return new int[2];
        }
        removed = true;
        memory.add(-bytes());
        return new int[] {rawPoints, rollup.buckets()};
    }

    synchronized boolean isRemoved() {
        return removed;
    }

    synchronized long lastTimestamp() {
        return lastTimestamp;
    }

    synchronized boolean hasRaw() {
        return rawPoints > 0;
    }

    synchronized int rawPoints() {
        return rawPoints;
    }

    synchronized int rollupBuckets() {
        return rollup.buckets();
    }

    synchronized SeriesInfo info() {
        return new SeriesInfo(key, name, tags, kind, lastTimestamp, lastValue);
    }

    /** Feeds rollup buckets then raw points in the range, oldest first. */
    synchronized void read(Downsampler out) {
        rollup.read(out);
        for (Chunk c : raw) {
            readRaw(c, out);
        }
        if (open != null) {
            readRaw(open, out);
        }
    }

    private static void readRaw(Chunk c, Downsampler out) {
        if (!out.overlaps(c.firstTimestamp(), c.lastTimestamp())) {
            return;
        }
        Chunk.Cursor cur = c.cursor();
        while (cur.next()) {
            out.point(cur.timestamp(), cur.value(0));
        }
    }

    /** Writes this series to a snapshot under the series lock, so the copy is consistent. */
    synchronized void writeTo(java.io.DataOutputStream out) throws java.io.IOException {
        java.util.List<Chunk> chunks = new java.util.ArrayList<>(raw);
        if (open != null) {
            chunks.add(open);
        }
        SnapshotFile.writeSeries(out, this, kind, lastTimestamp, lastValue, chunks, rollup);
    }

    /** Restores state read from a snapshot; only before the series is published. */
    void restore(Kind k, long lastTs, double lastV, Iterable<Chunk> rawChunks, Consumer<Rollup> rollupState) {
        long before = bytes();
        kind = k;
        lastTimestamp = lastTs;
        lastValue = lastV;
        for (Chunk c : rawChunks) {
            raw.addLast(c);
            rawSealedBytes += c.bytes();
            rawPoints += c.count();
        }
        rollupState.accept(rollup);
        memory.add(bytes() - before);
    }
}
