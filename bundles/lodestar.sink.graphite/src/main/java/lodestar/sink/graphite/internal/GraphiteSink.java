package lodestar.sink.graphite.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.RunnerProperties;
import lodestar.api.Sample;
import lodestar.api.Sink;
import lodestar.support.config.InstanceNames;
import lodestar.support.config.Units;
import lodestar.support.ring.HashRing;

/**
 * Writes samples to Graphite's Carbon over TCP, in the plaintext (port 2003) or pickle (port 2004)
 * protocol. Only encodes and sends: the core's runner batches, buffers and retries (a failed
 * {@link #write} drops the connection, and the retry reconnects).
 */
@Component(name = GraphiteSink.PID, configurationPid = GraphiteSink.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = Sink.class)
@Designate(ocd = GraphiteSink.Config.class, factory = true)
public final class GraphiteSink implements Sink {

    static final String PID = "lodestar.sink.graphite";

    private static final Logger LOG = LoggerFactory.getLogger(GraphiteSink.class);

    @ObjectClassDefinition(name = "Lodestar Graphite sink",
            description = "Writes samples to Graphite's Carbon over TCP (plaintext on 2003 or pickle on 2004)."
                    + " One configuration per Carbon: conf/lodestar.sink.graphite-<name>.cfg.")
    public @interface Config {

        @AttributeDefinition(name = "Host", description = "Carbon's host name or address.")
        String host() default "127.0.0.1";

        @AttributeDefinition(name = "Port", description = "Carbon's port: 2003 for plaintext, 2004 for pickle.")
        int port() default 2003;

        @AttributeDefinition(name = "Protocol", description = "plaintext (carbon line receiver) or pickle"
                + " (carbon pickle receiver, more compact).",
                options = {@Option(label = "plaintext", value = "plaintext"), @Option(label = "pickle", value = "pickle")})
        String protocol() default "plaintext";

        @AttributeDefinition(name = "Timeout", description = "Connect timeout, and how long a write may make"
                + " no progress before it fails (a duration: 500ms, 5s).")
        String timeout() default "5s";

        @AttributeDefinition(name = "Prefix", description = "Prepended to every name, e.g. 'lodestar.web1'."
                + " Empty: none.")
        String prefix() default "";

        @AttributeDefinition(name = "Tags as path", description = "false: tags are written Graphite 1.1 style"
                + " (name;k=v;k2=v2). true: tag values are appended to the name as path components in key order"
                + " (for Graphite before 1.1 or graphs built on paths).")
        boolean tagsAsPath() default false;

        @AttributeDefinition(name = "Destinations", description = "A Graphite cluster instead of one Carbon:"
                + " host:port[=instance],... as in a carbon-c-relay cluster (host and port then are not used). Each"
                + " destination gets its own buffer, disk spool and retries; one that is down is held back and replayed,"
                + " never rerouted. Empty: the one Carbon at host:port.")
        String destinations() default "";

        @AttributeDefinition(name = "Routing", description = "How a cluster places a series, exactly as carbon-c-relay"
                + " (and, for carbon_ch, carbon-relay) does: carbon_ch, fnv1a_ch or jump_fnv1a_ch.",
                options = {@Option(label = "carbon_ch", value = "carbon_ch"), @Option(label = "fnv1a_ch", value = "fnv1a_ch"),
                        @Option(label = "jump_fnv1a_ch", value = "jump_fnv1a_ch")})
        String routing() default "carbon_ch";

        @AttributeDefinition(name = "Replication factor", description = "On how many distinct destinations of the"
                + " cluster each series is written (carbon-c-relay's replication), 1 up to their number.")
        int replicationFactor() default 1;
    }

    /** The wire protocol. */
    enum Protocol {
        PLAINTEXT, PICKLE;

        static Protocol parse(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            return switch (t) {
                case "plaintext" -> PLAINTEXT;
                case "pickle" -> PICKLE;
                default -> throw new IllegalArgumentException(
                        "protocol: must be plaintext or pickle, got '" + text + "'");
            };
        }
    }

    private final String endpoint;
    /** single mode: the one Carbon; cluster mode: null */
    private final CarbonDestination single;
    /** cluster mode: the destinations, each registered as its own Sink service */
    private final List<CarbonDestination> destinations = new ArrayList<>();
    private final List<ServiceRegistration<Sink>> registrations = new ArrayList<>();
    private final Router router;

    /** A sink outside OSGi (tests, benchmarks): a cluster's destinations are then not registered as services. */
    public GraphiteSink(Config config) {
        this(config, null, Map.of());
    }

