package lodestar.store.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.ComponentStatus;
import lodestar.api.Monitored;
import lodestar.api.Sample;
import lodestar.api.SeriesStore;
import lodestar.api.Sink;
import lodestar.api.State;
import lodestar.api.TimeSeries;
import lodestar.support.cardinality.CardinalityGuard;
import lodestar.support.cardinality.CardinalityLimits;
import lodestar.support.config.Units;

/**
 * The embedded default store: a {@link Sink} that keeps every sample in bounded memory (full
 * resolution for {@code rawRetention}, min/max/sum/count per {@code rollupStep} beyond it) and a
 * {@link SeriesStore} that answers the shell and the dashboard. Snapshotted to
 * {@code <lodestar.home>/data/store/store.snap} so a restart keeps history. A cardinality guard
 * ({@code maxSeries}, {@code maxNewSeries}) bounds the series it creates.
 *
 * <p>Also {@link Monitored} (type {@code store}, name {@code store}): its series, points, memory and the
 * guard's counters show in {@code lodestar:status}, and the core emits them as self-metrics. The public
 * counters ({@link #seriesCount()}, {@link #bytesUsed()}, {@link #evictedPoints()} ...) are the same numbers.
 */
@Component(name = StoreComponent.PID, configurationPid = StoreComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {Sink.class, SeriesStore.class, Monitored.class},
        property = Sink.NAME + "=store")
@Designate(ocd = StoreComponent.Config.class)
public final class StoreComponent implements Sink, SeriesStore, Monitored {

    static final String PID = "lodestar.store";
    /** How often raw points are rolled up and retention and the memory cap are enforced. */
    static final long MAINTENANCE_MILLIS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(StoreComponent.class);

    /** The store's configuration (PID {@code lodestar.store}); every property is optional. */
    @ObjectClassDefinition(name = "Lodestar embedded store",
            description = "The default sink: keeps every sample in memory, rolled up beyond a recent window, "
                    + "persisted under <lodestar.home>/data/store, queried by the shell and the dashboard.")
    public @interface Config {

        @AttributeDefinition(name = "Raw retention",
                description = "How long points are kept at full resolution (a duration: 30m, 6h, 1d).")
        String rawRetention() default "6h";

        @AttributeDefinition(name = "Rollup step",
                description = "Bucket width of the history beyond the raw window; each bucket keeps min, max, "
                        + "sum and count (a duration: 1m, 5m).")
        String rollupStep() default "1m";

        @AttributeDefinition(name = "Rollup retention",
                description = "How long rolled-up buckets are kept, counted from now (a duration: 7d; 0 keeps no "
                        + "rollups).")
        String rollupRetention() default "7d";

        @AttributeDefinition(name = "Maximum memory",
                description = "Cap on the heap the store holds (a size: 64MB, 1GB). Over it, the oldest data goes "
                        + "first: old rollups, then idle series, then the oldest raw points.")
        String maxMemory() default "64MB";

        @AttributeDefinition(name = "Directory",
                description = "Where the snapshot is written. Empty: <lodestar.home>/data/store. A relative path is "
                        + "resolved against lodestar.home.")
        String directory() default "";

        @AttributeDefinition(name = "Persist interval",
                description = "How often the store is snapshotted to disk, besides on shutdown (a duration: 1m; 0 "
                        + "only on shutdown).")
        String persistInterval() default "1m";

        @AttributeDefinition(name = "Maximum series",
                description = "Most series held at once; points of a new series beyond them are dropped and counted "
                        + "(series_refused) until there is room again.")
        int maxSeries() default 100000;

        @AttributeDefinition(name = "Maximum new series",
                description = "Most new series taken per newSeriesInterval (0: no such limit); more are dropped like "
                        + "over maxSeries.")
        int maxNewSeries() default 50000;

        @AttributeDefinition(name = "New series interval", description = "The window maxNewSeries counts in (a duration: 1m).")
        String newSeriesInterval() default "1m";

        @AttributeDefinition(name = "Reclaim after",
                description = "While new series are refused and maxSeries are held, series that received no point for "
                        + "this long are removed to make room, longest idle first (a duration: 1h; 0: never).")
        String reclaimAfter() default "1h";
    }

