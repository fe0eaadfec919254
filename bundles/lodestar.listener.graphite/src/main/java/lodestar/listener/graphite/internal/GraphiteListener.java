package lodestar.listener.graphite.internal;

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

import lodestar.api.ComponentStatus;
import lodestar.api.State;
import lodestar.api.Monitored;
import lodestar.api.Pipeline;
import lodestar.support.config.InstanceNames;

/**
 * A Carbon-compatible receiver: plaintext lines over TCP and UDP on {@code port}, pickle over TCP on
 * {@code picklePort}, so Lodestar can take over from Carbon behind existing Graphite senders. Every
 * point becomes a gauge sample with the sender's timestamp; Graphite 1.1 tags become sample tags.
 */
@Component(name = GraphiteListener.PID, configurationPid = GraphiteListener.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = Monitored.class, immediate = true)
@Designate(ocd = GraphiteListener.Config.class, factory = true)
public final class GraphiteListener implements Monitored {

    static final String PID = "lodestar.listener.graphite";

    @ObjectClassDefinition(name = "Lodestar Graphite listener",
            description = "Receives Graphite plaintext (TCP and UDP) and pickle (TCP) like Carbon does.")
    public @interface Config {

        @AttributeDefinition(description = "Address to listen on; 127.0.0.1 by default, 0.0.0.0 for every interface.")
        String bind() default "127.0.0.1";

        @AttributeDefinition(description = "Plaintext port ('path value timestamp' lines), TCP and UDP; 0: any free port.")
        int port() default 2003;

        @AttributeDefinition(description = "Also take plaintext lines over UDP on the same port.")
        boolean udp() default true;

        @AttributeDefinition(description = "Pickle port (Carbon's pickle receiver, TCP); 0: off.")
        int picklePort() default 2004;

        @AttributeDefinition(description = "Largest pickle message (a size: 1MB); a larger length prefix closes the"
                + " connection, counted in oversize_messages.")
        String maxMessageSize() default "1MB";

        @AttributeDefinition(description = "Longest plaintext line in bytes; longer lines are counted as bad and skipped.")
        int maxLineLength() default 4096;

        @AttributeDefinition(description = "Most TCP connections open at once (both ports); more are refused and counted.")
        int maxConnections() default 256;
    }

    private final String name;
    private final Stats stats = new Stats();
    private final Pipeline pipeline;
    private volatile Settings settings;
    private volatile Receiver receiver;

    @Activate
    public GraphiteListener(Config config, @Reference(name = "pipeline") Pipeline pipeline, Map<String, Object> props) {
        this.name = instanceName(props);
        this.pipeline = pipeline;
        this.settings = Settings.from(config);
        this.receiver = listen(settings);
    }

    private Receiver listen(Settings s) {
        Receiver r;
        try {
            r = new Receiver(s, new Handler(stats, pipeline::emitAll), stats, "lodestar-" + name);
        } catch (IOException e) {
            throw new IllegalArgumentException("port: cannot listen on " + s.bind() + ":" + s.port()
                    + (s.picklePort() > 0 ? " and " + s.picklePort() : "") + ": " + e.getMessage(), e);
        }
        r.start();
        return r;
    }

    /**
     * A new configuration: the same settings (FileInstall re-applying its file, say) keep the sockets
     * open and the counters; changed ones rebind, without the platform or this component restarting.
     */
    @Modified
    void modified(Config config) {
        Settings s = Settings.from(config);
        if (s.equals(settings)) {
            return;
        }
        Receiver old = receiver;
        old.close();
        receiver = listen(s);
        settings = s;
    }

    @Deactivate
    void deactivate() {
        receiver.close();
    }

    /** The plaintext port actually bound (for port 0). */
    int port() {
        return receiver.port();
    }

    @Override
    public ComponentStatus status() {
        return new ComponentStatus("listener", name, State.OK, stats.snapshot(receiver.openConnections()), null);
    }

    private static String instanceName(Map<String, Object> props) {
        return InstanceNames.of("graphite", props);
    }
}
