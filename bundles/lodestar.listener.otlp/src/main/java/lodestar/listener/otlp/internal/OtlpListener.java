package lodestar.listener.otlp.internal;

import java.util.Map;
import lodestar.api.ComponentStatus;
import lodestar.api.Monitored;
import lodestar.api.Pipeline;
import lodestar.support.config.InstanceNames;
import lodestar.support.net.ListenerHealth;
import lodestar.support.net.ListenerStatus;
import lodestar.support.net.NetLog;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OTLP/HTTP metrics endpoint ({@code POST /v1/metrics}, protobuf or JSON, gzip or not) on its own port: what
 * OpenTelemetry SDKs and collectors export becomes samples in the {@link Pipeline}, handed on with
 * {@link Pipeline#offerAll} so that a full pipeline answers 503 and the sender keeps the data and retries.
 */
@Component(name = OtlpListener.PID, configurationPid = OtlpListener.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = Monitored.class, immediate = true)
@Designate(ocd = OtlpListener.Config.class, factory = true)
public final class OtlpListener implements Monitored {

    static final String PID = "lodestar.listener.otlp";
    private static final Logger LOG = LoggerFactory.getLogger(OtlpListener.class);

    @ObjectClassDefinition(name = "Lodestar OTLP listener",
            description = "OTLP/HTTP metrics receiver (POST /v1/metrics, application/x-protobuf or application/json,"
                    + " gzip): point OpenTelemetry SDKs and collectors at http://<bind>:<port>/v1/metrics.")
    public @interface Config {
        @AttributeDefinition(description = "Address to listen on; 127.0.0.1 by default, 0.0.0.0 for every interface.")
        String bind() default "127.0.0.1";

        @AttributeDefinition(description = "TCP port, 0..65535 (0: any free port). OTLP/HTTP's default is 4318.")
        int port() default 4318;

        @AttributeDefinition(description = "Resource attributes that become tags of every sample of that resource"
                + " (comma-separated). Data point attributes always become tags.")
        String[] resourceTags() default {"service.name"};

        @AttributeDefinition(description = "Scope attributes that become tags (comma-separated); otel.scope.name and"
                + " otel.scope.version stand for the instrumentation scope's name and version. None by default.")
        String[] scopeTags() default {};

        @AttributeDefinition(description = "Largest request body as sent (a size: 4MB); a larger one is answered 413"
                + " before it is read when Content-Length says so, or as soon as it passes the limit.")
        String maxBodySize() default "4MB";

        @AttributeDefinition(description = "Largest body once gunzipped (a size: 8MB); inflating stops there and the"
                + " request is answered 413, so a small gzip bomb costs no more than this.")
        String maxDecompressedSize() default "8MB";

        @AttributeDefinition(description = "Requests read and decoded at once (1..256); more are answered 503 with"
                + " Retry-After at once. With maxDecompressedSize this bounds the listener's memory.")
        int maxConcurrentRequests() default 2;

        @AttributeDefinition(description = "Most data points in one request; a request with more is answered 413.")
        int maxDataPoints() default 100000;

        @AttributeDefinition(description = "0 (the default): answer 200 as soon as the pipeline took the samples into"
                + " its buffers. A duration (5s): answer 200 only once every sink has them written or stored in its disk"
                + " buffer, and 503 (the sender retries) when that takes longer or a sink dropped some.")
        String ackTimeout() default "0";
    }

    private final String name;
    private final Pipeline pipeline;
    private final ListenerHealth health;
    private final OtlpServer.Counters counters = new OtlpServer.Counters();
    private volatile Settings settings;
    private volatile OtlpServer server;
    private volatile boolean closed;

    @Activate
    public OtlpListener(Config config, @Reference(name = "pipeline") Pipeline pipeline, Map<String, Object> props) {
        Settings s = Settings.from(config);
        this.name = InstanceNames.of("otlp", props);
        this.pipeline = pipeline;
        this.health = new ListenerHealth(NetLog.of(LOG::info, LOG::warn, LOG::error));
        this.server = open(s);
        this.settings = s;
        LOG.info("OTLP listener {} on http://{}:{}{}", name, s.socket().bind(), server.port(), OtlpServer.PATH);
    }

    private OtlpServer open(Settings s) {
        return new OtlpServer(name, s, pipeline, counters, health::error);
    }

    /**
     * A new configuration: checked first (a bad value changes nothing). The same address keeps the server and its
     * connections, the rest applies to the next request; a new address opens a new server, and when it cannot, the
     * old one is opened again on the port it had and the change is refused.
     */
    @Modified
    synchronized void modified(Config config) {
        Settings s = Settings.from(config);
        Settings old = settings;
        if (s.sameSocket(old)) {
            server.apply(s);
            settings = s;
            return;
        }
        int oldPort = server.port();
        server.close();
        try {
            server = open(s);
            settings = s;
            LOG.info("OTLP listener {} moved to http://{}:{}{}", name, s.socket().bind(), server.port(), OtlpServer.PATH);
        } catch (IllegalArgumentException e) {
            Settings back = new Settings(new Settings.Socket(old.socket().bind(), oldPort), old.maxBodySize(),
                    old.maxDecompressedSize(), old.maxConcurrentRequests(), old.maxDataPoints(), old.resourceTags(),
                    old.scopeTags(), old.ackTimeoutMillis());
            server = open(back);
            throw e;
        }
    }

    @Deactivate
    synchronized void deactivate() {
        closed = true;
        server.close();
    }

    /** The port in use (useful with port 0). */
    public int port() {
        return server.port();
    }

    @Override
    public ComponentStatus status() {
        OtlpServer.Counters c = counters;
        return new ListenerStatus(name, health)
                .packets(c.requests.sum())
                .samples(c.samples.sum())
                .badInput(c.badInput.sum() + c.unsupported.sum())
                .queueDrops(c.busy.sum() + c.pipelineFull.sum())
                .port(closed ? -1 : server.port())
                .counter("requests", c.requests.sum())
                .counter("bytes", c.bytes.sum())
                .counter("rejected_points", c.rejectedPoints.sum())
                .counter("too_large", c.tooLarge.sum())
                .counter("unsupported_media", c.unsupported.sum())
                .counter("not_found", c.notFound.sum())
                .counter("busy", c.busy.sum())
                .counter("pipeline_full", c.pipelineFull.sum())
                .counter("lost", c.lost.sum())
                .counter("ack_timeouts", c.ackTimeouts.sum())
                .stopped(closed, "stopped")
                .build();
    }
}
