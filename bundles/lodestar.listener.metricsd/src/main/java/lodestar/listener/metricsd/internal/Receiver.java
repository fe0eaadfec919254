package lodestar.listener.metricsd.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.support.log.RateLimitedLog;

/** The UDP receiver thread: decodes each datagram and applies its commands to the {@link Registry}. */
final class Receiver implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Receiver.class);

    private final DatagramChannel channel;
    /** replaced when a configuration change needs a new registry (see MetricsdListener#modified) */
    private volatile Registry registry;
    private final Thread thread;
    private final PacketDecoder decoder = new PacketDecoder();
    private final RateLimitedLog badPacket = new RateLimitedLog(10_000, LOG::warn);
    /** running totals, shared by the receivers one listener opens over its life */
    final LongAdder packets;
    final LongAdder commands;
    final LongAdder protocolErrors;
    private volatile boolean running = true;
    private String host;

    Receiver(String bind, int port, Registry registry, String name) throws IOException {
        this(bind, port, registry, name, new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()});
    }

    /** @param totals packets, commands and protocol errors, counted on from where they are */
    Receiver(String bind, int port, Registry registry, String name, LongAdder[] totals) throws IOException {
        this.packets = totals[0];
        this.commands = totals[1];
        this.protocolErrors = totals[2];
        InetAddress addr = InetAddress.getByName(bind);
        channel = DatagramChannel.open(addr instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.bind(new InetSocketAddress(addr, port));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        this.registry = registry;
        this.thread = new Thread(this, name + "-" + port());
        thread.setDaemon(true);
    }

    void registry(Registry r) {
        this.registry = r;
    }

    int port() {
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            return -1;
        }
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        while (running) {
            SocketAddress from;
            buf.clear();
            try {
                from = channel.receive(buf);
            } catch (ClosedChannelException e) {
                break;
            } catch (IOException e) {
                if (running) {
                    LOG.warn("metricsd receive failed", e);
                }
                continue;
            }
            packets.increment();
            handle(buf.array(), buf.position(), from);
        }
    }

    /** One datagram; package-private so tests can feed bytes without a socket. */
    void handle(byte[] a, int len, Object from) {
        long nanos = System.nanoTime();
        try {
            decoder.decode(a, 0, len, h -> host = h, c -> {
                try {
                    registry.apply(host, c, nanos);
                } finally {
                    // counted once applied: whoever sees the count (status, a test) sees the registry changed
                    commands.increment();
                }
            });
        } catch (ProtocolError e) {
            protocolErrors.increment();
            badPacket.log(() -> "bad metricsd packet from " + from + ": " + e.getMessage()
                    + " (commands before it were applied, the rest of the packet dropped)");
        }
    }

    void close() {
        running = false;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing metricsd socket", e);
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
