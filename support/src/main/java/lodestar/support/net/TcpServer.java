package lodestar.support.net;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

import lodestar.support.retry.Backoff;

/**
 * One thread serving TCP clients on one or more listening ports with a selector, under the listener's guards
 * ({@link TcpConnections.Limits}), so that no client, however many connections it opens or however it sends,
 * can lock others out, exhaust memory or end the loop:
 * <ul>
 * <li>at most {@code maxConnections} open; a new connection beyond them takes the place of the one that has been
 * idle the longest, if that one has sent nothing for at least a second ({@link #REPLACEABLE_AFTER_MILLIS}),
 * else it is closed at once; both counted and logged;</li>
 * <li>a connection that sends nothing for {@code idleTimeout} is closed;</li>
 * <li>unfinished input is held in each connection's {@link InputBuffer}, all of them within the listener's
 * {@code memory}: past it the connection holding the most is closed;</li>
 * <li>a failed accept (too many open files) is counted, logged and pauses accepting, 100 ms doubling to 2 s while
 * it keeps failing, while open connections are served; a connection whose handler throws (or runs out of memory
 * or stack) is closed and counted as a failed input.</li>
 * </ul>
 * Only closing the server ends {@link #serve()} (see {@link SupervisedReceiver}).
 */
public final class TcpServer implements Closeable {

    /** The parsing state of one client. Called on the server's thread only. */
    public interface Connection {
        /**
         * What one read brought.
         *
         * @param in a heap buffer, position to limit, reused for the next read
         * @return false to close the connection (the stream can no longer be trusted, or its
         *         {@link InputBuffer} could not take more)
         */
        boolean read(ByteBuffer in);

        /** The client closed its side (or the connection broke): what is left over, if anything. */
        default void ended() {
        }
    }

    /** Makes the parsing state of each accepted client. */
    @FunctionalInterface
    public interface ConnectionFactory {
        /**
         * @param buffer where the connection keeps what it cannot parse yet; its {@linkplain InputBuffer#limit()
         *        limit} is 0 until the connection sets it
         */
        Connection open(SocketAddress peer, InputBuffer buffer);
    }

    /** A listening address and the state each of its clients starts with. */
    public record Port(String bind, int port, ConnectionFactory connection) {
    }

    /** A connection idle for at least this long (or the idle timeout, if shorter) may make room for a new one. */
    public static final long REPLACEABLE_AFTER_MILLIS = 1000;
    /** How long accepting pauses after an accept failed, at first; the backlog keeps the clients waiting meanwhile. */
    static final long ACCEPT_PAUSE_MILLIS = 100;
    static final long ACCEPT_PAUSE_MAX_MILLIS = 2000;
    private static final int READ_BUFFER = 65536;
    private static final int BACKLOG = 128;

    private final String name;
    private final Selector selector;
    private final List<ServerSocketChannel> servers;
    private final int[] ports;
    private final TcpConnections connections;
    private final ListenerHealth health;
    private final Runnable afterReads;
    /** the open clients, least recently active first. Server thread only. */
    private final LinkedHashMap<SocketChannel, Client> clients = new LinkedHashMap<>(64, 0.75f, true);
    private final List<SelectionKey> paused = new ArrayList<>();
    private final Backoff acceptBackoff = new Backoff(ACCEPT_PAUSE_MILLIS, ACCEPT_PAUSE_MAX_MILLIS);
    private long resumeAcceptsAt;
    /** when to look for idle connections next (System.nanoTime(), whose origin is arbitrary: not 0) */
    private long nextSweep = System.nanoTime();
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
     * @param connections the listener's guards and counts, kept across servers
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

    /** One client: its socket, parsing state, unfinished input and when it last sent something. */
    private static final class Client {
        final SocketChannel channel;
        final SocketAddress peer;
        final InputBuffer buffer;
        Connection connection;
        long lastActive;

        Client(SocketChannel channel, SocketAddress peer, InputBuffer buffer, long now) {
            this.channel = channel;
            this.peer = peer;
            this.buffer = buffer;
            this.lastActive = now;
        }
    }

