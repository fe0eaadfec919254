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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.ComponentStatus;
import lodestar.api.Monitored;
import lodestar.api.Pipeline;
import lodestar.support.config.ConfigDefaults;
import lodestar.support.config.InstanceNames;
import lodestar.support.net.ListenerHealth;
import lodestar.support.net.ListenerStatus;
import lodestar.support.net.NetLog;
import lodestar.support.net.TcpConnections;
import lodestar.support.net.UdpSockets;

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

    private static final Logger LOG = LoggerFactory.getLogger(GraphiteListener.class);

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

        @AttributeDefinition(description = "UDP socket receive buffer (a size: 8MB). Capped by net.core.rmem_max; the listener"
                + " says so at start. Datagrams beyond it while the listener is busy are dropped by the kernel (kernel_drops).")
        String receiveBuffer() default "8MB";

        @AttributeDefinition(description = "Most TCP connections open at once (both ports). A new one beyond them takes the"
                + " place of the connection idle the longest (replaced_connections), or is closed at once when all have sent"
                + " within the last second (refused_connections).")
        int maxConnections() default 256;

        @AttributeDefinition(description = "A TCP connection that sends nothing for this long is closed (a duration: 5m);"
                + " counted in idle_timeouts.")
        String idleTimeout() default "5m";

        @AttributeDefinition(description = "Most memory all TCP connections together may hold for begun lines and partly"
                + " received pickle messages (a size: 32MB); past it the connection holding the most is closed"
                + " (buffer_evictions). At least maxMessageSize.")
        String connectionMemory() default "32MB";
    }

    private final String name;
    private final Stats stats = new Stats();
    private final ListenerHealth health = new ListenerHealth(NetLog.of(LOG::info, LOG::warn, LOG::error));
    private final UdpSockets sockets = new UdpSockets(health.log());
    private final TcpConnections connections;
    /** what the listener's receivers share, whatever sockets they serve */
    private final Receivers.Listener shared;
    private volatile Settings settings;
    private volatile Receivers receivers;
    private volatile boolean closed;

    @Activate
    public GraphiteListener(Config config, @Reference(name = "pipeline") Pipeline pipeline, Map<String, Object> props) {
        Settings s = Settings.from(config);
        this.name = instanceName(props);
        this.settings = s;
        this.connections = new TcpConnections(s.tcpLimits(), health.log());
        sockets.receiveBufferConfigured(ConfigDefaults.chosen(config, "receiveBuffer"));
        this.shared = new Receivers.Listener(name, stats, pipeline::emitAll, () -> settings, health, sockets, connections);
        this.receivers = listen(s, s.port());
    }

    private Receivers listen(Settings s, int port) {
        try {
            return Receivers.open(shared, s, port);
        } catch (IOException e) {
            throw new IllegalArgumentException("port: cannot listen on " + s.bind() + ":" + port
                    + (s.picklePort() > 0 ? " and " + s.picklePort() : "") + ": " + e.getMessage(), e);
        }
    }

    /**
     * A new configuration without the component restarting. When only limits change (message size, line length,
     * the TCP guards), the sockets and open connections stay: new connections get the new limits, and the TCP
     * guards apply at once. A new bind, port, UDP, pickle port or receive buffer closes the sockets and
     * opens the new ones; when those cannot be opened (a port in use) the listener goes back to the sockets it
     * had, changes nothing else, and SCR logs the reason.
     */
    @Modified
    synchronized void modified(Config config) {
        Settings s = Settings.from(config);
        sockets.receiveBufferConfigured(ConfigDefaults.chosen(config, "receiveBuffer"));
        Settings old = settings;
        if (!s.sameSocket(old)) {
            Receivers previous = receivers;
            previous.close();
            try {
                receivers = listen(s, s.port());
            } catch (IllegalArgumentException e) {
                receivers = Receivers.reopen(shared, old, previous.port());
                throw e;
            }
        }
        connections.limits(s.tcpLimits());
        settings = s;
    }

    @Deactivate
    void deactivate() {
        closed = true;
        receivers.close();
    }

    /** The plaintext port in use (for port 0). */
    int port() {
        return receivers.port();
    }

    /** The receivers at work, for tests that break their sockets. */
    Receivers receivers() {
        return receivers;
    }

    /**
     * The counters every listener shows, then {@code lines}, {@code bad_lines}, {@code udp_packets},
     * {@code pickle_port} (a gauge), {@code pickle_messages}, {@code pickle_rejected}, {@code pickle_malformed},
     * {@code pickle_bad_entries}, {@code oversize_messages}.
     */
    @Override
    public ComponentStatus status() {
        Receivers r = receivers;
        return new ListenerStatus(name, health)
                .packets(stats.packets.sum())
                .samples(stats.samples.sum())
                .badInput(stats.badInput())
                .kernelDrops(sockets)
                .tcp(connections)
                .port(r.port())
                .counter("lines", stats.lines.sum())
                .counter("bad_lines", stats.badLines.sum())
                .counter("udp_packets", stats.udpPackets.sum())
                .gauge("pickle_port", r.picklePort())
                .counter("pickle_messages", stats.pickleMessages.sum())
                .counter("pickle_rejected", stats.pickleRejected.sum())
                .counter("pickle_malformed", stats.pickleMalformed.sum())
                .counter("pickle_bad_entries", stats.pickleBadEntries.sum())
                .counter("oversize_messages", stats.oversizeMessages.sum())
                .stopped(closed, "stopped")
                .build();
    }

    private static String instanceName(Map<String, Object> props) {
        return InstanceNames.of("graphite", props);
    }
}
