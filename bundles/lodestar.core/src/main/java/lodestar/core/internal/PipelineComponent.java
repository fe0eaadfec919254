package lodestar.core.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Beacon;
import lodestar.api.ComponentStatus;
import lodestar.api.State;
import lodestar.api.Monitored;
import lodestar.api.Pipeline;
import lodestar.api.Processor;
import lodestar.api.Sample;
import lodestar.api.Sink;
import lodestar.support.filter.NameFilter;
import lodestar.support.log.RateLimitedLog;
import lodestar.support.config.Units;

/**
 * The pipeline: schedules every {@link Beacon}, passes every sample through the {@link Processor}s
 * (highest {@code service.ranking} first), adds the global tags, and fans out to one
 * {@link SinkRunner} per {@link Sink}. Beacons, processors and sinks come and go at any time.
 */
@Component(name = "lodestar.core", configurationPid = "lodestar.core", configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = Pipeline.class, immediate = true)
@Designate(ocd = PipelineComponent.Config.class)
public final class PipelineComponent implements Pipeline {

    @ObjectClassDefinition(name = "Lodestar core pipeline",
            description = "Schedules beacons, runs processors and feeds every sink through a buffered, retrying runner."
                    + " The runner settings here are defaults; a sink's own configuration overrides them.")
    public @interface Config {
        @AttributeDefinition(description = "Tags added to every sample that does not have them, as key=value.")
        String[] globalTags() default {};

        @AttributeDefinition(name = "cluster_name", description = "Adds the tag cluster_name to every sample (PuyPuy's cluster_name). Empty: none.")
        String cluster_name() default "";

        @AttributeDefinition(name = "host_group", description = "Adds the tag host_group to every sample (PuyPuy's host_group). Empty: none.")
        String host_group() default "";

        @AttributeDefinition(description = "Default interval of beacons that do not set their own, e.g. 10s.")
        String interval() default "10s";

        @AttributeDefinition(description = "Default samples per write to a sink.")
        int batchSize() default 1000;

        @AttributeDefinition(description = "Default longest wait before a partial batch is written, e.g. 1s.")
        String flushInterval() default "1s";

        @AttributeDefinition(description = "Default memory per sink for samples waiting to be written (estimated at "
                + RunnerSettings.BYTES_PER_SAMPLE + " bytes a sample); when full the oldest are dropped and counted.")
        String bufferMemory() default "64MB";

        @AttributeDefinition(description = "Default disk per sink for samples it could not write yet (under"
                + " spoolDirectory/<sink>); while a backend is down everything goes through it, oldest first, and"
                + " it survives a restart. When full the oldest are dropped and counted. 0 turns it off.")
        String bufferDisk() default "256MB";

        @AttributeDefinition(description = "Where sinks' disk buffers live; empty: <lodestar.home>/data/spool.")
        String spoolDirectory() default "";

        @AttributeDefinition(description = "Default first delay after a failed write.")
        String retryInitial() default "500ms";

        @AttributeDefinition(description = "Default longest delay between retries.")
        String retryMax() default "30s";

        @AttributeDefinition(description = "Default factor by which each consecutive failure lengthens the delay (at least 1).")
        double retryFactor() default 2.0;

        @AttributeDefinition(description = "How long a departing sink (or the platform at shutdown) may take to write what it holds.")
        String shutdownTimeout() default "10s";

        @AttributeDefinition(description = "How often the platform's own metrics (lodestar.self.*) are emitted; 0 turns them off.")
        String selfInterval() default "10s";

        @AttributeDefinition(description = "Most beacons running at the same moment; a beacon that finds none free skips its turn (counted as an overrun).")
        int beaconThreads() default 8;
    }

    private static final Logger LOG = LoggerFactory.getLogger(PipelineComponent.class);

    private final ScheduledExecutorService scheduler;
    private final ThreadPoolExecutor beaconWorkers;
    private final Map<Beacon, BeaconRunner> beacons = new ConcurrentHashMap<>();
    private final Map<Sink, SinkRunner> sinks = new ConcurrentHashMap<>();
    private final Map<Processor, Map<String, Object>> processorProps = new ConcurrentHashMap<>();
    private final Map<Sink, Map<String, Object>> sinkProps = new ConcurrentHashMap<>();
    private final RateLimitedLog processorLog = new RateLimitedLog(60_000, LOG::warn);
    private final LongAdder received = new LongAdder();
    private final LongAdder droppedByProcessors = new LongAdder();
    private final LongAdder processorErrors = new LongAdder();

