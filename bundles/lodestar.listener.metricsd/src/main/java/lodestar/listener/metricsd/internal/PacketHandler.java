package lodestar.listener.metricsd.internal;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.support.log.RateLimitedLog;
import lodestar.support.net.DatagramHandler;

/**
 * Decodes each datagram and applies its commands to the {@link Registry}. One per listener, used by one receiver
 * thread at a time (the listener replaces its receiver, never runs two); its counters are the listener's totals.
 */
final class PacketHandler implements DatagramHandler {

    private static final Logger LOG = LoggerFactory.getLogger(PacketHandler.class);

    private final PacketDecoder decoder = new PacketDecoder();
    private final RateLimitedLog badPacket = new RateLimitedLog(10_000, LOG::warn);
    /** replaced when a configuration change needs a new registry (see MetricsdListener#modified) */
    private volatile Registry registry;
    final LongAdder packets = new LongAdder();
    final LongAdder commands = new LongAdder();
    /** packets refused as malformed */
    final LongAdder badInput = new LongAdder();
    private String host;

    PacketHandler(Registry registry) {
        this.registry = registry;
    }

    void registry(Registry r) {
        this.registry = r;
    }

    @Override
    public void datagram(ByteBuffer data, SocketAddress from) {
        packets.increment();
        handle(data.array(), data.limit(), from);
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
            badInput.increment();
            badPacket.log(() -> "bad metricsd packet from " + from + ": " + e.getMessage()
                    + " (commands before it were applied, the rest of the packet dropped)");
        }
    }
}
