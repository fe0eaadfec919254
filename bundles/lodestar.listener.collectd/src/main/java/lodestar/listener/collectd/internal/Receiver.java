package lodestar.listener.collectd.internal;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.support.net.UdpReceiveBuffer;

/**
 * The socket side of a listener: a thread reading datagrams from a blocking UDP socket into a queue bounded by
 * bytes ({@code queueMemory}; beyond it datagrams are dropped and counted as {@code queue_drops}, never queued
 * without limit). It outlives an {@link Engine} when a configuration change leaves the address, receive buffer
 * and queue size as they were: the next engine's worker goes on reading the same queue, so no datagram is
 * refused or reordered by a change of, say, the prefix.
 */
final class Receiver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Receiver.class);

    /** the settings it was opened with */
    private final Settings opened;
    private final ArrayBlockingQueue<byte[]> queue;
    private final Stats stats;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final DatagramChannel channel;
    private final int port;
    private final int receiveBuffer;
    private final Thread thread;
    private final long kernelDropsAtStart;
    /** kernel drops of the sockets this one replaced */
    private final long kernelDropsBefore;
    private volatile boolean running = true;
    private volatile String failure;

    Receiver(String name, Settings s, Stats stats) throws IOException {
        this.opened = s;
        this.stats = stats;
        // a collectd packet is at most 1452 bytes by default; the count bound only matters for tiny packets
        this.queue = new ArrayBlockingQueue<>((int) Math.min(1 << 20, Math.max(1024, s.queueMemory / 256)));
        InetAddress addr = InetAddress.getByName(s.bind);
        channel = DatagramChannel.open(addr instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, (int) s.receiveBuffer);
            receiveBuffer = channel.getOption(StandardSocketOptions.SO_RCVBUF);
            channel.bind(new InetSocketAddress(addr, s.port));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        kernelDropsAtStart = Math.max(0, UdpReceiveBuffer.kernelDrops(port));
        kernelDropsBefore = stats.get(Stat.KERNEL_DROPS);
        String warning = UdpReceiveBuffer.cappedWarning(s.receiveBuffer, receiveBuffer);
        if (warning != null) {
            LOG.warn(warning);
        }
        thread = new Thread(this::receive, name + "-udp-" + port);
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
    }

    Receiver start() {
        thread.start();
        return this;
    }

    /** Whether these settings would open the same socket with the same queue, so this one can serve them. */
    boolean serves(Settings s) {
        return opened.bind.equals(s.bind) && opened.port == s.port && opened.receiveBuffer == s.receiveBuffer
                && opened.queueMemory == s.queueMemory;
    }

    int port() {
        return port;
    }

    int receiveBuffer() {
        return receiveBuffer;
    }

    long queuedBytes() {
        return queuedBytes.get();
    }

    /** What ended the receiving thread, or null while it runs. */
    String failure() {
        return failure;
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

    private void receive() {
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        try {
            while (running) {
                buf.clear();
                channel.receive(buf);
                buf.flip();
                int n = buf.remaining();
                if (n == 0) {
                    continue;
                }
                if (queuedBytes.get() + n > opened.queueMemory) {
                    stats.inc(Stat.QUEUE_DROPS);
                    continue;
                }
                byte[] packet = new byte[n];
                buf.get(packet);
                queuedBytes.addAndGet(n);
                if (!queue.offer(packet)) {
                    queuedBytes.addAndGet(-n);
                    stats.inc(Stat.QUEUE_DROPS);
                }
            }
        } catch (ClosedChannelException e) {
            // closing
        } catch (IOException | RuntimeException e) {
            if (running) {
                failure = "receiver stopped: " + e;
                LOG.error("collectd receiver on port {} stopped", port, e);
            }
        }
    }

    /** Updates the kernel's drop count of this socket into the statistics. */
    void countKernelDrops() {
        long kd = UdpReceiveBuffer.kernelDrops(port);
        if (kd >= 0) { // a closed socket has no line in /proc/net/udp: keep the last count
            stats.set(Stat.KERNEL_DROPS, kernelDropsBefore + Math.max(0, kd - kernelDropsAtStart));
        }
    }

    @Override
    public void close() {
        countKernelDrops(); // while the socket still has a line in /proc/net/udp
        running = false;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing channel", e);
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