    @Activate
    public GraphiteSink(Config config, BundleContext context, Map<String, Object> properties) {
        Protocol protocol = Protocol.parse(config.protocol());
        long timeout = Units.positiveDurationMillis("timeout", config.timeout());
        GraphiteNames names = new GraphiteNames(config.prefix(), config.tagsAsPath());
        String list = config.destinations() == null ? "" : config.destinations().trim();
        if (list.isEmpty()) {
            String host = config.host() == null ? "" : config.host().trim();
            if (host.isEmpty()) {
                throw new IllegalArgumentException("host: must not be empty");
            }
            int port = Units.port("port", config.port());
            if (port == 0) {
                throw new IllegalArgumentException("port: must be between 1 and 65535 for a sink, got 0");
            }
            single = new CarbonDestination(host, port, protocol, timeout, names, null, 0);
            endpoint = single.endpoint();
            router = null;
            LOG.info("Graphite sink to {} (prefix '{}', tags {})", endpoint, config.prefix(),
                    config.tagsAsPath() ? "as path" : "Graphite 1.1 style");
            return;
        }
        single = null;
        List<HashRing.Node> nodes = new ArrayList<>();
        for (String d : list.split(",")) {
            if (!d.isBlank()) {
                try {
                    nodes.add(HashRing.Node.parse(d));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("destinations: " + e.getMessage(), e);
                }
            }
        }
        HashRing ring = HashRing.of(HashRing.Method.parse(config.routing()), nodes, config.replicationFactor());
        String base = properties.get(Sink.NAME) != null && !String.valueOf(properties.get(Sink.NAME)).isBlank()
                ? String.valueOf(properties.get(Sink.NAME)).trim() : InstanceNames.of("graphite", properties);
        endpoint = ring.method().configName() + " replication " + ring.replication() + " over "
                + nodes.stream().map(HashRing.Node::key).collect(Collectors.joining(" "));
        router = new Router(ring, names, new Skipped("graphite sink " + base));
        for (int i = 0; i < nodes.size(); i++) {
            HashRing.Node n = nodes.get(i);
            destinations.add(new CarbonDestination(n.host(), n.port(), protocol, timeout, names, router, i));
        }
        if (context != null) {
            for (int i = 0; i < nodes.size(); i++) {
                HashRing.Node n = nodes.get(i);
                Hashtable<String, Object> p = new Hashtable<>();
                // the runner settings of the configuration hold for each destination's own runner
                for (String key : RunnerProperties.ALL) {
                    Object v = properties.get(key);
                    if (v != null) {
                        p.put(key, v);
                    }
                }
                p.put(Sink.NAME, base + "-" + (n.instance() != null ? n.instance() : n.host() + ":" + n.port()));
                p.put("lodestar.sink.graphite.destination", n.key());
                registrations.add(context.registerService(Sink.class, destinations.get(i), p));
            }
        }
        LOG.info("Graphite sink {}: {} (prefix '{}', tags {})", base, endpoint, config.prefix(),
                config.tagsAsPath() ? "as path" : "Graphite 1.1 style");
    }

    /**
     * Single mode: the Carbon's samples. Cluster mode: none, the configuration's own entry carries nothing; each
     * destination is a Sink service of its own that takes the series the ring places on it.
     */
    @Override
    public boolean accepts(Sample sample) {
        return single != null && single.accepts(sample);
    }

    @Override
    public void write(List<Sample> batch) throws IOException {
        if (single != null) {
            single.write(batch);
        }
    }

    @Deactivate
    void deactivate() {
        // unregistering lets the core write (or spool) what each destination's runner holds before it is closed
        for (ServiceRegistration<Sink> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping: the framework unregistered it
            }
        }
        long nonFinite = 0;
        long badName = 0;
        for (CarbonDestination d : all()) {
            d.close();
            nonFinite += d.skipped().nonFiniteCount();
            badName += d.skipped().badNameCount();
        }
        LOG.info("Graphite sink to {} stopped ({} NaN/infinite and {} unusable names skipped)", endpoint, nonFinite, badName);
    }

    private List<CarbonDestination> all() {
        return single != null ? List.of(single) : destinations;
    }

    /** Cluster mode: the destinations in configuration order (tests). */
    List<CarbonDestination> destinations() {
        return destinations;
    }

    /** Samples left out because their value was NaN or infinite. */
    long skippedNonFinite() {
        return all().stream().mapToLong(d -> d.skipped().nonFiniteCount()).sum();
    }

    /** Samples left out because their name was empty after sanitizing or too long. */
    long skippedBadName() {
        return all().stream().mapToLong(d -> d.skipped().badNameCount()).sum();
    }

    /** Whether a connection to Carbon is open now (single mode). */
    boolean connected() {
        return single != null && single.connected();
    }

    @Override
    public String toString() {
        return "GraphiteSink[" + endpoint + "]";
    }
}