    private final Store store;
    private final Path home;
    private final ScheduledExecutorService scheduler;
    private final AtomicLong snapshots = new AtomicLong();
    private final AtomicLong snapshotErrors = new AtomicLong();
    private volatile String lastSnapshotError;
    private volatile SnapshotFile snapshot;
    private ScheduledFuture<?> snapshotTask;

    @Activate
    public StoreComponent(Config config, BundleContext context) {
        StoreLimits limits = limits(config);
        CardinalityLimits seriesLimits = seriesLimits(config);
        long reclaimAfter = Units.durationMillis("reclaimAfter", config.reclaimAfter());
        long persist = Units.durationMillis("persistInterval", config.persistInterval());
        String h = context.getProperty("lodestar.home");
        this.home = Paths.get(h == null || h.isBlank() ? "." : h);
        this.store = new Store(limits, new CardinalityGuard("store", seriesLimits, LOG::warn), reclaimAfter, System::currentTimeMillis);
        this.snapshot = new SnapshotFile(directory(config));
        long started = System.nanoTime();
        store.restore(snapshot.load(store.memory()));
        store.maintain();
        LOG.info("store loaded {} series, {} points, {} bytes from {} in {} ms", store.seriesCount(),
                store.rawPointCount() + store.rollupBucketCount(), store.bytesUsed(), snapshot.file(),
                (System.nanoTime() - started) / 1_000_000);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lodestar.store-maintenance");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::maintainQuietly, MAINTENANCE_MILLIS, MAINTENANCE_MILLIS,
                TimeUnit.MILLISECONDS);
        scheduleSnapshots(persist);
    }

    /** Limits, the persist interval and the directory change in place; the data stays. */
    @Modified
    void modified(Config config) {
        StoreLimits limits = limits(config);
        CardinalityLimits seriesLimits = seriesLimits(config);
        long reclaimAfter = Units.durationMillis("reclaimAfter", config.reclaimAfter());
        long persist = Units.durationMillis("persistInterval", config.persistInterval());
        snapshot = new SnapshotFile(directory(config));
        store.setSeriesLimits(seriesLimits, reclaimAfter);
        store.setLimits(limits);
        scheduleSnapshots(persist);
        LOG.info("store reconfigured: {}, persistInterval {}ms, directory {}", limits, persist, snapshot.file());
    }

    @Deactivate
    void deactivate() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        saveSnapshot();
    }

    private static StoreLimits limits(Config c) {
        return new StoreLimits(
                Units.positiveDurationMillis("rawRetention", c.rawRetention()),
                Units.positiveDurationMillis("rollupStep", c.rollupStep()),
                Units.durationMillis("rollupRetention", c.rollupRetention()),
                positiveBytes(c.maxMemory()));
    }

    private static CardinalityLimits seriesLimits(Config c) {
        return CardinalityLimits.dropping(c.maxSeries(), c.maxNewSeries(), c.newSeriesInterval());
    }

    private static long positiveBytes(String text) {
        long b = Units.bytes("maxMemory", text);
        if (b <= 0) {
            throw new IllegalArgumentException("maxMemory: must be a positive size, got '" + text + "'");
        }
        return b;
    }

    private Path directory(Config c) {
        String d = c.directory();
        if (d == null || d.isBlank()) {
            return home.resolve("data").resolve("store");
        }
        return home.resolve(d.trim());
    }

    private synchronized void scheduleSnapshots(long persistMillis) {
        if (snapshotTask != null) {
            snapshotTask.cancel(false);
            snapshotTask = null;
        }
        if (persistMillis > 0) {
            snapshotTask = scheduler.scheduleWithFixedDelay(this::saveSnapshot, persistMillis, persistMillis,
                    TimeUnit.MILLISECONDS);
        }
    }

    private void maintainQuietly() {
        try {
            store.maintain();
        } catch (RuntimeException e) {
            LOG.error("store maintenance failed", e);
        }
    }

    private void saveSnapshot() {
        SnapshotFile target = snapshot;
        long started = System.nanoTime();
        try {
            long size = target.save(store.series(), store.limits().rollupStep(), System.currentTimeMillis());
            snapshots.incrementAndGet();
            lastSnapshotError = null;
            LOG.debug("store snapshot {}: {} bytes in {} ms", target.file(), size,
                    (System.nanoTime() - started) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            snapshotErrors.incrementAndGet();
            lastSnapshotError = "snapshot to " + target.file() + " failed: " + e;
            LOG.warn("store snapshot to {} failed: {}", target.file(), e.toString());
        }
    }

    @Override
    public void write(List<Sample> batch) {
        store.write(batch);
    }

    @Override
    public List<SeriesInfo> find(String glob) {
        return store.find(glob);
    }

    @Override
    public TimeSeries query(String seriesKey, long from, long to, long step) {
        return store.query(seriesKey, from, to, step);
    }

    /**
     * Type {@code store}, name {@code store}: {@code series} (a gauge) and the cardinality guard's
     * {@code series_created}, {@code series_refused} (points of new series refused), {@code series_expired} (past
     * retention, or reclaimed while full); then {@code points}, {@code bytes_used} and {@code max_memory} (gauges),
     * {@code written}, {@code dropped_out_of_order}, {@code evicted_points}, {@code evicted_series},
     * {@code expired_points}, {@code snapshots}, {@code snapshot_errors}. {@code degraded} ({@code cardinality-limit})
     * while new series are refused and a minute after; the last snapshot error as the last error.
     */
    @Override
    public ComponentStatus status() {
        Map<String, Long> c = new LinkedHashMap<>();
        Set<String> gauges = new HashSet<>();
        CardinalityGuard guard = store.guard();
        guard.counters((k, v) -> {
            c.put(k, v);
            gauges.add(k);
        }, c::put);
        c.put(CardinalityGuard.SERIES, (long) store.seriesCount()); // the map itself, which the guard's count follows
        c.put("points", pointCount());
        c.put("bytes_used", bytesUsed());
        c.put("max_memory", maxMemoryBytes());
        gauges.addAll(List.of("points", "bytes_used", "max_memory"));
        c.put("written", writtenPoints());
        c.put("dropped_out_of_order", droppedOutOfOrder());
        c.put("evicted_points", evictedPoints());
        c.put("evicted_series", evictedSeries());
        c.put("expired_points", expiredPoints());
        c.put("snapshots", snapshotsWritten());
        c.put("snapshot_errors", snapshotErrors());
        boolean limited = guard.tripping();
        return new ComponentStatus("store", "store", limited ? State.DEGRADED : State.OK, limited ? CardinalityGuard.DETAIL : null, c,
                gauges, lastSnapshotError);
    }

    /** Series held. */
    public int seriesCount() {
        return store.seriesCount();
    }

    /** Stored points: raw points plus rollup buckets. */
    public long pointCount() {
        return store.rawPointCount() + store.rollupBucketCount();
    }

    /** Points held at full resolution. */
    public long rawPointCount() {
        return store.rawPointCount();
    }

    /** Rollup buckets held. */
    public long rollupBucketCount() {
        return store.rollupBucketCount();
    }

    /** Estimated heap held, in bytes (see the README's memory accounting). */
    public long bytesUsed() {
        return store.bytesUsed();
    }

    /** The configured cap, in bytes. */
    public long maxMemoryBytes() {
        return store.limits().maxMemory();
    }

    /** Points accepted since activation. */
    public long writtenPoints() {
        return store.written();
    }

    /** Points refused because they were not newer than their series' latest point. */
    public long droppedOutOfOrder() {
        return store.droppedOutOfOrder();
    }

    /** Raw points and rollup buckets dropped to stay under {@code maxMemory}. */
    public long evictedPoints() {
        return store.evictedPoints();
    }

    /** Whole series dropped to stay under {@code maxMemory}. */
    public long evictedSeries() {
        return store.evictedSeries();
    }

    /** Rollup buckets (and points of series) dropped because they outlived their retention. */
    public long expiredPoints() {
        return store.expiredPoints();
    }

    /** Snapshots written, and attempts that failed. */
    public long snapshotsWritten() {
        return snapshots.get();
    }

    public long snapshotErrors() {
        return snapshotErrors.get();
    }
}
