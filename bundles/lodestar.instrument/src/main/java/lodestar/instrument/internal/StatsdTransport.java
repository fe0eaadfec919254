package lodestar.instrument.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;

/**
 * StatsD over UDP with DogStatsD tags for level and source: {@code name:value|c|#level:info,source:shop}; timers in
 * milliseconds ({@code |ms}). Lines are packed into datagrams of at most {@value #MAX_DATAGRAM} bytes. UDP says
 * nothing about delivery: a datagram the socket refuses counts as dropped, one lost on the way cannot be known.
 */
public final class StatsdTransport implements Transport {

    /** fits a 1500-byte Ethernet frame with IP and UDP headers */
    static final int MAX_DATAGRAM = 1432;

    private final DatagramChannel channel;
    private final ByteBuffer datagram = ByteBuffer.allocate(MAX_DATAGRAM);
    private final StringBuilder line = new StringBuilder(128);
    private long inDatagram;
    private long lost;

    public StatsdTransport(String host, int port) {
        try {
            channel = DatagramChannel.open();
            channel.connect(new InetSocketAddress(host, port));
            channel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot use " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean ready() {
        return true;
    }

    private boolean add(Instrument i, String type, long measurements) {
        line.append('|').append(type).append("|#level:").append(i.level).append(",source:").append(i.source);
        byte[] b = line.toString().getBytes(StandardCharsets.UTF_8);
        if (b.length + 1 > datagram.remaining() && datagram.position() > 0) {
            endRound();
        }
        if (b.length + 1 > datagram.remaining()) {
            return false; // a line longer than a datagram: names are bounded, so this does not happen
        }
        if (datagram.position() > 0) {
            datagram.put((byte) '\n');
        }
        datagram.put(b);
        inDatagram += measurements;
        return true;
    }

    private void head(Instrument i) {
        line.setLength(0);
        line.append(i.name).append(':');
    }

    @Override
    public boolean counter(Instrument i, long n, long epochSeconds) {
        head(i);
        line.append(n);
        return add(i, "c", n);
    }

    @Override
    public boolean timer(Instrument i, long nanos, long epochSeconds) {
        head(i);
        line.append(nanos / 1_000_000).append('.');
        String frac = Long.toString(nanos / 1000 % 1000);
        for (int k = frac.length(); k < 3; k++) {
            line.append('0');
        }
        line.append(frac);
        return add(i, "ms", 1);
    }

    @Override
    public boolean gauge(Instrument i, double value, long epochSeconds) {
        if (value < 0) {
            // StatsD reads a signed gauge value as a change: set 0 first, then the negative reading as one
            head(i);
            line.append('0');
            add(i, "g", 0);
        }
        head(i);
        Transport.number(line, value);
        return add(i, "g", 1);
    }

    @Override
    public void endRound() {
        if (datagram.position() == 0) {
            return;
        }
        datagram.flip();
        try {
            if (channel.write(datagram) == 0) {
                lost += inDatagram; // the socket's buffer is full
            }
        } catch (IOException e) {
            lost += inDatagram; // e.g. ICMP port unreachable from an earlier datagram: nobody listens
        }
        datagram.clear();
        inDatagram = 0;
    }

    @Override
    public long lost() {
        long l = lost;
        lost = 0;
        return l;
    }

    @Override
    public void close() {
        endRound();
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to send
        }
    }
}
