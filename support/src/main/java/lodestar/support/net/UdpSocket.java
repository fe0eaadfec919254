package lodestar.support.net;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * One bound UDP socket, opened by {@link UdpSockets} (which keeps its kernel drops after it closes), with the
 * receive loop every blocking UDP listener uses ({@link #serve}).
 */
public final class UdpSocket implements Closeable {

    /** Large enough for any UDP datagram (65,507 bytes of payload over IPv4). */
    public static final int MAX_DATAGRAM = 65536;

    private final UdpSockets owner;
    private final DatagramChannel channel;
    private final int port;
    private final int receiveBuffer;
    /** the kernel's drop count for the port when this socket was opened */
    private final long dropsAtOpen;
    /** the highest count seen since, kept for when the socket is gone from /proc/net/udp */
    private long dropsSeen;

    UdpSocket(UdpSockets owner, DatagramChannel channel, int port, int receiveBuffer) {
        this.owner = owner;
        this.channel = channel;
        this.port = port;
        this.receiveBuffer = receiveBuffer;
        this.dropsAtOpen = Math.max(0, UdpReceiveBuffer.kernelDrops(port));
    }

    public DatagramChannel channel() {
        return channel;
    }

    /** The bound port (the one chosen when 0 was asked for); still answers once closed. */
    public int port() {
        return port;
    }

    /** The receive buffer the kernel granted (Linux reports twice what it accepted). */
    public int receiveBuffer() {
        return receiveBuffer;
    }

    /** Datagrams the kernel dropped for this socket since it was opened. */
    synchronized long drops() {
        if (channel.isOpen()) {
            long now = UdpReceiveBuffer.kernelDrops(port);
            if (now >= 0) {
                dropsSeen = Math.max(dropsSeen, now - dropsAtOpen);
            }
        }
        return dropsSeen;
    }

    /**
     * Receives datagrams, blocking, and gives each to {@code handler} until the socket is closed (then it
     * throws: {@link SupervisedReceiver} tells a requested stop from a failure). A handler that throws (or runs
     * out of memory or stack) drops that datagram only: counted as a failed input in {@code health}, logged at
     * most every 10 s.
     */
    public void serve(DatagramHandler handler, ListenerHealth health) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
        while (true) {
            buf.clear();
            SocketAddress from = channel.receive(buf);
            buf.flip();
            try {
                handler.datagram(buf, from);
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                health.inputFailed("datagram from " + from, e);
            }
        }
    }

    /** Closes the socket; its kernel drops are kept in the listener's total. */
    @Override
    public void close() throws IOException {
        drops(); // while the socket still has its line in /proc/net/udp
        owner.closed(this);
        channel.close();
    }
}
