package lodestar.sink.graphite.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection to Carbon, opened lazily, with a connect timeout and a write timeout (Carbon
 * stops reading when its cache is full, and a blocking socket write would then hang forever).
 *
 * <p>Carbon never answers on its receiver ports, so TCP's own signals are all there is: before each
 * write the connection is checked, without blocking, for an end-of-stream or reset (Carbon stopped or
 * closed an idle connection) and silently replaced, since nothing of the batch has been sent yet; after
 * the write it is checked again, and a close seen then fails the write so the batch is offered again.
 * What remains undetectable: data accepted by the local or Carbon's kernel buffer just before Carbon
 * died. See the bundle README.
 *
 * <p>{@link #send} is called from one thread (the core's runner); {@link #close} may come from another
 * (deactivation) and makes a running send fail fast instead of waiting for its timeout.
 */
final class CarbonConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CarbonConnection.class);

    private final String host;
    private final int port;
    private final int timeoutMillis;
    private final ByteBuffer scratch = ByteBuffer.allocate(512);

    private volatile SocketChannel channel;
    private volatile Selector selector;
    /** The channel being connected, so close() can abort a connect. */
    private volatile SocketChannel connecting;
    private volatile boolean closed;
    private long connects;

    CarbonConnection(String host, int port, long timeoutMillis) {
        this.host = host;
        this.port = port;
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeoutMillis));
    }

    /**
     * Writes all of {@code data[0..length)}, connecting first if needed.
     *
     * @throws IOException when Carbon cannot be reached, does not read within the timeout, or closed the
     *                     connection during the write; the connection is dropped then
     */
    synchronized void send(byte[] data, int length) throws IOException {
        if (closed) {
            throw new IOException("sink is closed");
        }
        if (channel != null && peerClosed()) {
            LOG.debug("{}:{} closed the connection while idle; reconnecting", host, port);
            drop();
        }
        if (channel == null) {
            connect();
        }
        try {
            writeFully(ByteBuffer.wrap(data, 0, length));
            if (peerClosed()) {
                throw new IOException("Carbon at " + host + ":" + port + " closed the connection during the write");
            }
        } catch (IOException e) {
            drop();
            throw closed ? new IOException("sink is closed", e) : e;
        }
    }

    /** Whether a connection is open now (tests, status). */
    boolean connected() {
        return channel != null;
    }

    /** How many connections were opened so far. */
    long connects() {
        return connects;
    }

    /** Ends the connection for good; a send running on another thread fails fast instead of timing out. */
    @Override
    public void close() {
        closed = true;
        Selector sel = selector;
        if (sel != null) {
            sel.wakeup();
        }
        closeQuietly(channel, null);
        closeQuietly(connecting, null);
        synchronized (this) { // the running send, if any, has failed by now
            drop();
        }
    }

    private void connect() throws IOException {
        SocketChannel ch = SocketChannel.open();
        connecting = ch;
        Selector sel = null;
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            // resolved on every connect, so a DNS change or failover is picked up by the next retry
            ch.socket().connect(new InetSocketAddress(host, port), timeoutMillis);
            ch.configureBlocking(false);
            sel = Selector.open();
            ch.register(sel, 0);
        } catch (SocketTimeoutException e) {
            closeQuietly(ch, sel);
            throw new SocketTimeoutException("connect to " + host + ":" + port + " timed out after " + timeoutMillis + "ms");
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch, sel);
            throw closed ? new IOException("sink is closed") : new IOException("connect to " + host + ":" + port + ": " + e.getMessage(), e);
        } finally {
            connecting = null;
        }
        channel = ch;
        selector = sel;
        connects++;
        if (closed) { // deactivated while connecting
            drop();
            throw new IOException("sink is closed");
        }
        LOG.debug("connected to Carbon at {}:{}", host, port);
    }

    /** Writes everything, waiting at most the timeout each time Carbon makes no room. */
    private void writeFully(ByteBuffer buf) throws IOException {
        SocketChannel ch = channel;
        try {
            SelectionKey key = ch.keyFor(selector);
            while (buf.hasRemaining()) {
                if (ch.write(buf) > 0) {
                    continue;
                }
                key.interestOps(SelectionKey.OP_WRITE);
                int ready = selector.select(timeoutMillis);
                selector.selectedKeys().clear();
                key.interestOps(0);
                if (closed) {
                    throw new IOException("sink is closed");
                }
                if (ready == 0 && ch.write(buf) == 0) {
                    throw new SocketTimeoutException("write to " + host + ":" + port + " made no progress for "
                            + timeoutMillis + "ms (Carbon not reading: paused or overloaded?)");
                }
            }
        } catch (CancelledKeyException | ClosedSelectorException e) { // close() from another thread
            throw new IOException("sink is closed", e);
        }
    }

    /**
     * A non-blocking look for end-of-stream or a reset. Carbon sends nothing on its receiver ports, so
     * anything readable is either EOF/RST or garbage to discard.
     */
    private boolean peerClosed() {
        SocketChannel ch = channel;
        try {
            while (true) {
                scratch.clear();
                int n = ch.read(scratch);
                if (n < 0) {
                    return true;
                }
                if (n == 0) {
                    return false;
                }
            }
        } catch (IOException e) {
            return true;
        }
    }

    private void drop() {
        SocketChannel ch = channel;
        Selector sel = selector;
        channel = null;
        selector = null;
        closeQuietly(ch, sel);
    }

    private static void closeQuietly(SocketChannel ch, Selector sel) {
        try {
            if (ch != null) {
                ch.close();
            }
        } catch (IOException e) {
            LOG.debug("closing a socket", e);
        }
        try {
            if (sel != null) {
                sel.close();
            }
        } catch (IOException e) {
            LOG.debug("closing a selector", e);
        }
    }
}
