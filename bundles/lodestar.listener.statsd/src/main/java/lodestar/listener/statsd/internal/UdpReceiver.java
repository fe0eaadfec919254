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

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP receiver thread: reads datagrams into a direct buffer and hands the bytes to the shards through
 * its {@link Router}. It never parses and never waits for a shard; when no datagram is ready it hands on
 * partial batches and sleeps in a selector.
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
    private volatile boolean running = true;

    UdpReceiver(Settings s, Shard[] shards, LongAdder packets, LongAdder queueDrops, String name) throws IOException {
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
        this.thread = new Thread(this, name + "-udp-" + port);
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
    }

    int port() {
        return port;
    }

    /** Logs (once per call) when the kernel gave less receive buffer than asked, with the sysctl to fix it. */
    void checkBuffer(long requested) {
        long max = KernelDrops.rmemMax();
        // Linux reports twice the size it accepted (bookkeeping overhead) and caps the request at rmem_max
        boolean capped = max >= 0 ? requested > max : receiveBuffer < requested;
        if (capped) {
            LOG.warn("receiveBuffer: asked for {} bytes, the kernel granted {} (net.core.rmem_max={}); bursts beyond "
                    + "that are dropped by the kernel. To fix: sysctl -w net.core.rmem_max={}",
                    requested, receiveBuffer, max, requested);
        }
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        long lastPublish = System.nanoTime();
        int k = 0;
        try {
            while (running) {
                buf.clear();
                if (channel.receive(buf) == null) {
                    boolean held = router.publishIdle();
                    if (held && System.nanoTime() - lastPublish > 10_000_000L) {
                        router.publishAll();
                        held = false;
                    }
                    if (!held) {
                        lastPublish = System.nanoTime();
                    }
                    selector.select(held ? 1 : 200);
                    selector.selectedKeys().clear();
                    continue;
                }
                buf.flip();
                packets.increment();
                router.packet(buf);
                if ((++k & 255) == 0) {
                    long now = System.nanoTime();
                    if (now - lastPublish > 10_000_000L) {
                        router.publishAll();
                        lastPublish = now;
                    }
                }
            }
        } catch (IOException e) {
            if (running) {
                LOG.error("statsd UDP receiver on port {} stopped", port, e);
            }
        } finally {
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
