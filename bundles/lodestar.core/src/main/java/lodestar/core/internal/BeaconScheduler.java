package lodestar.core.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Beacon;
import lodestar.api.ComponentStatus;
import lodestar.api.Sample;
import lodestar.support.config.Units;

/**
 * Runs every {@link Beacon} at its interval on a bounded pool: a turn that finds the beacon still running, or
 * no worker free, is skipped and counted as an overrun, so one slow beacon never delays the others. A
 * beacon's {@code interval}, {@code enabled} and {@code name} come from its service properties; a change
 * reschedules it.
 */
final class BeaconScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(BeaconScheduler.class);

    private final ScheduledExecutorService scheduler;
    private final ThreadPoolExecutor workers;
    private final Consumer<List<Sample>> downstream;
    private final Map<Beacon, BeaconRunner> runners = new ConcurrentHashMap<>();
    private final Map<Beacon, Map<String, Object>> props = new ConcurrentHashMap<>();
    private volatile long defaultIntervalMillis;
    private volatile boolean stopped;

    /**
     * @param scheduler  whose single thread triggers the turns (shared with the core's other timers)
     * @param threads    beacons running at the same moment at most
     * @param downstream where each run's samples go, as one batch
     */
    BeaconScheduler(ScheduledExecutorService scheduler, int threads, long defaultIntervalMillis,
            Consumer<List<Sample>> downstream) {
        AtomicInteger n = new AtomicInteger();
        this.scheduler = scheduler;
        this.downstream = downstream;
        this.defaultIntervalMillis = defaultIntervalMillis;
        this.workers = new ThreadPoolExecutor(0, threads, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "lodestar-beacon-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** A new beacon, or new service properties of a known one. */
    void put(Beacon beacon, Map<String, Object> properties) {
        props.put(beacon, properties);
        reschedule(beacon, properties);
    }

    void remove(Beacon beacon) {
        props.remove(beacon);
        BeaconRunner r = runners.remove(beacon);
        if (r != null) {
            r.cancel();
            sayRemovedLater(r);
        }
    }

    /**
     * How long "beacon x removed" waits for the same beacon to come back. A component without {@code @Modified}
     * (the system beacon) is stopped and started again by SCR when its configuration arrives, which on every first
     * start (FileInstall bringing conf/lodestar.beacon.system.cfg half a second after the defaults) logged it
     * removed and scheduled again with nothing changed. Back within this time, as it was: nothing is said.
     */
    static final long REMOVED_GRACE_MILLIS = 3000;

    /** A removal not said yet, by beacon name. */
    private record Removal(long intervalMillis, boolean enabled, java.util.concurrent.FutureTask<Void> saying) {
    }

    private final Map<String, Removal> removals = new java.util.concurrent.ConcurrentHashMap<>();
    /** "beacon x removed" lines logged, for tests */
    private final java.util.concurrent.atomic.AtomicLong removalsSaid = new java.util.concurrent.atomic.AtomicLong();

    long removalsSaid() {
        return removalsSaid.get();
    }

    int removalsPending() {
        return removals.size();
    }

    private void sayRemovedLater(BeaconRunner r) {
        String name = r.name();
        if (stopped) {
            removalsSaid.incrementAndGet();
            LOG.info("beacon {} removed", name);
            return;
        }
        java.util.concurrent.FutureTask<Void> say = new java.util.concurrent.FutureTask<>(() -> {
            removalsSaid.incrementAndGet();
            LOG.info("beacon {} removed", name);
            return null;
        });
        Removal removal = new Removal(r.intervalMillis(), r.enabled(), say);
        Removal earlier = removals.put(name, removal);
        if (earlier != null) {
            earlier.saying().cancel(false);
        }
        try {
            scheduler.schedule(() -> {
                if (removals.remove(name, removal)) {
                    say.run();
                }
            }, REMOVED_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            removals.remove(name, removal);
            say.run();
        }
    }

    /** Whether {@code name} was removed moments ago with these settings (then its return is not news). */
    private boolean backAsItWas(String name, long intervalMillis, boolean enabled) {
        Removal r = removals.remove(name);
        if (r == null) {
            return false;
        }
        if (r.intervalMillis() == intervalMillis && r.enabled() == enabled) {
            r.saying().cancel(false);
            return true;
        }
        // back with other settings: the removal is said now, then the new schedule
        if (!r.saying().isDone()) {
            r.saying().run();
        }
        return false;
    }

    /** New core defaults: beacons that set no interval of their own follow the new default. */
    void configure(int threads, long defaultInterval) {
        workers.setMaximumPoolSize(threads);
        if (defaultInterval != defaultIntervalMillis) {
            defaultIntervalMillis = defaultInterval;
            props.forEach(this::reschedule);
        }
    }

    private void reschedule(Beacon beacon, Map<String, Object> properties) {
        if (properties == null || stopped) {
            return;
        }
        BeaconRunner old = runners.get(beacon);
        String name = uniqueName(Names.of(properties), old);
        long interval;
        try {
            String text = Props.string(properties, Beacon.INTERVAL, null);
            interval = text == null ? defaultIntervalMillis : Units.positiveDurationMillis(Beacon.INTERVAL, text);
        } catch (IllegalArgumentException e) {
            LOG.error("beacon {} not scheduled: {}", name, e.getMessage());
            return;
        }
        boolean enabled = Props.bool(properties, Beacon.ENABLED, true);
        if (old != null && old.intervalMillis() == interval && old.enabled() == enabled && old.name().equals(name)) {
            return;
        }
        BeaconRunner r = new BeaconRunner(name, beacon, interval, enabled);
        if (old != null) {
            old.cancel();
        }
        runners.put(beacon, r);
        if (enabled) {
            // the first run comes at once rather than one whole interval after start: a beacon bundle swapped in
            // under load shows data within a few hundred milliseconds (HotSwapIT); 100 ms lets the activation that
            // registered it finish first
            long first = Math.min(interval, 100);
            r.scheduled(scheduler.scheduleAtFixedRate(() -> turn(r), first, interval, TimeUnit.MILLISECONDS));
        }
        if (old == null && backAsItWas(name, interval, enabled)) {
            LOG.debug("beacon {} restarted by its component, same schedule", name);
            return;
        }
        LOG.info("beacon {} {} every {}", name, enabled ? "scheduled" : "disabled,", Units.formatDuration(interval));
    }

    /** {@code wanted}, or {@code wanted#2}, ... when another beacon has that name already. */
    private String uniqueName(String wanted, BeaconRunner self) {
        return Names.unique(wanted, name -> runners.values().stream().anyMatch(b -> b != self && b.name().equals(name)));
    }

    private void turn(BeaconRunner r) {
        try {
            workers.execute(() -> r.runScheduled(downstream));
        } catch (RejectedExecutionException e) {
            if (!stopped) {
                r.countOverrun();
            }
        }
    }

    /** Runs the named beacon once, now, on the caller's thread; empty when no beacon has that name. */
    Optional<List<Sample>> collectNow(String name) throws Exception {
        for (BeaconRunner r : runners.values()) {
            if (r.name().equals(name)) {
                return Optional.of(r.runNow(downstream));
            }
        }
        return Optional.empty();
    }

    /** The beacons, by name. */
    List<BeaconRunner> runners() {
        return runners.values().stream().sorted(Comparator.comparing(BeaconRunner::name)).toList();
    }

    List<ComponentStatus> status() {
        return runners().stream().map(BeaconRunner::status).toList();
    }

    /** Stops scheduling and gives running beacons two seconds to finish. */
    void stop() {
        stopped = true;
        // removals not said yet are said now: the scheduler may not run them any more
        removals.values().forEach(r -> {
            if (!r.saying().isDone()) {
                r.saying().run();
            }
        });
        removals.clear();
        runners.values().forEach(BeaconRunner::cancel);
        workers.shutdown();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
    }
}
