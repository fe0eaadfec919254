package lodestar.support.net;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One thread serving TCP clients on one or more listening ports with a selector: accepts up to the
 * listener's connection limit ({@link TcpConnections}; more are closed at once and counted), keeps one
 * {@link Connection} (its parsing state) per client, and hands it what each read brings. Nothing a client or
 * the system does ends the loop: a failed accept (too many open files) is counted, logged and pauses accepting
 * briefly while open connections go on; a connection whose handler throws is closed and counted as a failed
 * input. Only closing the server ends {@link #serve()} (see {@link SupervisedReceiver}).
 */
public final class TcpServer implements Closeable {

    /** The parsing state of one client. Called on the server's thread only. */
    public interface Connection {
        /**
         * What one read brought.
         *
         * @param in a heap buffer, position to limit, reused for the next read
         * @return false to close the connection (the stream can no longer be trusted)
         */
        boolean read(ByteBuffer in);

        /** The client closed its side (or the connection broke): what is left over, if anything. */
        default void ended() {
        }
    }

    /**
     * A listening address and the state each of its clients starts with.
     *
     * @param connection called with the client's address for each accepted connection
     */
    public record Port(String bind, int port, Function<SocketAddress, Connection> connection) {
    }

    /** How long accepting pauses after an accept failed; the backlog keeps the clients waiting meanwhile. */
    static final long ACCEPT_PAUSE_MILLIS = 100;
    private static final int READ_BUFFER = 65536;
    private static final int BACKLOG = 128;

    private final String name;
    private final Selector selector;
    private final List<ServerSocketChannel> servers;
    private final int[] ports;
    private final TcpConnections connections;
    private final ListenerHealth health;
    private final Runnable afterReads;
    /** the open clients, for closing them when the loop ends. Server thread only. */
    private final Set<SocketChannel> clients = new HashSet<>();
    private final List<SelectionKey> paused = new ArrayList<>();
    private long resumeAcceptsAt;
    /** an accept failure to simulate (tests of the failure path: running out of descriptors is not repeatable) */
    private volatile IOException nextAcceptFailure;

    private TcpServer(String name, Selector selector, List<ServerSocketChannel> servers, int[] ports, TcpConnections connections,
            ListenerHealth health, Runnable afterReads) {
        this.name = name;
        this.selector = selector;
        this.servers = servers;
        this.ports = ports;
        this.connections = connections;
        this.health = health;
        this.afterReads = afterReads;
    }

    /**
     * Binds every port (all or none: a port that cannot be bound closes those already bound).
     *
     * @param name        the server's name in log lines
     * @param connections the listener's connection limit and counts, kept across servers
     * @param health      where connections whose handler throws are counted
     * @param afterReads  run after each round of reads, on the server's thread (hand batches on), or null
     */
    public static TcpServer open(String name, List<Port> ports, TcpConnections connections, ListenerHealth health,
            Runnable afterReads) throws IOException {
        Selector sel = Selector.open();
        List<ServerSocketChannel> servers = new ArrayList<>();
        int[] bound = new int[ports.size()];
        try {
            for (int i = 0; i < ports.size(); i++) {
                Port p = ports.get(i);
                ServerSocketChannel s = ServerSocketChannel.open();
                servers.add(s);
                s.bind(new InetSocketAddress(InetAddress.getByName(p.bind()), p.port()), BACKLOG);
                s.configureBlocking(false);
                s.register(sel, SelectionKey.OP_ACCEPT, p);
                bound[i] = ((InetSocketAddress) s.getLocalAddress()).getPort();
            }
        } catch (IOException | RuntimeException e) {
            for (ServerSocketChannel s : servers) {
                s.close();
            }
            sel.close();
            throw e;
        }
        return new TcpServer(name, sel, servers, bound, connections, health, afterReads == null ? () -> { } : afterReads);
    }

    /** The bound port of the {@code index}th {@link Port} (the one chosen when 0 was asked for). */
    public int port(int index) {
        return ports[index];
    }

    /** One client: its parsing state and address. */
    private record Client(Connection connection, SocketAddress peer) {
    }

    /** Serves the clients until the server is closed; then it throws or returns, and every client is closed. */
    public void serve() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(READ_BUFFER);
        try {
            while (true) {
                long wait = resumeAcceptsAt == 0 ? 500 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(resumeAcceptsAt - System.nanoTime()));
                selector.select(wait);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept(key);
                    } else if (key.isReadable()) {
                        read(key, buf);
                    }
                }
                afterReads.run();
                resumeAccepts();
            }
        } finally {
            for (SocketChannel c : clients) {
                closeQuietly(c);
                connections.closed();
            }
            clients.clear();
        }
    }

    private void accept(SelectionKey key) throws IOException {
        SocketChannel c;
        try {
            IOException simulated = nextAcceptFailure;
            if (simulated != null) {
                nextAcceptFailure = null;
                throw simulated;
            }
            c = ((ServerSocketChannel) key.channel()).accept();
        } catch (ClosedChannelException e) {
            throw e; // the server itself is gone: that is for the supervisor
        } catch (IOException e) {
            // the client stays in the backlog: stop asking for a moment rather than spin on the same failure
            connections.acceptFailed(name, e, ACCEPT_PAUSE_MILLIS);
            key.interestOps(0);
            paused.add(key);
            resumeAcceptsAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACCEPT_PAUSE_MILLIS);
            return;
        }
        if (c == null) {
            return;
        }
        SocketAddress peer;
        try {
            peer = c.getRemoteAddress();
        } catch (IOException e) {
            closeQuietly(c); // gone before we could look at it
            return;
        }
        if (!connections.admit(peer)) {
            closeQuietly(c);
            return;
        }
        clients.add(c);
        Connection conn;
        try {
            conn = ((Port) key.attachment()).connection().apply(peer);
        } catch (RuntimeException e) {
            health.inputFailed("a connection from " + peer, e);
            drop(c);
            return;
        }
        try {
            c.configureBlocking(false);
            c.register(selector, SelectionKey.OP_READ, new Client(conn, peer));
        } catch (IOException e) {
            drop(c);
        }
    }

    private void read(SelectionKey key, ByteBuffer buf) {
        SocketChannel c = (SocketChannel) key.channel();
        Client client = (Client) key.attachment();
        buf.clear();
        int n;
        try {
            n = c.read(buf);
        } catch (IOException e) {
            n = -1; // reset by the peer: as if it had closed
        }
        boolean keep = true;
        try {
            if (n > 0) {
                buf.flip();
                keep = client.connection().read(buf);
            } else if (n < 0) {
                keep = false;
                client.connection().ended();
            }
        } catch (RuntimeException e) {
            keep = false;
            health.inputFailed("data from " + client.peer(), e);
        }
        if (!keep) {
            key.cancel();
            drop(c);
        }
    }

    private void drop(SocketChannel c) {
        closeQuietly(c);
        if (clients.remove(c)) {
            connections.closed();
        }
    }

    private void resumeAccepts() {
        if (resumeAcceptsAt != 0 && System.nanoTime() - resumeAcceptsAt >= 0) {
            for (SelectionKey k : paused) {
                if (k.isValid()) {
                    k.interestOps(SelectionKey.OP_ACCEPT);
                }
            }
            paused.clear();
            resumeAcceptsAt = 0;
        }
    }

    /** Makes the next accept fail with {@code e}, as running out of file descriptors would. */
    void failNextAccept(IOException e) {
        nextAcceptFailure = e;
        selector.wakeup();
    }

    /** Stops listening: the ports are free once this returns; the serving thread closes the clients as it ends. */
    @Override
    public void close() {
        closeQuietly(selector); // wakes a select in progress
        for (ServerSocketChannel s : servers) {
            closeQuietly(s);
        }
    }

    private void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            connections.log().warn(name + ": closing a socket failed: " + e);
        }
    }
}
