package lodestar.support.net;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.HashSet;
import java.util.Set;

/**
 * The UDP sockets one listener opens over its life (a configuration change or a recovery opens new ones).
 * Opens them all alike: IPv4 or IPv6 as the bind address is, the receive buffer set with one warning per size
 * when the kernel grants less ({@link UdpReceiveBuffer#cappedWarning}), port 0 for any free port. Keeps the
 * kernel's drop count (datagrams lost because the socket buffer was full) as one running total across them.
 * Thread-safe.
 */
public final class UdpSockets {

    private final NetLog log;
    /** the receive buffer size last warned about, so that a reopened socket does not repeat the warning */
    private long warnedFor = -1;
    /** drops of the sockets already closed */
    private long closedDrops;
    private final Set<UdpSocket> open = new HashSet<>();
    /** whether the operator wrote the receive buffer size, or the listener's default applies */
    private boolean operatorBuffer = true;

    public UdpSockets(NetLog log) {
        this.log = log;
    }

    /**
     * Opens and binds a socket in blocking mode.
     *
     * @param bind          the address to listen on ({@code 0.0.0.0}, {@code ::} for every interface)
     * @param port          0 for any free port
     * @param receiveBuffer SO_RCVBUF in bytes, or 0 to leave the system's default
     */
    public UdpSocket open(String bind, int port, long receiveBuffer) throws IOException {
        if (receiveBuffer < 0 || receiveBuffer > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("receiveBuffer: must be between 0 and 2GB, got " + receiveBuffer);
        }
        InetAddress addr = InetAddress.getByName(bind);
        DatagramChannel ch = DatagramChannel.open(addr instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        UdpSocket s;
        try {
            if (receiveBuffer > 0) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, (int) receiveBuffer);
            }
            ch.bind(new InetSocketAddress(addr, port));
            s = new UdpSocket(this, ch, ((InetSocketAddress) ch.getLocalAddress()).getPort(), ch.getOption(StandardSocketOptions.SO_RCVBUF));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        warnIfCapped(receiveBuffer, s.receiveBuffer());
        synchronized (this) {
            open.add(s);
        }
        return s;
    }

    /**
     * Says whether the receive buffer size given to {@link #open} is one the operator configured (the default
     * assumption) or the listener's built-in default. A stock kernel (net.core.rmem_max 208 KB) caps every
     * listener's default: that is worth one INFO line with the fix, not a warning at every first start; a size the
     * operator asked for and did not get is a warning.
     */
    public synchronized void receiveBufferConfigured(boolean byOperator) {
        if (byOperator != operatorBuffer) {
            operatorBuffer = byOperator;
            warnedFor = -1;
        }
    }

    private synchronized void warnIfCapped(long requested, int granted) {
        if (requested > 0 && requested != warnedFor) {
            warnedFor = requested;
            String warning = UdpReceiveBuffer.cappedWarning(requested, granted);
            if (warning == null) {
                return;
            }
            if (operatorBuffer) {
                log.warn(warning);
            } else {
                log.info(warning.replace("receiveBuffer: asked for", "receiveBuffer: the default,")
                        + " (only needed for heavy traffic: see the README, \"UDP receive buffers\")");
            }
        }
    }

    /** Datagrams the kernel dropped for these sockets since the listener started; 0 where unknown (not Linux). */
    public synchronized long kernelDrops() {
        long total = closedDrops;
        for (UdpSocket s : open) {
            total += s.drops();
        }
        return total;
    }

    synchronized void closed(UdpSocket s) {
        if (open.remove(s)) {
            closedDrops += s.drops();
        }
    }
}
