package lodestar.store.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import java.util.function.ToIntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Sample;
import lodestar.api.SeriesStore.SeriesInfo;
import lodestar.api.TimeSeries;
import lodestar.support.cardinality.CardinalityGuard;
import lodestar.support.cardinality.CardinalityLimits;
import lodestar.support.cardinality.Overflow;
import lodestar.support.log.RateLimitedLog;

/**
 * The in-memory store without any OSGi: series by key, writes, queries, retention and eviction. The
 * component wraps it; tests drive it directly with an explicit clock.
 *
 * <p>A new series is created only when the {@link CardinalityGuard} lets it in ({@code maxSeries},
 * {@code maxNewSeries}); a refused series' points are dropped (counted by the guard) and it asks again with its
 * next point. While the guard refuses and the store is full, maintenance removes the series idle for
 * {@code reclaimAfter}, longest idle first, so a store filled by a flood of names recovers.
 *
 * <p>Concurrency: one writer (the core's runner for this sink), any number of readers, one
 * maintenance pass at a time. The map is concurrent; each series locks itself (see
 * {@link SeriesBuffer}), so no lock spans the whole store while a query or listing runs.
 */
final class Store {

    private static final Logger LOG = LoggerFactory.getLogger(Store.class);

    private final LongSupplier clock;
    private final ConcurrentHashMap<String, SeriesBuffer> series = new ConcurrentHashMap<>();
    private final MemoryAccount memory = new MemoryAccount();
    private final Object maintenanceLock = new Object();
    private final RateLimitedLog tooSmall = new RateLimitedLog(60_000, LOG::warn);
    private volatile StoreLimits limits;
    private final CardinalityGuard guard;
    /** series idle this long may be removed to make room while new ones are refused; 0 never */
    private volatile long reclaimAfterMillis;

    private final AtomicLong rawPoints = new AtomicLong();
    private final AtomicLong rollupBuckets = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong droppedOutOfOrder = new AtomicLong();
    private final AtomicLong rolledUpPoints = new AtomicLong();
    private final AtomicLong expiredPoints = new AtomicLong();
    private final AtomicLong expiredSeries = new AtomicLong();
    private final AtomicLong evictedPoints = new AtomicLong();
    private final AtomicLong evictedSeries = new AtomicLong();
    private final AtomicLong reclaimedSeries = new AtomicLong();

    /**
     * @param guard              the limits on series, whose clock should be {@code clock}
     * @param reclaimAfterMillis series idle this long may be removed to make room while the guard refuses; 0 never
     */
    Store(StoreLimits limits, CardinalityGuard guard, long reclaimAfterMillis, LongSupplier clock) {
        this.limits = limits;
        this.guard = guard;
        this.reclaimAfterMillis = reclaimAfterMillis;
        this.clock = clock;
    }

    /** A store with no limit on series that matters (tests of retention and memory). */
    Store(StoreLimits limits, LongSupplier clock) {
        this(limits, new CardinalityGuard("store", new CardinalityLimits(Integer.MAX_VALUE, 0, 60_000, Overflow.DROP), clock, m -> { }), 0,
                clock);
    }

    CardinalityGuard guard() {
        return guard;
    }

    /** New limits on series and a new reclaim age, from the next write and maintenance pass. */
    void setSeriesLimits(CardinalityLimits l, long reclaimAfter) {
        guard.limits(l);
        reclaimAfterMillis = reclaimAfter;
    }

    StoreLimits limits() {
        return limits;
    }

    /** New limits apply from the next write and maintenance pass; a lower cap evicts right away. */
    void setLimits(StoreLimits newLimits) {
        this.limits = newLimits;
        maintain();
    }

