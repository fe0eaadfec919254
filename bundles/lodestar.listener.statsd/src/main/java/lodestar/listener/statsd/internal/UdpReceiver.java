package lodestar.listener.statsd.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.support.net.UdpSocket;

/**
 * The UDP receive loop: reads datagrams into a direct buffer and hands the bytes to the shards through its
 * {@link Router} (one copy into a shard's batch). It never parses and never waits for a shard; it reads many
 * datagrams per wake-up (see {@link #serve}) and sleeps in a selector when no datagrams come. A
 * {@link lodestar.support.net.SupervisedReceiver} runs it, and reopens the socket if it fails.
 *
 * <p>It is not the blocking loop of {@link UdpSocket#serve}: one wake-up per datagram is what a StatsD load
 * (hundreds of thousands of one-line datagrams a second) cannot afford, hence the non-blocking socket, the
 * pause that lets datagrams gather, and the hand-off of partial batches on a deadline.
 */
final class UdpReceiver {

    private static final Logger LOG = LoggerFactory.getLogger(UdpReceiver.class);

    /** While datagrams keep coming, the receiver pauses this long when the socket is empty (see serve). */
    static final long COALESCE_NANOS = 200_000L;
    /** Partly filled batches are handed on at least this often while datagrams keep coming. */
    static final long PUBLISH_NANOS = 5_000_000L;

    /** A non-blocking UDP socket and the selector the loop sleeps in; closing it ends the loop. */
    static final class Endpoint implements Closeable {
        final UdpSocket socket;
        final Selector selector;

        private Endpoint(UdpSocket socket, Selector selector) {
            this.socket = socket;
            this.selector = selector;
        }

        static Endpoint of(UdpSocket socket) throws IOException {
            try {
                Selector selector = Selector.open();
                socket.channel().configureBlocking(false);
                socket.channel().register(selector, SelectionKey.OP_READ);
                return new Endpoint(socket, selector);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }

        int port() {
            return socket.port();
        }

        @Override
        public void close() throws IOException {
            try {
                selector.close(); // wakes a select in progress
            } finally {
                socket.close();
            }
        }
    }

    private final Router router;
    private final LongAdder packets;
    private final Settings settings;
    private final int shardCount;
    private boolean warmedUp;

    UdpReceiver(Settings s, Shard[] shards, LongAdder packets, LongAdder queueDrops) {
        this.router = new Router(shards, queueDrops);
        this.packets = packets;
        this.settings = s;
        this.shardCount = shards.length;
    }

    /**
     * Drains the socket, then: if datagrams were flowing, pauses {@link #COALESCE_NANOS} so that the next
     * wake-up reads many datagrams at once (the socket buffer, several MB, holds far more than a pause's
     * worth) instead of paying a wake-up per datagram; if nothing came during a pause, hands every batch on
     * and sleeps in the selector until the next datagram. Returns (throws) when the endpoint is closed.
     */
    void serve(Endpoint endpoint) throws IOException {
        if (!warmedUp) {
            warmedUp = true;
            try {
                Warmup.run(settings, shardCount);
            } catch (RuntimeException e) {
                LOG.debug("warm-up failed (harmless)", e);
            }
        }
        DatagramChannel channel = endpoint.socket.channel();
        Selector selector = endpoint.selector;
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        long lastPublish = System.nanoTime();
        int pending = 0;
        boolean flowing = false;
        try {
            while (true) {
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
        } finally {
            packets.add(pending);
            router.publishAll();
        }
    }
}
