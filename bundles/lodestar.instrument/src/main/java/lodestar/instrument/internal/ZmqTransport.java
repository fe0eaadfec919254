package lodestar.instrument.internal;

import java.nio.charset.StandardCharsets;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Zibrato's wire: one single-frame text message per measurement, {@code level|mtype|name|value|timestamp|source},
 * published to the broker's lower port. The socket is an XPUB rather than Zibrato's PUB (the same wire for the
 * broker's SUB): it hears the broker's subscription, so nothing is sent before a broker listens (a PUB would
 * silently drop it). A socket monitor tells when the connection drops: nothing is sent until it is back (counters
 * keep summing, durations wait in the queue), and what was sent in the last moments before may have been lost
 * in transit with the broker: that is counted as {@link #lost()} (an upper bound: some of it may have arrived).
 */
public final class ZmqTransport implements Transport {

    /** the longest in-flight window counted; what was sent this long before a broker went away may be lost */
    static final long MAX_IN_FLIGHT_MILLIS = 5000;

    private final ZContext context;
    private final ZMQ.Socket socket;
    private final ZMQ.Socket monitor;
    private boolean connected;
    private final StringBuilder line = new StringBuilder(128);
    private int subscriptions;
    private long lost;
    /** measurements sent per 100 ms slot, over the last IN_FLIGHT_MILLIS */
    private final long[] sentPerSlot = new long[(int) (MAX_IN_FLIGHT_MILLIS / 100)];
    private final long[] slotTime = new long[sentPerSlot.length];

    /**
     * what was sent this long before the disconnection is counted as lost: two send rounds (the sender sees the
     * disconnection at the start of the round after the one that sent into the broken connection) and a margin
     */
    private final long inFlightMillis;

    public ZmqTransport(String endpoint, int highWaterMark, int lingerMillis, long flushMillis) {
        inFlightMillis = Math.min(MAX_IN_FLIGHT_MILLIS, Math.max(500, 2 * flushMillis + 200));
        context = new ZContext(1);
        try {
            socket = context.createSocket(SocketType.XPUB);
            socket.setSndHWM(highWaterMark);
            socket.setLinger(lingerMillis);
            socket.setReconnectIVL(100);
            socket.setReconnectIVLMax(2000);
            // JeroMQ 0.6.0 leaves a few per cent of new outgoing connections deaf (its poller never registers the
            // engine's channel: lodestar.listener.zeromq's README) until the handshake timer drops them, 30 s by
            // default: a short one makes such a connection again soon, and nothing is sent meanwhile (ready()).
            socket.setHandshakeIvl(5000);
            String monitorAt = "inproc://lodestar-instruments-monitor-" + System.identityHashCode(this);
            socket.monitor(monitorAt, ZMQ.EVENT_CONNECTED | ZMQ.EVENT_DISCONNECTED | ZMQ.EVENT_HANDSHAKE_PROTOCOL);
            monitor = context.createSocket(SocketType.PAIR);
            monitor.connect(monitorAt);
            socket.connect(endpoint);
        } catch (RuntimeException e) {
            context.close();
            throw new IllegalArgumentException("cannot connect to " + endpoint + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void poll() {
        byte[] m;
        while ((m = socket.recv(ZMQ.DONTWAIT)) != null) {
            if (m.length > 0 && m[0] == 1) {
                subscriptions++;
            } else if (m.length > 0 && m[0] == 0 && subscriptions > 0) {
                subscriptions--;
            }
        }
        ZMQ.Event e;
        while ((e = ZMQ.Event.recv(monitor, ZMQ.DONTWAIT)) != null) {
            if (e.getEvent() == ZMQ.EVENT_DISCONNECTED) {
                if (connected) {
                    lost += recentlySent();
                }
                connected = false;
            } else {
                connected = true;
            }
        }
    }

    @Override
    public boolean ready() {
        return connected && subscriptions > 0;
    }

    private long recentlySent() {
        long now = System.currentTimeMillis();
        long n = 0;
        for (int i = 0; i < sentPerSlot.length; i++) {
            if (now - slotTime[i] <= inFlightMillis) {
                n += sentPerSlot[i];
            }
            sentPerSlot[i] = 0;
        }
        return n;
    }

    private void sent(long measurements) {
        long now = System.currentTimeMillis();
        int slot = (int) ((now / 100) % sentPerSlot.length);
        if (now - slotTime[slot] >= 100) {
            slotTime[slot] = now - now % 100;
            sentPerSlot[slot] = 0;
        }
        sentPerSlot[slot] += measurements;
    }

    private void start(Instrument i, String mtype) {
        line.setLength(0);
        line.append(i.level).append('|').append(mtype).append('|').append(i.name).append('|');
    }

    private boolean send(Instrument i, long epochSeconds, long measurements) {
        line.append('|').append(epochSeconds).append('|').append(i.source);
        boolean ok = socket.send(line.toString().getBytes(StandardCharsets.UTF_8), ZMQ.DONTWAIT);
        if (ok) {
            sent(measurements);
        }
        return ok;
    }

    @Override
    public boolean counter(Instrument i, long n, long epochSeconds) {
        start(i, "Counter");
        line.append(n);
        return send(i, epochSeconds, n);
    }

    @Override
    public boolean timer(Instrument i, long nanos, long epochSeconds) {
        start(i, "Timer");
        long micros = nanos / 1000;
        line.append(micros / 1_000_000).append('.');
        String frac = Long.toString(micros % 1_000_000);
        for (int k = frac.length(); k < 6; k++) {
            line.append('0');
        }
        line.append(frac);
        return send(i, epochSeconds, 1);
    }

    @Override
    public boolean gauge(Instrument i, double value, long epochSeconds) {
        start(i, "Gauge");
        Transport.number(line, value);
        return send(i, epochSeconds, 1);
    }

    @Override
    public long lost() {
        long l = lost;
        lost = 0;
        return l;
    }

    @Override
    public void close() {
        context.close(); // waits up to the linger for what is queued to go out
    }
}