    /**
     * Appends a batch. Points not newer than their series' latest are dropped and counted
     * ({@link #droppedOutOfOrder()}): chunks are append-only. Points of a new series the guard refuses are dropped
     * and counted by the guard.
     */
    void write(List<Sample> batch) {
        long chunkSpan = limits.chunkSpan();
        long accepted = 0;
        long dropped = 0;
        for (Sample s : batch) {
            String key = s.seriesKey(); // built once per sample, used for lookup and creation
            SeriesBuffer sb = series.get(key);
            while (true) {
                if (sb == null) {
                    if (guard.admit(s.name()) != CardinalityGuard.Verdict.ADMIT) {
                        break;
                    }
                    // the only writer: nobody created it since the lookup
                    sb = series.computeIfAbsent(key, k -> new SeriesBuffer(k, s.name(), s.tags(), memory));
                }
                int r = sb.append(s.timestamp(), s.value(), s.kind(), chunkSpan);
                if (r == SeriesBuffer.ACCEPTED) {
                    accepted++;
                } else if (r == SeriesBuffer.DROPPED) {
                    dropped++;
                } else {
                    // evicted between lookup and append: start the series afresh
                    series.remove(key, sb);
                    sb = null;
                    continue;
                }
                break;
            }
        }
        rawPoints.addAndGet(accepted);
        written.addAndGet(accepted);
        if (dropped > 0) {
            droppedOutOfOrder.addAndGet(dropped);
        }
        if (memory.used() > limits.maxMemory()) {
            maintain();
        }
    }

    /** Series matching {@code glob} (see {@link Glob}), sorted by key. */
    List<SeriesInfo> find(String glob) {
        Glob g = Glob.compile(glob);
        List<SeriesInfo> out = new ArrayList<>();
        for (SeriesBuffer s : series.values()) {
            if (g.matches(s.name(), s.key())) {
                out.add(s.info());
            }
        }
        out.sort(Comparator.comparing(SeriesInfo::key));
        return out;
    }

    /** See {@link lodestar.api.SeriesStore#query}: raw where still held, rollup buckets before that. */
    TimeSeries query(String key, long from, long to, long step) {
        SeriesBuffer s = key == null ? null : series.get(key);
        if (s == null || from > to) {
            return TimeSeries.empty(key);
        }
        Downsampler d = new Downsampler(from, to, step);
        s.read(d);
        return d.result(key);
    }

    /**
     * Rolls up raw points that left the raw window, expires old rollups and series, then, while over
     * {@code maxMemory}, evicts oldest first: rollup chunks, then idle series (nothing raw left), then
     * raw chunks. Runs periodically and from {@link #write} when the cap is exceeded.
     */
    void maintain() {
        synchronized (maintenanceLock) {
            StoreLimits l = limits;
            long now = clock.getAsLong();
            long rawCutoff = now - l.rawRetention();
            long rollupCutoff = now - l.rollupRetention();
            long seriesCutoff = now - l.seriesRetention();
            long[] counts = new long[2];
            for (SeriesBuffer s : series.values()) {
                long rawBefore = counts[0];
                long bucketsBefore = counts[1];
                s.rollUp(rawCutoff, l.rollupStep(), l.rollupChunkSpan(), counts);
                rawPoints.addAndGet(-(counts[0] - rawBefore));
                rollupBuckets.addAndGet(counts[1] - bucketsBefore);
                int expired = s.expireRollup(rollupCutoff);
                if (expired > 0) {
                    rollupBuckets.addAndGet(-expired);
                    expiredPoints.addAndGet(expired);
                }
                if (s.lastTimestamp() < seriesCutoff) {
                    int[] held = removeSeries(s);
                    expiredPoints.addAndGet(held[0] + held[1]);
                    expiredSeries.incrementAndGet();
                    guard.expired(1);
                }
            }
            rolledUpPoints.addAndGet(counts[0]);
            reclaimIdle(now);
            guard.tick();
            if (memory.used() > l.maxMemory()) {
                evict(l);
            }
        }
    }

    private void evict(StoreLimits l) {
        long target = l.lowWatermark();
        long n = evictOldest(target, SeriesBuffer::oldestRollupStart, SeriesBuffer::evictOldestRollup);
        rollupBuckets.addAndGet(-n);
        evictedPoints.addAndGet(n);
        if (memory.used() > target) {
            List<SeriesBuffer> idle = new ArrayList<>();
            for (SeriesBuffer s : series.values()) {
                if (!s.hasRaw()) {
                    idle.add(s);
                }
            }
            idle.sort(Comparator.comparingLong(SeriesBuffer::lastTimestamp));
            for (SeriesBuffer s : idle) {
                if (memory.used() <= target) {
                    break;
                }
                int[] held = removeSeries(s);
                evictedPoints.addAndGet(held[0] + held[1]);
                evictedSeries.incrementAndGet();
                guard.removed(1);
            }
        }
        if (memory.used() > target) {
            n = evictOldest(target, SeriesBuffer::oldestRawStart, SeriesBuffer::evictOldestRaw);
            rawPoints.addAndGet(-n);
            evictedPoints.addAndGet(n);
        }
        if (memory.used() > l.maxMemory()) {
            tooSmall.log(() -> "maxMemory " + l.maxMemory() + " bytes is too small for " + series.size()
                    + " series even with all history evicted; raise maxMemory");
        }
    }

