package lodestar.listener.statsd.internal;

import java.io.IOException;
import java.util.Map;

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

import lodestar.api.ComponentStatus;
import lodestar.api.Monitored;
import lodestar.api.Pipeline;
import lodestar.support.config.ConfigDefaults;
import lodestar.support.config.InstanceNames;

/**
 * A StatsD server with Etsy statsd's semantics: receives UDP (and optionally TCP) lines, aggregates them
 * in shards and emits Etsy's flush into the {@link Pipeline} every {@code flushInterval}. Registered as
 * {@link Monitored} so {@code lodestar:status} shows its running totals.
 */
@Component(name = StatsdListener.PID, configurationPid = StatsdListener.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = Monitored.class, immediate = true)
@Designate(ocd = StatsdListener.Config.class, factory = true)
public final class StatsdListener implements Monitored {

    static final String PID = "lodestar.listener.statsd";

    @ObjectClassDefinition(name = "Lodestar StatsD listener", description = "StatsD server (Etsy statsd semantics, DogStatsD tags), UDP and optional TCP.")
    public @interface Config {
        @AttributeDefinition(description = "Address to listen on; 127.0.0.1 by default, 0.0.0.0 for every interface.")
        String bind() default "127.0.0.1";

        @AttributeDefinition(description = "UDP (and TCP) port, 0..65535 (0: any free port).")
        int port() default 8125;

        @AttributeDefinition(description = "Also accept newline-framed lines over TCP on the same port.")
        boolean tcp() default false;

        @AttributeDefinition(description = "Most TCP connections open at once. A new one beyond them takes the place of the"
                + " connection idle the longest (replaced_connections), or is closed at once when all have sent within the"
                + " last second (refused_connections).")
        int maxConnections() default 256;

        @AttributeDefinition(description = "A TCP connection that sends nothing for this long is closed (a duration: 5m);"
                + " counted in idle_timeouts.")
        String idleTimeout() default "5m";

        @AttributeDefinition(description = "Most memory all TCP connections together may hold for begun lines (a size: 32MB);"
                + " past it the connection holding the most is closed (buffer_evictions). More than maxLineLength.")
        String connectionMemory() default "32MB";

        @AttributeDefinition(description = "Most memory the lines received but not yet parsed may hold, all shards together"
                + " (a size: 32MB, at least 1MB); beyond it lines are dropped and counted (queue_drops). A change needs a restart.")
        String queueMemory() default "32MB";

        @AttributeDefinition(description = "How often aggregates are flushed (duration: 1s, 10s). Counters' per-second rates divide by it.")
        String flushInterval() default "10s";

        @AttributeDefinition(description = "UDP socket receive buffer (size: 8MB). Capped by net.core.rmem_max; the listener says so at start.")
        String receiveBuffer() default "8MB";

        @AttributeDefinition(description = "Parser/aggregator threads (0: one per CPU core; 1..64). Takes effect on restart.")
        int shards() default 0;

        @AttributeDefinition(description = "Longest accepted line in bytes; longer lines are counted as bad.")
        int maxLineLength() default 4096;

        @AttributeDefinition(description = "Turn DogStatsD tags (|#k:v,k2:v2) into sample tags; false ignores them.")
        boolean dogstatsdTags() default true;

        @AttributeDefinition(description = "Etsy's legacyNamespace: stats.<name> and stats_counts.<name> for counters, stats.timers/gauges/sets.")
        boolean legacyNamespace() default true;

        @AttributeDefinition(description = "Prefix of the listener's own metrics (statsd.packets_received ...).")
        String prefixStats() default "statsd";

        @AttributeDefinition(description = "Global prefix when legacyNamespace is false.")
        String globalPrefix() default "stats";

        @AttributeDefinition(description = "Counter prefix when legacyNamespace is false.")
        String prefixCounter() default "counters";

        @AttributeDefinition(description = "Timer prefix when legacyNamespace is false.")
        String prefixTimer() default "timers";

        @AttributeDefinition(description = "Gauge prefix when legacyNamespace is false.")
        String prefixGauge() default "gauges";

        @AttributeDefinition(description = "Set prefix when legacyNamespace is false.")
        String prefixSet() default "sets";

        @AttributeDefinition(description = "Suffix appended to every name (Etsy's globalSuffix); empty for none.")
        String globalSuffix() default "";

        @AttributeDefinition(description = "Also emit counters' counts (stats_counts.<name>), Etsy's flush_counts.")
        boolean flushCounts() default true;

        @AttributeDefinition(description = "Timer percentiles (90, 99.9; negative -10 = lowest 10%).")
        String[] percentThreshold() default {"90"};