    /** Serves the clients until the server is closed; then it throws or returns, and every client is closed. */
    public void serve() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(READ_BUFFER);
        try {
            while (true) {
                selector.select(selectTimeout());
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    try {
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.isAcceptable()) {
                            accept(key);
                        } else if (key.isReadable()) {
                            read(key, buf);
                        }
                    } catch (CancelledKeyException e) {
                        // closed meanwhile (replaced, evicted, timed out): nothing left to do for it
                    }
                }
                afterReads.run();
                long now = System.nanoTime();
                resumeAccepts(now);
                sweepIdle(now);
            }
        } finally {
            for (Client c : clients.values()) {
                closeQuietly(c.channel);
                c.buffer.release();
                connections.closed();
            }
            clients.clear();
        }
    }

    /** Long enough to sleep, short enough to resume accepts and close idle connections on time. */
    private long selectTimeout() {
        long now = System.nanoTime();
        long wait = Math.max(10, Math.min(500, connections.limits().idleTimeoutMillis() / 10));
        if (resumeAcceptsAt != 0) {
            wait = Math.min(wait, Math.max(1, TimeUnit.NANOSECONDS.toMillis(resumeAcceptsAt - now)));
        }
        return wait;
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
        } catch (IOException | RuntimeException e) {
            // the client stays in the backlog: stop asking for a while rather than spin on the same failure
            long pause = acceptBackoff.next();
            connections.acceptFailed(name, e, pause);
            key.interestOps(0);
            paused.add(key);
            resumeAcceptsAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause);
            return;
        }
        if (c == null) {
            return;
        }
        acceptBackoff.reset();
        connections.acceptSucceeded();
        SocketAddress peer;
        try {
            peer = c.getRemoteAddress();
        } catch (IOException e) {
            closeQuietly(c); // gone before we could look at it
            return;
        }
        long now = System.nanoTime();
        if (!connections.admit() && !(replaceIdlest(peer, now) && connections.admit())) {
            connections.refused(peer);
            closeQuietly(c);
            return;
        }
        Client client = new Client(c, peer, new InputBuffer(connections, this::closeLargest, peer, 0), now);
        clients.put(c, client);
        try {
            client.connection = ((Port) key.attachment()).connection().open(peer, client.buffer);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            health.inputFailed("a connection from " + peer, e);
            drop(client);
            return;
        }
        try {
            c.configureBlocking(false);
            c.register(selector, SelectionKey.OP_READ, client);
        } catch (IOException | RuntimeException e) {
            drop(client);
        }
    }

    /** At the connection limit: closes the connection idle the longest if it has been idle long enough. */
    private boolean replaceIdlest(SocketAddress newcomer, long now) {
        Iterator<Client> it = clients.values().iterator();
        if (!it.hasNext()) {
            return false;
        }
        Client idlest = it.next();
        long idleMillis = TimeUnit.NANOSECONDS.toMillis(now - idlest.lastActive);
        if (idleMillis < Math.min(REPLACEABLE_AFTER_MILLIS, connections.limits().idleTimeoutMillis())) {
            return false;
        }
        connections.replaced(idlest.peer, idleMillis, newcomer); // counted before the client can see it closed
        drop(idlest);
        return true;
    }

    private void read(SelectionKey key, ByteBuffer buf) {
        Client client = (Client) key.attachment();
        SocketChannel c = client.channel;
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
                clients.get(c); // most recently active now
                client.lastActive = System.nanoTime();
                buf.flip();
                keep = client.connection.read(buf);
            } else if (n < 0) {
                keep = false;
                client.connection.ended();
            }
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            keep = false;
            health.inputFailed("data from " + client.peer, e);
        }
        if (!keep) {
            drop(client);
        }
    }

    /**
     * Makes room in the memory budget for {@code except}: closes the other client holding the most, if it holds
     * at least {@code atLeast} bytes (what {@code except} wants to hold).
     */
    private boolean closeLargest(InputBuffer except, long atLeast) {
        Client largest = null;
        for (Client c : clients.values()) {
            if (c.buffer != except && c.buffer.held() >= atLeast && (largest == null || c.buffer.held() > largest.buffer.held())) {
                largest = c;
            }
        }
        if (largest == null) {
            return false;
        }
        connections.evicted(largest.peer, largest.buffer.held()); // counted before the client can see it closed
        drop(largest);
        return true;
    }

    /** Closes the connections that sent nothing for the idle timeout (they come first in the map). */
    private void sweepIdle(long now) {
        if (now - nextSweep < 0) {
            return;
        }
        long timeout = connections.limits().idleTimeoutMillis();
        nextSweep = now + TimeUnit.MILLISECONDS.toNanos(Math.max(10, Math.min(500, timeout / 10)));
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeout);
        Iterator<Client> it = clients.values().iterator();
        while (it.hasNext()) {
            Client c = it.next();
            long idle = now - c.lastActive;
            if (idle < timeoutNanos) {
                return;
            }
            it.remove();
            connections.idleTimedOut(c.peer, TimeUnit.NANOSECONDS.toMillis(idle)); // counted before the client can see it closed
            close(c);
        }
    }

    private void drop(Client c) {
        if (clients.remove(c.channel) != null) {
            close(c);
        }
    }

    /** Closes a client no longer in the map: its socket, its key, its memory, its place in the count. */
    private void close(Client c) {
        SelectionKey k = c.channel.keyFor(selector);
        if (k != null) {
            k.cancel();
        }
        closeQuietly(c.channel);
        c.buffer.release();
        connections.closed();
    }

    private void resumeAccepts(long now) {
        if (resumeAcceptsAt != 0 && now - resumeAcceptsAt >= 0) {
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