    /**
     * While new series are refused and {@code maxSeries} are held, removes the series that received no point for
     * {@code reclaimAfter}, longest idle first, down to 95 % of {@code maxSeries}: the points of names a flood left
     * behind make room for new series. Their points count as evicted, the series as expired (for the guard).
     */
    private void reclaimIdle(long now) {
        long after = reclaimAfterMillis;
        int max = guard.limits().maxSeries();
        if (after <= 0 || !guard.tripping() || series.size() < max) {
            return;
        }
        List<SeriesBuffer> idle = new ArrayList<>();
        for (SeriesBuffer s : series.values()) {
            if (s.lastTimestamp() < now - after) {
                idle.add(s);
            }
        }
        idle.sort(Comparator.comparingLong(SeriesBuffer::lastTimestamp));
        int target = max - max / 20;
        int removed = 0;
        for (SeriesBuffer s : idle) {
            if (series.size() <= target) {
                break;
            }
            int[] held = removeSeries(s);
            evictedPoints.addAndGet(held[0] + held[1]);
            removed++;
        }
        reclaimedSeries.addAndGet(removed);
        guard.expired(removed);
    }

    /** Drops the globally oldest chunk, one at a time, until at {@code target} bytes or nothing is left. */
    private long evictOldest(long target, ToLongFunction<SeriesBuffer> oldest, ToIntFunction<SeriesBuffer> drop) {
        record Candidate(long time, SeriesBuffer series) {
        }
        PriorityQueue<Candidate> queue = new PriorityQueue<>(Comparator.comparingLong(Candidate::time));
        for (SeriesBuffer s : series.values()) {
            long t = oldest.applyAsLong(s);
            if (t != Long.MAX_VALUE) {
                queue.add(new Candidate(t, s));
            }
        }
        long dropped = 0;
        while (memory.used() > target && !queue.isEmpty()) {
            SeriesBuffer s = queue.poll().series();
            dropped += drop.applyAsInt(s);
            long t = oldest.applyAsLong(s);
            if (t != Long.MAX_VALUE) {
                queue.add(new Candidate(t, s));
            }
        }
        return dropped;
    }

    private int[] removeSeries(SeriesBuffer s) {
        int[] held = s.remove();
        series.remove(s.key(), s);
        rawPoints.addAndGet(-held[0]);
        rollupBuckets.addAndGet(-held[1]);
        return held;
    }

    /** The live series, for the snapshot writer (each is locked while written). */
    Collection<SeriesBuffer> series() {
        return series.values();
    }

    MemoryAccount memory() {
        return memory;
    }

    /** Installs series read from a snapshot, before any write; they count against the limits without asking. */
    void restore(List<SeriesBuffer> loaded) {
        int before = series.size();
        for (SeriesBuffer s : loaded) {
            SeriesBuffer previous = series.put(s.key(), s);
            if (previous != null) {
                removeSeries(previous);
                series.put(s.key(), s);
            }
            rawPoints.addAndGet(s.rawPoints());
            rollupBuckets.addAndGet(s.rollupBuckets());
        }
        guard.adopted(series.size() - before);
    }

    /** One series, or null. */
    SeriesBuffer get(String key) {
        return series.get(key);
    }

    int seriesCount() {
        return series.size();
    }

    long rawPointCount() {
        return rawPoints.get();
    }

    long rollupBucketCount() {
        return rollupBuckets.get();
    }

    long bytesUsed() {
        return memory.used();
    }

    long written() {
        return written.get();
    }

    long droppedOutOfOrder() {
        return droppedOutOfOrder.get();
    }

    long rolledUpPoints() {
        return rolledUpPoints.get();
    }

    long expiredPoints() {
        return expiredPoints.get();
    }

    long expiredSeries() {
        return expiredSeries.get();
    }

    long evictedPoints() {
        return evictedPoints.get();
    }

    long evictedSeries() {
        return evictedSeries.get();
    }

    /** Idle series removed to make room for new ones while the guard refused them. */
    long reclaimedSeries() {
        return reclaimedSeries.get();
    }
}
