package lodestar.listener.statsd.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.support.net.UdpReceiveBuffer;

/**
 * The UDP receiver thread: reads datagrams into a direct buffer and hands the bytes to the shards through
 * its {@link Router} (one copy into a shard's batch). It never parses and never waits for a shard; it reads
 * many datagrams per wake-up (see {@link #run}) and sleeps in a selector when no datagrams come.
 */
final class UdpReceiver implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(UdpReceiver.class);

    private final DatagramChannel channel;
    private final Selector selector;
    private final Router router;
    private final LongAdder packets;
    private final Thread thread;
    private final int port;
    final int receiveBuffer;
    private final Consumer<String> onError;
    private final Settings settings;
    private final int shardCount;
    private volatile boolean running = true;

    UdpReceiver(Settings s, Shard[] shards, LongAdder packets, LongAdder queueDrops, String name, Consumer<String> onError)
            throws IOException {
        InetAddress addr = InetAddress.getByName(s.bind);
        channel = DatagramChannel.open(addr instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, (int) s.receiveBuffer);
            receiveBuffer = channel.getOption(StandardSocketOptions.SO_RCVBUF);
            channel.bind(new InetSocketAddress(addr, s.port));
            channel.configureBlocking(false);
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        this.router = new Router(shards, queueDrops);
        this.packets = packets;
        this.onError = onError;
        this.settings = s;
        this.shardCount = shards.length;
        this.thread = new Thread(this, name + "-udp-" + port);
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
    }

    int port() {
        return port;
    }

    /** Logs (once per call) when the kernel gave less receive buffer than asked, with the sysctl to fix it. */
    void checkBuffer(long requested) {
        String warning = UdpReceiveBuffer.cappedWarning(requested, receiveBuffer);
        if (warning != null) {
            LOG.warn(warning);
        }
    }

    void start() {
        thread.start();
    }

    /** While datagrams keep coming, the receiver pauses this long when the socket is empty (see run). */
    static final long COALESCE_NANOS = 200_000L;
    /** Partly filled batches are handed on at least this often while datagrams keep coming. */
    static final long PUBLISH_NANOS = 5_000_000L;

    /**
     * Drains the socket, then: if datagrams were flowing, pauses {@link #COALESCE_NANOS} so that the next
     * wake-up reads many datagrams at once (the socket buffer, several MB, holds far more than a pause's
     * worth) instead of paying a wake-up per datagram; if nothing came during a pause, hands every batch on
     * and sleeps in the selector until the next datagram.
     */
    @Override
    public void run() {
        try {
            Warmup.run(settings, shardCount);
        } catch (RuntimeException e) {
            LOG.debug("warm-up failed (harmless)", e);
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        long lastPublish = System.nanoTime();
        int pending = 0;
        boolean flowing = false;
        try {
            while (running) {
                buf.clear();
                if (channel.receive(buf) == null) {
                    if (pending > 0) {
                        packets.add(pending);
                        pending = 0;
                    }
                    long now = System.nanoTime();
                    boolean due = now - lastPublish > PUBLISH_NANOS;
                    if (flowing && COALESCE_NANOS > 0) {
                        flowing = false;
                        if (due) {
                            router.publishAll();
                            lastPublish = now;
                        }
                        LockSupport.parkNanos(COALESCE_NANOS);
                        continue;
                    }
                    if (due || !flowing) {
                        router.publishAll();
                        lastPublish = now;
                    }
                    // with batches held back, wake up soon enough to hand them on in time
                    selector.select(due || !flowing ? 200 : 2);
                    selector.selectedKeys().clear();
                    flowing = false;
                    continue;
                }
                buf.flip();
                flowing = true;
                router.packet(buf);
                if (++pending == 256) {
                    packets.add(pending);
                    pending = 0;
                    long now = System.nanoTime();
                    if (now - lastPublish > PUBLISH_NANOS) {
                        router.publishAll();
                        lastPublish = now;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                LOG.error("statsd UDP receiver on port {} stopped", port, e);
                onError.accept("UDP receiver on port " + port + " stopped: " + e);
            }
        } finally {
            packets.add(pending);
            router.publishAll();
        }
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
            selector.close();
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing UDP channel", e);
        }
    }
}