    private volatile Processor[] processors = new Processor[0];
    private volatile SinkRunner[] runners = new SinkRunner[0];
    private volatile Settings settings;
    private volatile java.util.concurrent.ScheduledFuture<?> selfTask;
    private volatile boolean stopped;

    /** The parsed, validated form of {@link Config}. */
    record Settings(GlobalTags globalTags, long defaultIntervalMillis, RunnerSettings runnerDefaults,
            long shutdownTimeoutMillis, long selfIntervalMillis, int beaconThreads, java.nio.file.Path spoolDirectory) {

        static Settings of(Config c, String home) {
            if (c.beaconThreads() < 1) {
                throw new IllegalArgumentException("beaconThreads: must be at least 1, got " + c.beaconThreads());
            }
            return new Settings(
                    GlobalTags.of(c.globalTags(), c.cluster_name(), c.host_group()),
                    Units.positiveDurationMillis("interval", c.interval()),
                    new RunnerSettings(c.batchSize(), Units.positiveDurationMillis("flushInterval", c.flushInterval()),
                            Units.bytes("bufferMemory", c.bufferMemory()), Units.bytes("bufferDisk", c.bufferDisk()),
                            Units.positiveDurationMillis("retryInitial", c.retryInitial()),
                            Units.positiveDurationMillis("retryMax", c.retryMax()), c.retryFactor(), NameFilter.ALL,
                            lodestar.support.filter.LevelFilter.ALL, lodestar.support.filter.TagFilter.NONE, lodestar.support.filter.TagFilter.NONE),
                    Units.durationMillis("shutdownTimeout", c.shutdownTimeout()),
                    Units.durationMillis("selfInterval", c.selfInterval()),
                    c.beaconThreads(),
                    c.spoolDirectory().isBlank() ? java.nio.file.Path.of(home, "data", "spool") : java.nio.file.Path.of(c.spoolDirectory().trim()));
        }
    }

    private final String home;

