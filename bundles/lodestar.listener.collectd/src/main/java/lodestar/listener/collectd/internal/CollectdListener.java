package lodestar.listener.collectd.internal;

import java.io.IOException;
import java.util.Map;

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

import lodestar.api.ComponentStatus;
import lodestar.api.Monitored;
import lodestar.api.Pipeline;
import lodestar.support.config.InstanceNames;
import lodestar.listener.collectd.CollectdConverter;

/**
 * A collectd network-protocol server (collectd's {@code network} plugin, binary protocol over UDP): values
 * become samples in the {@link Pipeline}, named by {@link CollectdConverter} services or the built-in
 * converters. A configuration change replaces the engine in place (see {@link #modified}).
 */
@Component(name = CollectdListener.PID, configurationPid = CollectdListener.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = Monitored.class, immediate = true)
@Designate(ocd = CollectdListener.Config.class, factory = true)
public final class CollectdListener implements Monitored {

    static final String PID = "lodestar.listener.collectd";

    @ObjectClassDefinition(name = "Lodestar collectd listener",
            description = "collectd network protocol server (UDP): every part type, signing and encryption, types.db, converters.")
    public @interface Config {
        @AttributeDefinition(description = "Address to listen on; 127.0.0.1 by default, 0.0.0.0 for every interface.")
        String bind() default "127.0.0.1";

        @AttributeDefinition(description = "UDP port, 0..65535 (0: any free port). collectd's default is 25826.")
        int port() default 25826;

        @AttributeDefinition(description = "none: accept plain, signed and encrypted packets; sign: only signed or encrypted; encrypt: only encrypted.")
        String securityLevel() default "none";

        @AttributeDefinition(description = "File of 'user: password' lines (collectd's AuthFile); required for sign and encrypt; re-read when it changes.")
        String authFile() default "";

        @AttributeDefinition(description = "Extra types.db files, read after the built-in one (collectd 5.12's); a later definition of a type wins.")
        String[] typesDb() default {};

        @AttributeDefinition(description = "UDP socket receive buffer (size: 8MB). Capped by net.core.rmem_max; the listener says so at start.")
        String receiveBuffer() default "8MB";

        @AttributeDefinition(description = "First name component of every metric; empty for none.")
        String prefix() default "collectd";

        @AttributeDefinition(description = "Put the sending host (dots replaced by '_') after the prefix.")
        boolean hostInName() default true;

        @AttributeDefinition(description = "Give every sample the tag host=<the sending host, as sent> (and leave it"
                + " out of the name, whatever hostInName says), so a naming processor puts it into the name reversed"
                + " and trimmed as Bucky did (lodestar.processor.naming, hostTag=host), and tag-based sinks see it.")
        boolean hostTag() default false;

        @AttributeDefinition(description = "Default and built-in converters: append the data source name even when the type's only data source is 'value'.")
        boolean alwaysAppendDs() default false;

        @AttributeDefinition(description = "Use the built-in converters for cpu, memory, load, interface, df, disk; false: only the default converter and converter services.")
        boolean builtinConverters() default true;

        @AttributeDefinition(description = "Accept a COUNTER where types.db says DERIVE and the other way round (Bucky's collectd_counter_eq_derive); types.db decides the arithmetic.")
        boolean counterEqDerive() default false;

        @AttributeDefinition(description = "Most series (host, plugin, instance, type, type instance) remembered for rates and names;"
                + " values of a new series beyond them are dropped and counted (series_refused) until idle ones are forgotten.")
        int maxSeries() default 200000;

        @AttributeDefinition(description = "Most new series taken per newSeriesInterval (0: no such limit); more are dropped like over maxSeries.")
        int maxNewSeries() default 20000;

        @AttributeDefinition(description = "The window maxNewSeries counts in (a duration: 1m).")
        String newSeriesInterval() default "1m";

        @AttributeDefinition(description = "A series not updated for this long is forgotten (duration: 10m); its next value primes it again.")
        String seriesTimeout() default "10m";

