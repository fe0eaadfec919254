package lodestar.listener.metricsd.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.ComponentStatus;
import lodestar.api.Monitored;
import lodestar.api.Pipeline;
import lodestar.api.Sample;
import lodestar.support.cardinality.CardinalityGuard;
import lodestar.support.config.ConfigDefaults;
import lodestar.support.config.InstanceNames;
import lodestar.support.net.ListenerHealth;
import lodestar.support.net.ListenerStatus;
import lodestar.support.net.NetLog;
import lodestar.support.net.SupervisedReceiver;
import lodestar.support.net.UdpSocket;
import lodestar.support.net.UdpSockets;

/**
 * Bucky's MetricsD server: a binary UDP protocol for Coda Hale style metrics (counters, gauges,
 * histograms, meters, timers) that the listener aggregates and flushes into the {@link Pipeline}, each
 * metric at the interval of the first handler rule that matches its name.
 */
@Component(name = MetricsdListener.PID, configurationPid = MetricsdListener.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = Monitored.class, immediate = true)
@Designate(ocd = MetricsdListener.Config.class, factory = true)
public final class MetricsdListener implements Monitored {

    static final String PID = "lodestar.listener.metricsd";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsdListener.class);

    @ObjectClassDefinition(name = "Lodestar MetricsD listener",
            description = "Bucky's MetricsD binary protocol over UDP: counters, gauges, histograms, meters, timers.")
    public @interface Config {

        @AttributeDefinition(description = "Address to listen on; 127.0.0.1 by default, 0.0.0.0 for every interface.")
        String bind() default "127.0.0.1";

        @AttributeDefinition(description = "UDP port, 0..65535 (0: any free port).")
        int port() default 23632;

        @AttributeDefinition(description = "UDP socket receive buffer (a size: 8MB). Capped by net.core.rmem_max; the listener"
                + " says so at start. Datagrams beyond it while the listener is busy are dropped by the kernel (kernel_drops).")
        String receiveBuffer() default "8MB";

        @AttributeDefinition(description = "Flush interval of metrics no handler rule matches (a duration: 10s).")
        String flushInterval() default "10s";

        @AttributeDefinition(description = "Handler rules regex=interval[:priority] (priority default 100, the highest"
                + " matching wins; the regex must match at the start of the name, host part included). Several"
                + " rules in one .cfg value are separated by ';'. Example: ^app\\..*=5s:10")
        String[] handlers() default {};

        @AttributeDefinition(description = "Where the sender's host goes: reverse (Bucky: tld.company.node.<name>),"
                + " underscore (node_company_tld.<name>) or tag (a host tag, for lodestar.processor.naming).",
                options = {@Option(label = "reverse", value = "reverse"), @Option(label = "underscore", value = "underscore"),
                        @Option(label = "tag", value = "tag")})
        String hostNaming() default "reverse";

        @AttributeDefinition(description = "Most metrics held at once; a command creating one more is refused (seriesOverflow),"
                + " counted (metrics_refused) and reported in the log.")
        int maxMetrics() default 100000;

        @AttributeDefinition(description = "Most new metrics taken per newSeriesInterval (0: no such limit); more are refused like over maxMetrics.")
        int maxNewSeries() default 20000;

        @AttributeDefinition(description = "The window maxNewSeries counts in (a duration: 1m).")
        String newSeriesInterval() default "1m";

        @AttributeDefinition(description = "What becomes of a refused metric's values: drop, or fold into metricsd.overflow.<kind>.",
                options = {@Option(label = "drop", value = "drop"), @Option(label = "fold", value = "fold")})
        String seriesOverflow() default "drop";

        @AttributeDefinition(description = "A metric no command touched for this long is forgotten and no longer reported (a duration:"
                + " 1h; 0: never, as Coda Hale reporters). This is how a table filled with junk names recovers.")
        String seriesTimeout() default "1h";
    }

    private final String name;
    private final Pipeline pipeline;
    private final ScheduledExecutorService flusher;
    private final LongAdder samples = new LongAdder();
    private final List<ScheduledFuture<?>> flushTasks = new ArrayList<>();
    private final ListenerHealth health = new ListenerHealth(NetLog.of(LOG::info, LOG::warn, LOG::error));
    private final UdpSockets sockets = new UdpSockets(health.log());
    /** admits new metrics into whichever registry is current; its counters run on across registries */
    private final CardinalityGuard guard;
    /** decodes for whichever receiver is open; its counters run on across receivers and registries */
    private final PacketHandler handler;
    private Settings settings;
    private volatile Registry registry;
    private volatile SupervisedReceiver<UdpSocket> receiver;
    /** kind conflicts of registries already replaced */
    private volatile long conflictsBefore;
    private volatile boolean closed;

    @Activate
    public MetricsdListener(Config config, @Reference(name = "pipeline") Pipeline pipeline, Map<String, Object> props) {
        Settings s = Settings.from(config);
        this.name = instanceName(props);
        this.pipeline = pipeline;
        this.settings = s;
        this.guard = new CardinalityGuard(name, s.cardinality(), LOG::warn);
        this.registry = s.newRegistry(guard);
        this.handler = new PacketHandler(registry);
        sockets.receiveBufferConfigured(ConfigDefaults.chosen(config, "receiveBuffer"));
        this.receiver = listen(s, s.port());
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lodestar-" + name + "-flush");
            t.setDaemon(true);
            return t;
        });
        schedule(registry);
    }

    /** A receiver on {@code s}'s address and {@code port}, reopened there (on the port it got, for 0) after a failure. */
    private SupervisedReceiver<UdpSocket> receiver(Settings s, int port) {
        return new SupervisedReceiver<UdpSocket>(name + " UDP receiver",
                previous -> sockets.open(s.bind(), previous == null ? port : previous.port(), s.receiveBuffer()),
                socket -> socket.serve(handler, health), health);
    }

    private SupervisedReceiver<UdpSocket> listen(Settings s, int port) {
        try {
            return receiver(s, port).start();
        } catch (IOException e) {
            throw new IllegalArgumentException("port: cannot listen on " + s.bind() + ":" + port + ": " + e.getMessage(), e);
        }
    }

    private void schedule(Registry r) {
        flushTasks.forEach(f -> f.cancel(false));
        flushTasks.clear();
        Bucket[] buckets = r.buckets();
        for (int i = 0; i < buckets.length; i++) {
            int bucket = i;
            long every = buckets[i].intervalMillis;
            flushTasks.add(flusher.scheduleAtFixedRate(() -> flush(r, bucket), every, every, TimeUnit.MILLISECONDS));
        }
    }

    /**
     * A configuration change without recreating the component: a new address reopens the socket and keeps
     * every metric; new flush intervals, handlers or host naming report the current metrics once and start a new
     * registry (Coda Hale state cannot move between buckets of other intervals); new limits and a new
     * {@code seriesTimeout} apply to the metrics as they are. Counters of {@code lodestar:status} run on either
     * way. A bad value changes nothing and is logged by SCR.
     */
    @Modified
    synchronized void modified(Config config) {
        Settings s = Settings.from(config);
        sockets.receiveBufferConfigured(ConfigDefaults.chosen(config, "receiveBuffer"));
        Settings old = settings;
        if (!s.sameSocket(old)) {
            SupervisedReceiver<UdpSocket> previous = receiver;
            int previousPort = port(); // the port in use, also when the old setting was 0 (any)
            previous.close();
            try {
                receiver = listen(s, s.port());
            } catch (IllegalArgumentException e) {
                receiver = receiver(old, previousPort).startOrRetry(); // free again: keep listening there
                throw e;
            }
        }
        guard.limits(s.cardinality());
        boolean newRegistry = !s.sameRegistry(old);
        if (newRegistry) {
            Registry previous = registry;
            Registry r = s.newRegistry(guard);
            handler.registry(r);
            registry = r;
            schedule(r);
            flushAll(previous);
            previous.discard();
            conflictsBefore += previous.kindConflicts.sum();
        } else {
            registry.seriesTimeout(s.seriesTimeoutMillis());
        }
        settings = s;
        LOG.info("metricsd listener {}: reconfigured ({}:{}{})", name, s.bind(), port(), newRegistry ? ", metrics reported and reset" : "");
    }

    /** Stops receiving, then reports every metric once more so that the last window is not lost. */
    @Deactivate
    synchronized void deactivate() {
        closed = true;
        receiver.close();
        flusher.shutdownNow();
        flushAll(registry);
    }

    private void flush(Registry r, int bucket) {
        try {
            List<Sample> out = r.report(bucket, System.currentTimeMillis(), System.nanoTime());
            if (!out.isEmpty()) {
                samples.add(out.size());
                pipeline.emitAll(out);
            }
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: log and keep the schedule
            health.error("flush failed: " + e);
            LOG.warn("metricsd flush failed", e);
        }
    }

    private void flushAll(Registry r) {
        for (int i = 0; i < r.buckets().length; i++) {
            flush(r, i);
        }
    }

    /** Flushes every bucket now (tests; the schedule goes on). */
    void flushAll() {
        flushAll(registry);
    }

    /** The UDP port in use (useful with port 0), also while the receiver is down. */
    int port() {
        UdpSocket s = receiver.lastSocket();
        return s == null ? -1 : s.port();
    }

    /** The metrics held now (tests that hold a bucket's lock to stall the receiver). */
    Registry registry() {
        return registry;
    }

    /** The receiver, for tests that break its socket. */
    SupervisedReceiver<UdpSocket> receiver() {
        return receiver;
    }

    /**
     * The counters every listener shows, then {@code commands} (applied), {@code kind_conflicts}, and the
     * cardinality guard's: {@code metrics} (held now, a gauge), {@code metrics_refused} (commands for new metrics
     * refused over {@code maxMetrics} or {@code maxNewSeries}), {@code metrics_created}, {@code metrics_expired}
     * (forgotten after {@code seriesTimeout}). {@code degraded} ({@code cardinality-limit}) while new metrics are
     * refused and a minute after.
     */
    @Override
    public ComponentStatus status() {
        Registry r = registry;
        return new ListenerStatus(name, health)
                .packets(handler.packets.sum())
                .samples(samples.sum())
                .badInput(handler.badInput.sum())
                .kernelDrops(sockets)
                .port(port())
                .counter("commands", handler.commands.sum())
                .counter("kind_conflicts", conflictsBefore + r.kindConflicts.sum())
                .gauge("metrics", guard.series())
                .counter("metrics_refused", guard.refused())
                .counter("metrics_created", guard.created())
                .counter("metrics_expired", guard.expired())
                .degraded(guard.tripping(), CardinalityGuard.DETAIL)
                .stopped(closed, "stopped")
                .build();
    }

    /** The flush interval of each bucket (tests). */
    List<Long> intervals() {
        List<Long> l = new ArrayList<>();
        for (Bucket b : registry.buckets()) {
            l.add(b.intervalMillis);
        }
        return l;
    }

    private static String instanceName(Map<String, Object> props) {
        return InstanceNames.of("metricsd", props);
    }
}
