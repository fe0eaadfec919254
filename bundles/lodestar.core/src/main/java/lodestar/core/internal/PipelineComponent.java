package lodestar.core.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
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
import lodestar.api.Monitored;
import lodestar.api.Pipeline;
import lodestar.api.Processor;
import lodestar.api.Sample;
import lodestar.api.Sink;
import lodestar.api.State;

/**
 * The pipeline as a DS component: a thin shell that wires the services it tracks to the parts that do the
 * work. {@link BeaconScheduler} runs every {@link Beacon}; every sample passes through the
 * {@link ProcessorChain} (processors, then global tags); {@link SinkFanOut} hands the result to one
 * {@link SinkRunner} per {@link Sink}; {@link SelfMetrics} reports on all of them and on every
 * {@link Monitored} part. Beacons, processors, sinks and monitored parts come and go at any time.
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

        // cluster__name: DS maps a double underscore to one, so the property is cluster_name (a single '_' would
        // read the property "cluster.name", and PuyPuy's cluster_name=... would be silently ignored)
        @AttributeDefinition(name = "cluster_name", description = "Adds the tag cluster_name to every sample (PuyPuy's cluster_name). Empty: none.")
        String cluster__name() default "";

        @AttributeDefinition(name = "host_group", description = "Adds the tag host_group to every sample (PuyPuy's host_group). Empty: none.")
        String host__group() default "";

        @AttributeDefinition(description = "Adds the tag host=<host> to every sample for the tag-based sinks (OpenTSDB,"
                + " InfluxDB, KairosDB: those with the service property lodestar.sink.tags=true), as PuyPuy tagged every"
                + " point; a sample's own host tag wins. Graphite names, the store and the other sinks are unchanged.")
        boolean hostTag() default true;

        @AttributeDefinition(description = "The value of the host tag; empty: this machine's host name.")
        String host() default "";

        @AttributeDefinition(description = "What happens to a sample when a processor throws on it: false passes it on"
                + " unchanged to the next processor; true drops it (Bucky's processor_drop_on_error). Either way the"
                + " error is counted (processor_errors) and logged at most once a minute.")
        boolean processorDropOnError() default false;

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

        @AttributeDefinition(description = "Longest name, tag key or tag value a sample may have, in characters; a longer"
                + " one is refused once, before any sink, counted (rejected) and logged (16..16384).")
        int maxNameLength() default 4096;

        @AttributeDefinition(description = "Most tags a sample may have; a sample with more is refused, counted and logged (1..1024).")
        int maxTags() default 128;
    }

    private static final Logger LOG = LoggerFactory.getLogger(PipelineComponent.class);

    private final String home;
    private final ScheduledExecutorService scheduler;
    private final ProcessorChain processors = new ProcessorChain();
    private final BeaconScheduler beacons;
    private final SinkFanOut sinks;
    private final Map<Monitored, Boolean> monitored = new ConcurrentHashMap<>();
    private volatile CoreSettings settings;
    private volatile ScheduledFuture<?> selfTask;
    private volatile boolean stopped;

    /**
     * @param context for the platform home ({@code lodestar.home}); null in unit tests (the current directory)
     */
    @Activate
    public PipelineComponent(Config config, BundleContext context) {
        String h = context == null ? null : context.getProperty("lodestar.home");
        this.home = h == null || h.isBlank() ? "." : h;
        this.settings = CoreSettings.of(config, home);
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "lodestar-scheduler");
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        this.scheduler = s;
        this.beacons = new BeaconScheduler(scheduler, settings.beaconThreads(), settings.defaultIntervalMillis(), this::emitAll);
        this.sinks = new SinkFanOut(settings);
        scheduleSelfMetrics();
    }

    @Modified
    void modified(Config config) {
        CoreSettings s = CoreSettings.of(config, home);
        CoreSettings old = settings;
        settings = s;
        beacons.configure(s.beaconThreads(), s.defaultIntervalMillis());
        sinks.configure(s);
        if (old.selfIntervalMillis() != s.selfIntervalMillis()) {
            scheduleSelfMetrics();
        }
        LOG.info("core configuration updated");
    }

    @Deactivate
    void deactivate() {
        stopped = true;
        scheduler.shutdownNow();
        beacons.stop();
        sinks.stopAll();
    }

    /* ---------------------------------------------------------------- the services it tracks */

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeBeacon", updated = "updatedBeacon")
    void addBeacon(Beacon beacon, Map<String, Object> props) {
        beacons.put(beacon, props);
    }

    void updatedBeacon(Beacon beacon, Map<String, Object> props) {
        beacons.put(beacon, props);
    }

    void removeBeacon(Beacon beacon) {
        beacons.remove(beacon);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeProcessor", updated = "updatedProcessor")
    void addProcessor(Processor p, Map<String, Object> props) {
        processors.put(p, props);
    }

    void updatedProcessor(Processor p, Map<String, Object> props) {
        processors.put(p, props);
    }

    void removeProcessor(Processor p) {
        processors.remove(p);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeSink", updated = "updatedSink")
    void addSink(Sink sink, Map<String, Object> props) {
        sinks.put(sink, props);
    }

    void updatedSink(Sink sink, Map<String, Object> props) {
        sinks.put(sink, props);
    }

    void removeSink(Sink sink) {
        sinks.remove(sink);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeMonitored")
    void addMonitored(Monitored m) {
        monitored.put(m, Boolean.TRUE);
    }

    void removeMonitored(Monitored m) {
        monitored.remove(m);
    }

    /* ---------------------------------------------------------------- Pipeline */

    @Override
    public void emit(Sample sample) {
        emitAll(List.of(sample));
    }

    @Override
    public void emitAll(Collection<Sample> samples) {
        if (samples.isEmpty()) {
            return;
        }
        List<Sample> out = processors.process(samples, settings.globalTags(), settings.limits(), settings.processorDropOnError());
        if (!out.isEmpty()) {
            sinks.offer(out);
        }
    }

    @Override
    public Optional<CompletionStage<Void>> offerAll(Collection<Sample> samples) {
        if (samples.isEmpty()) {
            return Optional.of(CompletableFuture.completedFuture(null));
        }
        // room is checked before the processors run, so a refused batch leaves no trace in stateful processors
        // (aggregations) and the sender's retry is not counted twice
        int needed = 0;
        for (Sample s : samples) {
            needed += HistogramFlattener.flattenedSize(s);
        }
        if (!sinks.hasRoom(needed)) {
            return Optional.empty();
        }
        List<Sample> out = processors.process(samples, settings.globalTags(), settings.limits(), settings.processorDropOnError());
        if (out.isEmpty()) {
            return Optional.of(CompletableFuture.completedFuture(null));
        }
        return sinks.offerTracked(out);
    }

    @Override
    public Optional<List<Sample>> collectNow(String beaconName) throws Exception {
        return beacons.collectNow(beaconName);
    }

    @Override
    public List<ComponentStatus> status() {
        List<ComponentStatus> l = new ArrayList<>();
        l.add(new ComponentStatus("pipeline", "core", stopped ? State.STOPPED : State.OK, Map.of(
                "received", processors.received(),
                "dropped_by_processors", processors.dropped(),
                "rejected", processors.rejected(),
                "processor_errors", processors.errors(),
                "processors", (long) processors.size()), null));
        l.addAll(beacons.status());
        l.addAll(sinks.status());
        l.addAll(others());
        return l;
    }

    /** The status of every {@link Monitored} part, by type and name; one that throws is left out. */
    private List<ComponentStatus> others() {
        List<ComponentStatus> l = new ArrayList<>();
        for (Monitored m : monitored.keySet()) {
            try {
                l.add(m.status());
            } catch (RuntimeException e) {
                LOG.debug("status of {} failed", m, e);
            }
        }
        l.sort(Comparator.comparing(ComponentStatus::type).thenComparing(ComponentStatus::name));
        return l;
    }

    /* ---------------------------------------------------------------- self-metrics */

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
                    List<ComponentStatus> others = others();
                    List<ComponentStatus> parts = new ArrayList<>(beacons.status());
                    parts.addAll(sinks.status());
                    parts.addAll(others);
                    emitAll(self.collect(processors, beacons.runners(), sinks.runners(), parts, others));
                } catch (RuntimeException e) {
                    LOG.warn("self-metrics failed", e);
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }
    }
}
