package lodestar.listener.graphite.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread serving the plaintext port (TCP and UDP) and the pickle port (TCP). Graphite
 * senders are few and send in bulk, so one thread keeps up and needs no locking.
 */
final class Receiver implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Receiver.class);

    private final Settings s;
    private final Handler handler;
    private final Stats stats;
    private final Selector selector;
    private final ServerSocketChannel lines;
    private final ServerSocketChannel pickles;
    private final DatagramChannel udp;
    private final Thread thread;
    private final ByteBuffer in = ByteBuffer.allocateDirect(65536);
    private final ByteBuffer heap = ByteBuffer.allocate(65536);
    private volatile boolean running = true;
    private volatile int open;

    Receiver(Settings s, Handler handler, Stats stats, String name) throws IOException {
        this.s = s;
        this.handler = handler;
        this.stats = stats;
        InetAddress addr = InetAddress.getByName(s.bind());
        Selector sel = Selector.open();
        ServerSocketChannel l = null;
        ServerSocketChannel p = null;
        DatagramChannel u = null;
        try {
            l = ServerSocketChannel.open();
            l.bind(new InetSocketAddress(addr, s.port()), 128);
            l.configureBlocking(false);
            l.register(sel, SelectionKey.OP_ACCEPT, "lines");
            int port = ((InetSocketAddress) l.getLocalAddress()).getPort();
            if (s.udp()) {
                u = DatagramChannel.open(addr instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
                u.bind(new InetSocketAddress(addr, port));
                u.configureBlocking(false);
                u.register(sel, SelectionKey.OP_READ, "udp");
            }
            if (s.picklePort() > 0) {
                p = ServerSocketChannel.open();
                p.bind(new InetSocketAddress(addr, s.picklePort()), 128);
                p.configureBlocking(false);
                p.register(sel, SelectionKey.OP_ACCEPT, "pickle");
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(l);
            closeQuietly(p);
            closeQuietly(u);
            sel.close();
            throw e;
        }
        this.selector = sel;
        this.lines = l;
        this.pickles = p;
        this.udp = u;
        this.thread = new Thread(this, name + "-" + port());
        thread.setDaemon(true);
    }

    int port() {
        try {
            return ((InetSocketAddress) lines.getLocalAddress()).getPort();
        } catch (IOException e) {
            return -1;
        }
    }

    int openConnections() {
        return open;
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        try {
            while (running) {
                selector.select(500);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept(key);
                    } else if (key.channel() == udp) {
                        datagrams();
                    } else if (key.isReadable()) {
                        read(key);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                LOG.error("graphite listener on port {} stopped", port(), e);
            }
        }
    }

    private void accept(SelectionKey key) throws IOException {
        SocketChannel c = ((ServerSocketChannel) key.channel()).accept();
        if (c == null) {
            return;
        }
        if (open >= s.maxConnections()) {
            stats.refusedConnections.increment();
            c.close();
            return;
        }
        c.configureBlocking(false);
        String peer = String.valueOf(c.getRemoteAddress());
        Connection conn = "pickle".equals(key.attachment()) ? new Connection.Pickles(peer, s.maxMessageSize())
                : new Connection.Lines(peer, s.maxLineLength());
        c.register(selector, SelectionKey.OP_READ, conn);
        stats.connections.increment();
        open++;
    }

    private void read(SelectionKey key) {
        SocketChannel c = (SocketChannel) key.channel();
        Connection conn = (Connection) key.attachment();
        heap.clear();
        int n;
        try {
            n = c.read(heap);
        } catch (IOException e) {
            n = -1;
        }
        boolean keep = true;
        if (n > 0) {
            heap.flip();
            keep = conn.consume(heap, handler);
        } else if (n < 0) {
            conn.end(handler);
            keep = false;
        }
        handler.flush();
        if (!keep) {
            key.cancel();
            closeQuietly(c);
            open--;
        }
    }

    private void datagrams() throws IOException {
        // drain what is queued, up to a bound so TCP clients are not starved by a UDP flood
        for (int i = 0; i < 256; i++) {
            in.clear();
            SocketAddress from = udp.receive(in);
            if (from == null) {
                break;
            }
            stats.udpPackets.increment();
            in.flip();
            heap.clear();
            heap.put(in).flip();
            byte[] a = heap.array();
            int len = heap.limit();
            int start = 0;
            String peer = from.toString();
            for (int j = 0; j <= len; j++) {
                if (j == len || a[j] == '\n') {
                    if (j - start > s.maxLineLength()) {
                        handler.badLine(peer, "line longer than maxLineLength", new String(a, start, Math.min(100, j - start), java.nio.charset.StandardCharsets.UTF_8));
                    } else if (j > start) {
                        handler.line(a, start, j - start, peer);
                    }
                    start = j + 1;
                }
            }
        }
        handler.flush();
    }

    void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey k : selector.keys()) {
            closeQuietly(k.channel());
        }
        closeQuietly(selector);
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.debug("closing", e);
            }
        }
    }
}
