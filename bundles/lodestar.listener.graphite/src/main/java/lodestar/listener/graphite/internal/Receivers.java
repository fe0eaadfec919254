package lodestar.listener.graphite.internal;

import java.io.IOException;
import java.net.BindException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import lodestar.api.Sample;
import lodestar.support.net.ListenerHealth;
import lodestar.support.net.SupervisedReceiver;
import lodestar.support.net.TcpConnections;
import lodestar.support.net.TcpServer;
import lodestar.support.net.UdpSocket;
import lodestar.support.net.UdpSockets;

/**
 * The sockets of one socket configuration ({@link Settings#socket()}): the plaintext and pickle ports over TCP,
 * served by one thread with a selector, and plaintext over UDP on the plaintext port, served by another. Each
 * thread is supervised: if it stops, the listener shows {@code failed} and it reopens its address with backoff.
 * Graphite senders are few and send in bulk, so one thread per transport keeps up.
 */
final class Receivers implements AutoCloseable {

    /**
     * What every socket configuration of one listener shares: its name, counters, output, the settings of the
     * moment (limits for new connections), receiver health, UDP sockets and TCP connections.
     */
    record Listener(String name, Stats stats, Consumer<List<Sample>> out, Supplier<Settings> settings, ListenerHealth health,
            UdpSockets sockets, TcpConnections connections) {
    }

    /** Port 0: how many TCP ports the system may pick before one is also free for UDP. */
    static final int ANY_PORT_ATTEMPTS = 5;

    private final SupervisedReceiver<TcpServer> tcp;
    /** null when UDP is off */
    private final SupervisedReceiver<UdpSocket> udp;
    private final int port;
    private final int picklePort;

    private Receivers(SupervisedReceiver<TcpServer> tcp, SupervisedReceiver<UdpSocket> udp, int port, int picklePort) {
        this.tcp = tcp;
        this.udp = udp;
        this.port = port;
        this.picklePort = picklePort;
    }

    /**
     * Opens {@code s}'s sockets now, the plaintext ones on {@code port} (0: any free port, the same for TCP and
     * UDP); throws when one cannot be opened, leaving none open. With port 0 the number the system picks for TCP
     * may be taken for UDP: then another is picked, up to {@value #ANY_PORT_ATTEMPTS} times.
     */
    static Receivers open(Listener l, Settings s, int port) throws IOException {
        for (int attempt = 1;; attempt++) {
            try {
                return openOnce(l, s, port);
            } catch (BindException e) {
                if (port != 0 || !s.udp() || attempt == ANY_PORT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static Receivers openOnce(Listener l, Settings s, int port) throws IOException {
        SupervisedReceiver<TcpServer> tcp = tcp(l, s, port).start();
        int bound = tcp.socket().port(0);
        if (!s.udp()) {
            return new Receivers(tcp, null, bound, s.picklePort());
        }
        try {
            return new Receivers(tcp, udp(l, s, bound).start(), bound, s.picklePort());
        } catch (IOException | RuntimeException e) {
            tcp.close();
            throw e;
        }
    }

    /**
     * Opens {@code s}'s sockets on {@code port} (the port they had), keeping on trying in the background for a
     * socket that cannot be opened now: going back to the sockets a failed change came from, which someone may
     * have taken meanwhile.
     */
    static Receivers reopen(Listener l, Settings s, int port) {
        return new Receivers(tcp(l, s, port).startOrRetry(), s.udp() ? udp(l, s, port).startOrRetry() : null, port, s.picklePort());
    }

    private static SupervisedReceiver<TcpServer> tcp(Listener l, Settings s, int port) {
        Handler h = handler(l);
        String name = l.name() + " TCP receiver";
        return new SupervisedReceiver<TcpServer>(name,
                previous -> TcpServer.open(name, ports(l, s, previous == null ? port : previous.port(0), h), l.connections(), l.health(), h::flush),
                TcpServer::serve, l.health());
    }

    private static SupervisedReceiver<UdpSocket> udp(Listener l, Settings s, int port) {
        Handler h = handler(l);
        return new SupervisedReceiver<UdpSocket>(l.name() + " UDP receiver",
                previous -> l.sockets().open(s.bind(), previous == null ? port : previous.port(), s.receiveBuffer()),
                socket -> socket.serve(h::datagram, l.health()), l.health());
    }

    private static Handler handler(Listener l) {
        return new Handler(l.stats(), l.out(), () -> l.settings().get().maxLineLength());
    }

    /** Plaintext on {@code port}, pickle on the configured pickle port unless it is off; limits as set when a client connects. */
    private static List<TcpServer.Port> ports(Listener l, Settings s, int port, Handler h) {
        List<TcpServer.Port> ports = new ArrayList<>();
        ports.add(new TcpServer.Port(s.bind(), port,
                (peer, buffer) -> new Connection.Lines(String.valueOf(peer), l.settings().get().maxLineLength(), buffer, h, l.stats())));
        if (s.picklePort() > 0) {
            ports.add(new TcpServer.Port(s.bind(), s.picklePort(),
                    (peer, buffer) -> new Connection.Pickles(String.valueOf(peer), l.settings().get().maxMessageSize(), buffer, h, l.stats())));
        }
        return ports;
    }

    /** The plaintext port (the one chosen for 0), also while a receiver is down. */
    int port() {
        return port;
    }

    /** The pickle port, 0 when off. */
    int picklePort() {
        return picklePort;
    }

    /** For tests that break a socket. */
    SupervisedReceiver<TcpServer> tcp() {
        return tcp;
    }

    /** For tests that break a socket; null when UDP is off. */
    SupervisedReceiver<UdpSocket> udp() {
        return udp;
    }

    @Override
    public void close() {
        tcp.close();
        if (udp != null) {
            udp.close();
        }
    }
}