    /**
     * @param context for the platform home ({@code lodestar.home}); null in unit tests (the current directory)
     */
    @Activate
    public PipelineComponent(Config config, org.osgi.framework.BundleContext context) {
        String h = context == null ? null : context.getProperty("lodestar.home");
        this.home = h == null || h.isBlank() ? "." : h;
        this.settings = Settings.of(config, home);
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "lodestar-scheduler"));
        s.setRemoveOnCancelPolicy(true);
        this.scheduler = s;
        this.beaconWorkers = new ThreadPoolExecutor(0, settings.beaconThreads(), 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> daemon(r, "lodestar-beacon-" + n.incrementAndGet()));
        scheduleSelfMetrics();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Modified
    void modified(Config config) {
        Settings s = Settings.of(config, home);
        Settings old = settings;
        settings = s;
        beaconWorkers.setMaximumPoolSize(s.beaconThreads());
        if (old.selfIntervalMillis() != s.selfIntervalMillis()) {
            scheduleSelfMetrics();
        }
        if (!old.runnerDefaults().equals(s.runnerDefaults())) {
            for (Map.Entry<Sink, SinkRunner> e : sinks.entrySet()) {
                Map<String, Object> p = sinkProps.get(e.getKey());
                if (p != null) {
                    e.getValue().update(s.runnerDefaults().overriddenBy(p));
                }
            }
        }
        if (old.defaultIntervalMillis() != s.defaultIntervalMillis()) {
            for (BeaconRunner r : List.copyOf(beacons.values())) {
                reschedule(r.beacon(), beaconProps.get(r.beacon()));
            }
        }
        LOG.info("core configuration updated");
    }

    @Deactivate
    void deactivate() {
        stopped = true;
        scheduler.shutdownNow();
        beaconWorkers.shutdown();
        try {
            beaconWorkers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        beaconWorkers.shutdownNow();
        stopRunners(List.copyOf(sinks.values()));
        sinks.clear();
        runners = new SinkRunner[0];
    }

    /* ---------------------------------------------------------------- beacons */

    private final Map<Beacon, Map<String, Object>> beaconProps = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeBeacon", updated = "updatedBeacon")
    void addBeacon(Beacon beacon, Map<String, Object> props) {
        beaconProps.put(beacon, props);
        reschedule(beacon, props);
    }

    void updatedBeacon(Beacon beacon, Map<String, Object> props) {
        beaconProps.put(beacon, props);
        reschedule(beacon, props);
    }

    void removeBeacon(Beacon beacon) {
        beaconProps.remove(beacon);
        BeaconRunner r = beacons.remove(beacon);
        if (r != null) {
            r.cancel();
            LOG.info("beacon {} removed", r.name());
        }
    }

    private void reschedule(Beacon beacon, Map<String, Object> props) {
        if (props == null || stopped) {
            return;
        }
        String name = uniqueName(Names.of(props), beacons.get(beacon));
        long interval;
        try {
            String text = Props.string(props, Beacon.INTERVAL, null);
            interval = text == null ? settings.defaultIntervalMillis() : Units.positiveDurationMillis(Beacon.INTERVAL, text);
        } catch (IllegalArgumentException e) {
            LOG.error("beacon {} not scheduled: {}", name, e.getMessage());
            return;
        }
        boolean enabled = Props.bool(props, Beacon.ENABLED, true);
        BeaconRunner old = beacons.get(beacon);
        if (old != null && old.intervalMillis() == interval && old.enabled() == enabled && old.name().equals(name)) {
            return;
        }
        BeaconRunner r = new BeaconRunner(name, beacon, interval, enabled);
        if (old != null) {
            old.cancel();
        }
        beacons.put(beacon, r);
        if (enabled) {
            // the first run comes soon rather than one whole interval after start
            long first = Math.min(interval, 1000);
            r.scheduled(scheduler.scheduleAtFixedRate(() -> turn(r), first, interval, TimeUnit.MILLISECONDS));
        }
        LOG.info("beacon {} {} every {}", name, enabled ? "scheduled" : "disabled,", Units.formatDuration(interval));
    }

    private String uniqueName(String wanted, BeaconRunner self) {
        String name = wanted;
        int i = 2;
        while (true) {
            String candidate = name;
            boolean taken = beacons.values().stream().anyMatch(b -> b != self && b.name().equals(candidate));
            if (!taken) {
                return name;
            }
            name = wanted + "#" + i++;
        }
    }

    private void turn(BeaconRunner r) {
        try {
            beaconWorkers.execute(() -> r.runScheduled(this::emitAll));
        } catch (RejectedExecutionException e) {
            if (!stopped) {
                r.countOverrun();
            }
        }
    }

    @Override
    public Optional<List<Sample>> collectNow(String beaconName) throws Exception {
        for (BeaconRunner r : beacons.values()) {
            if (r.name().equals(beaconName)) {
                return Optional.of(r.runNow(this::emitAll));
            }
        }
        return Optional.empty();
    }

    /* ---------------------------------------------------------------- processors */

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeProcessor", updated = "updatedProcessor")
    void addProcessor(Processor p, Map<String, Object> props) {
        processorProps.put(p, props);
        rebuildProcessors();
    }

    void updatedProcessor(Processor p, Map<String, Object> props) {
        addProcessor(p, props);
    }

    void removeProcessor(Processor p) {
        processorProps.remove(p);
        rebuildProcessors();
    }

    private synchronized void rebuildProcessors() {
        Comparator<Map.Entry<Processor, Map<String, Object>>> byRank = Comparator
                .comparingInt((Map.Entry<Processor, Map<String, Object>> e) -> Props.integer(e.getValue(), Constants.SERVICE_RANKING, 0))
                .reversed()
                .thenComparingLong(e -> Long.parseLong(Props.string(e.getValue(), Constants.SERVICE_ID, "0")));
        processors = processorProps.entrySet().stream().sorted(byRank).map(Map.Entry::getKey).toArray(Processor[]::new);
    }

    /* ---------------------------------------------------------------- sinks */

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeSink", updated = "updatedSink")
    void addSink(Sink sink, Map<String, Object> props) {
        if (stopped) {
            return;
        }
        String name = uniqueSinkName(Names.of(props));
        RunnerSettings rs;
        try {
            rs = settings.runnerDefaults().overriddenBy(props);
        } catch (IllegalArgumentException e) {
            LOG.error("sink {} not started: {}", name, e.getMessage());
            return;
        }
        SinkRunner r = new SinkRunner(name, sink, rs, settings.spoolDirectory().resolve(Names.pathComponent(name)));
        sinkProps.put(sink, props);
        sinks.put(sink, r);
        r.start();
        rebuildRunners();
        LOG.info("sink {} started (batch {}, flush {}, buffer {} samples in memory, {} bytes on disk)", name, rs.batchSize(),
                Units.formatDuration(rs.flushIntervalMillis()), rs.capacity(), rs.bufferDiskBytes());
    }

    void updatedSink(Sink sink, Map<String, Object> props) {
        SinkRunner r = sinks.get(sink);
        if (r == null) {
            addSink(sink, props);
            return;
        }
        try {
            r.update(settings.runnerDefaults().overriddenBy(props));
            sinkProps.put(sink, props);
        } catch (IllegalArgumentException e) {
            LOG.error("sink {}: new settings ignored: {}", r.name(), e.getMessage());
        }
    }

    void removeSink(Sink sink) {
        sinkProps.remove(sink);
        SinkRunner r = sinks.remove(sink);
        if (r != null) {
            rebuildRunners();
            // the sink is still usable during unbind: write what it holds before it goes
            r.stop(settings.shutdownTimeoutMillis());
            LOG.info("sink {} removed", r.name());
        }
    }

    private String uniqueSinkName(String wanted) {
        String name = wanted;
        int i = 2;
        while (true) {
            String candidate = name;
            if (sinks.values().stream().noneMatch(s -> s.name().equals(candidate))) {
                return name;
            }
            name = wanted + "#" + i++;
        }
    }

    private synchronized void rebuildRunners() {
        runners = sinks.values().stream().sorted(Comparator.comparing(SinkRunner::name)).toArray(SinkRunner[]::new);
    }

    private void stopRunners(List<SinkRunner> list) {
        // in parallel, so N slow backends take one timeout, not N
        List<Thread> stoppers = new ArrayList<>();
        for (SinkRunner r : list) {
            Thread t = new Thread(() -> {
                r.stop(settings.shutdownTimeoutMillis());
                // said here too: at shutdown SCR may dispose the core before it unbinds the sinks
                LOG.info("sink {} removed", r.name());
            }, "lodestar-stop-" + r.name());
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /* ---------------------------------------------------------------- monitored parts */

    private final Map<Monitored, Boolean> monitored = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeMonitored")
    void addMonitored(Monitored m) {
        monitored.put(m, Boolean.TRUE);
    }

    void removeMonitored(Monitored m) {
        monitored.remove(m);
    }

    /* ---------------------------------------------------------------- emitting */

    @Override
    public void emit(Sample sample) {
        emitAll(List.of(sample));
    }

    @Override
    public void emitAll(Collection<Sample> samples) {
        if (samples.isEmpty()) {
            return;
        }
        received.add(samples.size());
        List<Sample> out = process(samples);
        if (out.isEmpty()) {
            return;
        }
        for (SinkRunner r : runners) {
            r.offer(out);
        }
    }

    private List<Sample> process(Collection<Sample> in) {
        Processor[] chain = processors;
        GlobalTags tags = settings.globalTags();
        if (chain.length == 0 && tags.isEmpty()) {
            return in instanceof List<Sample> l ? l : new ArrayList<>(in);
        }
        List<Sample> out = new ArrayList<>(in.size());
        for (Sample s : in) {
            Sample cur = s;
            for (Processor p : chain) {
                try {
                    cur = p.process(cur);
                } catch (RuntimeException e) {
                    processorErrors.increment();
                    Sample failed = cur;
                    processorLog.log(() -> "processor " + p.getClass().getName() + " threw " + e + " on " + failed
                            + "; the sample passes on unchanged");
                }
                if (cur == null) {
                    break;
                }
            }
            if (cur == null) {
                droppedByProcessors.increment();
            } else {
                out.add(tags.applyTo(cur));
            }
        }
        return out;
    }

    /* ---------------------------------------------------------------- status and self-metrics */

    @Override
    public List<ComponentStatus> status() {
        List<ComponentStatus> l = new ArrayList<>();
        l.add(new ComponentStatus("pipeline", "core", stopped ? State.STOPPED : State.OK, Map.of(
                "received", received.sum(),
                "dropped_by_processors", droppedByProcessors.sum(),
                "processor_errors", processorErrors.sum(),
                "processors", (long) processors.length), null));
        beacons.values().stream().sorted(Comparator.comparing(BeaconRunner::name)).forEach(b -> l.add(b.status()));
        for (SinkRunner r : runners) {
            l.add(r.status());
        }
        List<ComponentStatus> others = new ArrayList<>();
        for (Monitored m : monitored.keySet()) {
            try {
                others.add(m.status());
            } catch (RuntimeException e) {
                LOG.debug("status of {} failed", m, e);
            }
        }
        others.sort(Comparator.comparing(ComponentStatus::type).thenComparing(ComponentStatus::name));
        l.addAll(others);
        return l;
    }

    private synchronized void scheduleSelfMetrics() {
        if (selfTask != null) {
            selfTask.cancel(false);
            selfTask = null;
        }
        long every = settings.selfIntervalMillis();
        if (every > 0) {
            SelfMetrics self = new SelfMetrics();
            selfTask = scheduler.scheduleAtFixedRate(() -> {
                try {
                    emitAll(self.collect(received.sum(), droppedByProcessors.sum(), List.copyOf(beacons.values()), runners));
                } catch (RuntimeException e) {
                    LOG.warn("self-metrics failed", e);
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }
    }
}