        @AttributeDefinition(description = "Histogram rules metric=bin,bin,...,inf: timers whose key contains metric get bin counts.")
        String[] histogram() default {};

        @AttributeDefinition(description = "Only these timer metrics (Etsy's calculatedTimerMetrics: count, mean, upper_percent ...); empty: all.")
        String[] calculatedTimerMetrics() default {};

        @AttributeDefinition(description = "Delete keys that were not updated in a flush interval (default for the four options below).")
        boolean deleteIdleStats() default false;

        @AttributeDefinition(description = "true, false, or empty to follow deleteIdleStats.")
        String deleteCounters() default "";

        @AttributeDefinition(description = "true, false, or empty to follow deleteIdleStats.")
        String deleteTimers() default "";

        @AttributeDefinition(description = "true, false, or empty to follow deleteIdleStats.")
        String deleteSets() default "";

        @AttributeDefinition(description = "true, false, or empty to follow deleteIdleStats.")
        String deleteGauges() default "";

        @AttributeDefinition(description = "Flushes an idle gauge survives when gauges are deleted.")
        int gaugesMaxTTL() default 1;

        @AttributeDefinition(description = "Most keys (name, tags and type) held at once; a line for a new key beyond them is refused"
                + " (seriesOverflow) and counted (series_refused). Each key costs a few hundred bytes and its flushed samples.")
        int maxSeries() default 100000;

        @AttributeDefinition(description = "Most new keys taken per newSeriesInterval (0: no such limit); more are refused like over maxSeries.")
        int maxNewSeries() default 20000;

        @AttributeDefinition(description = "The window maxNewSeries counts in (a duration: 1m).")
        String newSeriesInterval() default "1m";

        @AttributeDefinition(description = "What becomes of a refused key's values: drop, or fold into one <prefixStats>.overflow key per type.",
                options = {@Option(label = "drop", value = "drop"), @Option(label = "fold", value = "fold")})
        String seriesOverflow() default "drop";

        @AttributeDefinition(description = "A key that received nothing for this long is forgotten and stops being flushed (a duration:"
                + " 1h; 0: never, as Etsy statsd). This is how a table filled by a flood of names recovers.")
        String seriesTimeout() default "1h";
    }

    private final Engine engine;

    @Activate
    public StatsdListener(Config config, @Reference(name = "pipeline") Pipeline pipeline, Map<String, Object> props) {
        Settings s = Settings.from(config);
        Engine e = new Engine(instanceName(props), s, samples -> pipeline.emitAll(samples), true);
        e.receiveBufferConfigured(receiveBufferConfigured(config));
        try {
            e.bind();
        } catch (IOException ex) {
            e.close();
            throw cannotListen(s, ex);
        }
        this.engine = e;
    }

    /**
     * A new configuration, applied without losing the window's aggregates (see {@link Engine#update}): a bad
     * value, or an address that cannot be opened, changes nothing (SCR logs the reason).
     */
    @Modified
    void modified(Config config) {
        Settings s = Settings.from(config);
        engine.receiveBufferConfigured(receiveBufferConfigured(config));
        try {
            engine.update(s);
        } catch (IOException ex) {
            throw cannotListen(s, ex);
        }
    }

    /**
     * Whether the operator chose the receive buffer. The component's properties always hold one (bnd writes the
     * defaults into the component description), so: whether it is other than the default. A capped default is said
     * at INFO (every stock kernel caps it), a capped choice of the operator's is a warning.
     */
    static boolean receiveBufferConfigured(Config config) {
        return ConfigDefaults.chosen(config, "receiveBuffer");
    }

    private static IllegalArgumentException cannotListen(Settings s, IOException e) {
        // no cause: the platform's log line about a failed configuration gives the deepest cause's words, and
        // "BindException: Address already in use" would not say which address (a busy 8125 is the common case)
        return new IllegalArgumentException("port: cannot listen on " + s.bind() + ":" + s.port() + ": " + e.getMessage());
    }

    @Deactivate
    void deactivate() {
        engine.close();
    }

    /**
     * Type {@code listener}, name {@code statsd} or {@code statsd-<instance>}: the counters every listener shows
     * (docs/CONVENTIONS.md, "Listeners"), then {@code lines}.
     */
    @Override
    public ComponentStatus status() {
        return engine.status();
    }

    /** Datagrams the kernel dropped for this listener's socket since it started (from /proc/net/udp). */
    public long kernelDrops() {
        return engine.kernelDrops();
    }

    private static String instanceName(Map<String, Object> props) {
        return InstanceNames.of("statsd", props);
    }
}