        @AttributeDefinition(description = "Most received bytes waiting for the worker (size: 32MB); beyond it datagrams are dropped and counted (queue_drops).")
        String queueMemory() default "32MB";

        @AttributeDefinition(description = "Values stamped further ahead of this machine's clock than this (a duration: 10m) are"
                + " dropped and counted (future_values): a sender's broken clock must not store values years ahead, nor stop"
                + " a series' rates until then.")
        String maxTimeAhead() default "10m";

        // statsInterval is gone: the core emits every listener's counters (lodestar.self.listener.<name>.*) every
        // selfInterval. An old .cfg that still sets it keeps working: DS passes unknown properties by.
    }

    private final String name;
    private final Pipeline pipeline;
    private final Converters converters;
    private volatile Engine engine;

    @Activate
    public CollectdListener(Config config, @Reference(name = "pipeline") Pipeline pipeline, Map<String, Object> props) {
        Settings s = Settings.from(config);
        TypesDb types = TypesDb.load(s.typesDb());
        this.name = instanceName(props);
        this.pipeline = pipeline;
        this.converters = new Converters(s.builtinConverters(), s.alwaysAppendDs());
        this.engine = open(s, types, null, false);
    }

    /** @param retry keep trying in the background when the address is taken (see {@link Engine}), not throw */
    private Engine open(Settings s, TypesDb types, Engine previous, boolean retry) {
        try {
            return new Engine(name, s, types, converters, pipeline::emitAll, previous, retry).start();
        } catch (IOException ex) {
            throw new IllegalArgumentException("port: cannot listen on " + s.bind() + ":" + s.port() + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * A configuration change without recreating the component: the new settings are checked first (a bad
     * value changes nothing; SCR logs it), then the engine is replaced. The old one hands what it received to
     * the pipeline before it goes; the new one keeps the status counters and, with the same types.db files,
     * every series' previous values, so COUNTER and DERIVE rates go on. When the address, receive buffer and
     * queue size stay, so does the socket: the new engine reads on from the same queue and nothing sent
     * meanwhile is refused or reordered. A new address means a new socket; datagrams sent in the few
     * milliseconds between closing and reopening are refused by the kernel. When the new address cannot be
     * opened, the listener goes back to the old settings on the port it had (and keeps trying there, showing
     * {@code failed}, should someone have taken it meanwhile).
     */
    @Modified
    synchronized void modified(Config config) {
        Settings s = Settings.from(config);
        TypesDb types = TypesDb.load(s.typesDb());
        Engine old = engine;
        // what to go back to if the new engine cannot start: the old settings on the port in use (the setting
        // may have been 0, any); a handed-over socket is still open, a closed one's address is free again
        Settings back = old.settings.withPort(old.port());
        if (old.canHandOver(s)) {
            old.handOver();
        } else {
            old.close();
        }
        converters.configure(s.builtinConverters(), s.alwaysAppendDs());
        try {
            engine = open(s, types, old, false);
        } catch (RuntimeException e) {
            converters.configure(back.builtinConverters(), back.alwaysAppendDs());
            engine = open(back, old.types, old, true);
            throw e;
        }
    }

    @Reference(name = "converter", service = CollectdConverter.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "removeConverter")
    void addConverter(CollectdConverter c, Map<String, Object> props) {
        converters.add(c, props);
    }

    void removeConverter(CollectdConverter c) {
        converters.remove(c);
    }

    @Deactivate
    synchronized void deactivate() {
        engine.close();
    }

    @Override
    public ComponentStatus status() {
        return engine.status();
    }

    /** The UDP port in use (useful with port 0). */
    public int port() {
        return engine.port();
    }

    /** The engine at work, for tests that break its receiver. */
    Engine engine() {
        return engine;
    }

    static String instanceName(Map<String, Object> props) {
        return InstanceNames.of("collectd", props);
    }
}
