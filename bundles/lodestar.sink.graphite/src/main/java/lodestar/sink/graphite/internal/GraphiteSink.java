package lodestar.sink.graphite.internal;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

import lodestar.api.Sample;
import lodestar.api.Sink;
import lodestar.support.config.Units;

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
    /** The encode buffer is kept between batches up to this size, and trimmed back to it after a larger one. */
    private static final int KEEP_BUFFER_BYTES = 4 * 1024 * 1024;

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
    private final Protocol protocol;
    private final Skipped skipped;
    private final Encoder encoder;
    private final CarbonConnection connection;
    private final ByteBuf buffer = new ByteBuf(64 * 1024);

    @Activate
    public GraphiteSink(Config config) {
        String host = config.host() == null ? "" : config.host().trim();
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host: must not be empty");
        }
        int port = Units.port("port", config.port());
        if (port == 0) {
            throw new IllegalArgumentException("port: must be between 1 and 65535 for a sink, got 0");
        }
        protocol = Protocol.parse(config.protocol());
        long timeout = Units.positiveDurationMillis("timeout", config.timeout());

        endpoint = protocol.name().toLowerCase(Locale.ROOT) + "://" + host + ":" + port;
        skipped = new Skipped("graphite sink " + endpoint);
        GraphiteNames names = new GraphiteNames(config.prefix(), config.tagsAsPath());
        encoder = protocol == Protocol.PICKLE ? new PickleEncoder(names, skipped) : new PlaintextEncoder(names, skipped);
        connection = new CarbonConnection(host, port, timeout);
        LOG.info("Graphite sink to {} (prefix '{}', tags {})", endpoint, config.prefix(),
                config.tagsAsPath() ? "as path" : "Graphite 1.1 style");
    }

    @Override
    public boolean accepts(Sample sample) {
        if (!Encoder.finite(sample.value())) {
            skipped.nonFinite(sample); // costs no buffer memory when refused here
            return false;
        }
        return true;
    }

    @Override
    public void write(List<Sample> batch) throws IOException {
        buffer.clear();
        try {
            if (encoder.encode(batch, buffer) == 0) {
                return;
            }
            connection.send(buffer.array(), buffer.length());
        } finally {
            if (buffer.array().length > KEEP_BUFFER_BYTES) {
                buffer.clearAndTrim(KEEP_BUFFER_BYTES);
            }
        }
    }

    @Deactivate
    void deactivate() {
        connection.close();
        LOG.info("Graphite sink to {} stopped ({} NaN/infinite and {} unusable names skipped)", endpoint,
                skipped.nonFiniteCount(), skipped.badNameCount());
    }

    /** Samples left out because their value was NaN or infinite. */
    long skippedNonFinite() {
        return skipped.nonFiniteCount();
    }

    /** Samples left out because their name was empty after sanitizing or too long. */
    long skippedBadName() {
        return skipped.badNameCount();
    }

    /** Whether a connection to Carbon is open now. */
    boolean connected() {
        return connection.connected();
    }

    @Override
    public String toString() {
        return "GraphiteSink[" + endpoint + "]";
    }
}
