package lodestar.listener.collectd.internal;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import lodestar.support.net.ListenerHealth;
import lodestar.support.net.SupervisedReceiver;
import lodestar.support.net.UdpSocket;
import lodestar.support.net.UdpSockets;

/**
 * The socket side of a listener: a supervised thread reading datagrams from a blocking UDP socket into a queue
 * bounded by bytes ({@code queueMemory}; beyond it datagrams are dropped and counted as {@code queue_drops},
 * never queued without limit). If the thread stops, it reopens the same address with backoff (see
 * {@link SupervisedReceiver}). It outlives an {@link Engine} when a configuration change keeps the address,
 * receive buffer and queue size: the next engine's worker goes on reading the same queue, so no datagram is
 * refused or reordered by a change of, say, the prefix.
 */
final class Receiver implements AutoCloseable {

    /** the settings it was opened with */
    private final Settings opened;
    private final ArrayBlockingQueue<byte[]> queue;
    private final Stats stats;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final SupervisedReceiver<UdpSocket> receiver;

    /**
     * Opens the socket now; on {@code s.port()}, or where the socket it replaces after a failure was.
     *
     * @param retry keep trying in the background when the address cannot be opened now (going back to the
     *        address a failed change came from), rather than throwing
     */
    Receiver(String name, Settings s, Stats stats, UdpSockets sockets, ListenerHealth health, boolean retry) throws IOException {
        this.opened = s;
        this.stats = stats;
        // a collectd packet is at most 1452 bytes by default; the count bound only matters for tiny packets
        this.queue = new ArrayBlockingQueue<>((int) Math.min(1 << 20, Math.max(1024, s.queueMemory() / 256)));
        SupervisedReceiver<UdpSocket> r = new SupervisedReceiver<UdpSocket>(name + " UDP receiver",
                previous -> sockets.open(s.bind(), previous == null ? s.port() : previous.port(), s.receiveBuffer()),
                socket -> socket.serve(this::enqueue, health), health).priority(Thread.MAX_PRIORITY);
        this.receiver = retry ? r.startOrRetry() : r.start();
    }

    /** Whether these settings would open the same socket with the same queue, so this one can serve them. */
    boolean serves(Settings s) {
        return opened.sameSocket(s);
    }

    /** The port in use (the one chosen for port 0), also while the receiver is down; -1 before any. */
    int port() {
        UdpSocket s = receiver.lastSocket();
        return s == null ? -1 : s.port();
    }

    int receiveBuffer() {
        UdpSocket s = receiver.lastSocket();
        return s == null ? -1 : s.receiveBuffer();
    }

    long queuedBytes() {
        return queuedBytes.get();
    }

    /** For tests that break the socket. */
    SupervisedReceiver<UdpSocket> supervised() {
        return receiver;
    }

    /** Takes the next datagram off the queue (the worker's side). */
    byte[] poll(long timeoutMillis) throws InterruptedException {
        byte[] p = timeoutMillis > 0 ? queue.poll(timeoutMillis, TimeUnit.MILLISECONDS) : queue.poll();
        if (p != null) {
            queuedBytes.addAndGet(-p.length);
        }
        return p;
    }

    /** Puts a marker behind everything received so far, for the worker that is to stop there. */
    boolean mark(byte[] marker) throws InterruptedException {
        return queue.offer(marker, 5, TimeUnit.SECONDS);
    }

    /** The receiving thread's side: never waits; a full queue costs the datagram. */
    private void enqueue(ByteBuffer data, SocketAddress from) {
        int n = data.remaining();
        if (n == 0) {
            return;
        }
        if (queuedBytes.get() + n > opened.queueMemory()) {
            stats.inc(Stat.QUEUE_DROPS);
            return;
        }
        byte[] packet = new byte[n];
        data.get(packet);
        queuedBytes.addAndGet(n);
        if (!queue.offer(packet)) {
            queuedBytes.addAndGet(-n);
            stats.inc(Stat.QUEUE_DROPS);
        }
    }

    @Override
    public void close() {
        receiver.close();
    }
}
