package lodestar.listener.metricsd.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
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
import lodestar.api.util.InstanceNames;
import lodestar.api.util.Units;

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

        @AttributeDefinition(description = "Most metrics held at once; commands creating more are refused and counted.")
        int maxMetrics() default 100000;
    }

    private final String name;
    private final Pipeline pipeline;
    private final Registry registry;
    private final Receiver receiver;
    private final ScheduledExecutorService flusher;
    private final LongAdder samples = new LongAdder();

    @Activate
    public MetricsdListener(Config config, @Reference(name = "pipeline") Pipeline pipeline, Map<String, Object> props) {
        long defaultMillis = Units.positiveDurationMillis("flushInterval", config.flushInterval());
        Routes routes = Routes.parse(config.handlers(), defaultMillis);
        HostNaming naming = HostNaming.parse(config.hostNaming() == null ? "" : config.hostNaming());
        if (config.maxMetrics() < 1) {
            throw new IllegalArgumentException("maxMetrics: must be at least 1, got " + config.maxMetrics());
        }
        Units.port("port", config.port());
        String bind = config.bind() == null || config.bind().isBlank() ? "127.0.0.1" : config.bind().trim();
        this.name = instanceName(props);
        this.pipeline = pipeline;
        this.registry = new Registry(routes, naming, config.maxMetrics());
        try {
            this.receiver = new Receiver(bind, config.port(), registry, "lodestar-" + name);
        } catch (IOException e) {
            throw new IllegalArgumentException("port: cannot listen on " + bind + ":" + config.port() + ": " + e.getMessage(), e);
        }
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lodestar-" + name + "-flush");
            t.setDaemon(true);
            return t;
        });
        Bucket[] buckets = registry.buckets();
        for (int i = 0; i < buckets.length; i++) {
            int bucket = i;
            long every = buckets[i].intervalMillis;
            flusher.scheduleAtFixedRate(() -> flush(bucket), every, every, TimeUnit.MILLISECONDS);
        }
        receiver.start();
    }

    @Deactivate
    void deactivate() {
        receiver.close();
        flusher.shutdownNow();
    }

    private void flush(int bucket) {
        try {
            List<Sample> out = registry.report(bucket, System.currentTimeMillis(), System.nanoTime());
            if (!out.isEmpty()) {
                samples.add(out.size());
                pipeline.emitAll(out);
            }
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: log and keep the schedule
            LOG.warn("metricsd flush failed", e);
        }
    }

    /** Flushes every bucket now (tests; the schedule goes on). */
    void flushAll() {
        for (int i = 0; i < registry.buckets().length; i++) {
            flush(i);
        }
    }

    int port() {
        return receiver.port();
    }

    Receiver receiver() {
        return receiver;
    }

    @Override
    public ComponentStatus status() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("packets", receiver.packets.sum());
        c.put("commands", receiver.commands.sum());
        c.put("protocol_errors", receiver.protocolErrors.sum());
        c.put("kind_conflicts", registry.kindConflicts.sum());
        c.put("metrics", (long) registry.size());
        c.put("metrics_refused", registry.refused.sum());
        c.put("samples", samples.sum());
        return new ComponentStatus("listener", name, "ok", c, null);
    }

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
