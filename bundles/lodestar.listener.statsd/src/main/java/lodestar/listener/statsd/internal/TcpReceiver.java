package lodestar.listener.statsd.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StatsD over TCP: newline-framed lines from any number of connections, served by one selector thread.
 * Like Etsy's tcp server, every read that completes at least one line is one "packet"; a trailing partial
 * line waits for the rest and is dropped when the connection closes.
 */
final class TcpReceiver implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TcpReceiver.class);
    private static final int BUFFER = 65536;

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Router router;
    private final LongAdder packets;
    private final int maxLine;
    private final Thread thread;
    private volatile boolean running = true;

    TcpReceiver(Settings s, int port, Shard[] shards, LongAdder packets, LongAdder queueDrops, String name) throws IOException {
        server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(InetAddress.getByName(s.bind), port), 128);
            server.configureBlocking(false);
            selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        this.router = new Router(shards, queueDrops);
        this.packets = packets;
        this.maxLine = s.maxLineLength;
        this.thread = new Thread(this, name + "-tcp-" + port);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Per connection: bytes not yet ending in '\n', and whether we are skipping an overlong line. */
    private static final class Conn {
        final ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        boolean skipping;
    }

    @Override
    public void run() {
        try {
            while (running) {
                selector.select(200);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        SocketChannel c = server.accept();
                        if (c != null) {
                            c.configureBlocking(false);
                            c.register(selector, SelectionKey.OP_READ, new Conn());
                        }
                    } else if (key.isReadable()) {
                        read(key);
                    }
                }
                router.publishAll();
            }
        } catch (IOException e) {
            if (running) {
                LOG.error("statsd TCP receiver stopped", e);
            }
        } finally {
            router.publishAll();
        }
    }

    private void read(SelectionKey key) {
        SocketChannel c = (SocketChannel) key.channel();
        Conn conn = (Conn) key.attachment();
        ByteBuffer b = conn.buf;
        int n;
        try {
            n = c.read(b);
        } catch (IOException e) {
            n = -1;
        }
        if (n < 0) {
            key.cancel();
            try {
                c.close();
            } catch (IOException e) {
                LOG.debug("closing TCP connection", e);
            }
            return;
        }
        byte[] a = b.array();
        int pos = b.position();
        int start = 0;
        if (conn.skipping) {
            int nl = Bytes.indexOf(a, 0, pos, (byte) '\n');
            if (nl < 0) {
                b.clear();
                return;
            }
            conn.skipping = false;
            start = nl + 1;
        }
        int last = -1;
        for (int i = pos - 1; i >= start; i--) {
            if (a[i] == '\n') {
                last = i;
                break;
            }
        }
        if (last >= 0) {
            packets.increment();
            router.packet(a, start, last - start);
            start = last + 1;
        } else if (pos - start >= BUFFER - 1 || pos == BUFFER) {
            // a line longer than the buffer: let the shard count it as overlong, skip the rest of it
            packets.increment();
            router.packet(a, start, Math.min(pos - start, maxLine + 1));
            conn.skipping = true;
            b.clear();
            return;
        }
        System.arraycopy(a, start, a, 0, pos - start);
        b.position(pos - start);
    }

    void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            for (SelectionKey k : selector.keys()) {
                k.channel().close();
            }
            selector.close();
            server.close();
        } catch (IOException e) {
            LOG.debug("closing TCP server", e);
        }
    }
}
