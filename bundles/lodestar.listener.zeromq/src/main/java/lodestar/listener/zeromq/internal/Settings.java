package lodestar.listener.zeromq.internal;

import java.util.ArrayList;
import java.util.List;

import lodestar.support.cardinality.CardinalityLimits;
import lodestar.support.config.Units;
import lodestar.support.stats.TimerStats;

/**
 * The validated configuration of one listener ({@link ZeromqListener.Config} checked and resolved).
 *
 * @param connect     subscriber mode: the brokers' PUB endpoints to connect to; empty: broker mode
 * @param levels      subscriber mode: the levels subscribed to; empty: every level
 * @param flushMillis the aggregation window of counters and timers
 * @param handshakeMillis subscriber mode: how long a new connection may take to complete the ZeroMQ handshake before
 *                    it is dropped and made again (ZMQ_HANDSHAKE_IVL)
 */
record Settings(String bind, int port, boolean forward, List<String> connect, List<String> levels, long flushMillis,
        List<TimerStats.Percentile> percentiles, int receiveHwm, int sendHwm, long maxMessageSize, int maxTimerValues,
        int maxWindowValues, CardinalityLimits cardinality, long handshakeMillis) {

    /** @throws IllegalArgumentException whose message starts with the property at fault */
    static Settings from(ZeromqListener.Config c) {
        String bind = c.bind() == null || c.bind().isBlank() ? "127.0.0.1" : c.bind().trim();
        if (!bind.matches("[A-Za-z0-9.:*\\-\\[\\]]+")) {
            throw new IllegalArgumentException("bind: expected an address or host name, got '" + c.bind() + "'");
        }
        int port = Units.port("port", c.port());
        if (port == 65535) {
            throw new IllegalArgumentException("port: the upper port (port + 1) must exist, got 65535");
        }
        List<String> connect = list(c.connect());
        for (String e : connect) {
            if (!e.matches("tcp://[A-Za-z0-9.\\-\\[\\]:*]+:[0-9]{1,5}")) {
                throw new IllegalArgumentException("connect: expected tcp://host:port, got '" + e + "'");
            }
        }
        List<String> levels = list(c.levels());
        for (String l : levels) {
            if (l.length() > Measurement.MAX_LEVEL || !l.matches("[^\\s|;=,]+")) {
                throw new IllegalArgumentException("levels: a level is a word without spaces or '|', got '" + l + "'");
            }
        }
        long flushMillis = Units.positiveDurationMillis("flushInterval", c.flushInterval());
        List<TimerStats.Percentile> percentiles = TimerStats.percentiles("percentThreshold", c.percentThreshold());
        if (c.receiveHwm() < 1) {
            throw new IllegalArgumentException("receiveHwm: must be at least 1, got " + c.receiveHwm());
        }
        if (c.sendHwm() < 1) {
            throw new IllegalArgumentException("sendHwm: must be at least 1, got " + c.sendHwm());
        }
        long maxMessage = Units.bytes("maxMessageSize", c.maxMessageSize());
        if (maxMessage < 64 || maxMessage > 1 << 20) {
            throw new IllegalArgumentException("maxMessageSize: must be between 64 bytes and 1MB, got '" + c.maxMessageSize() + "'");
        }
        if (c.maxTimerValues() < 1) {
            throw new IllegalArgumentException("maxTimerValues: must be at least 1, got " + c.maxTimerValues());
        }
        if (c.maxWindowValues() < 1) {
            throw new IllegalArgumentException("maxWindowValues: must be at least 1, got " + c.maxWindowValues());
        }
        if (c.maxSeries() < 1) {
            throw new IllegalArgumentException("maxSeries: must be at least 1, got " + c.maxSeries());
        }
        long handshakeMillis = Units.positiveDurationMillis("handshakeTimeout", c.handshakeTimeout());
        if (handshakeMillis < 100 || handshakeMillis > 60_000) {
            throw new IllegalArgumentException("handshakeTimeout: must be between 100ms and 1m, got '" + c.handshakeTimeout() + "'");
        }
        CardinalityLimits limits = CardinalityLimits.of(c.maxSeries(), c.maxNewSeries(), c.newSeriesInterval(), c.seriesOverflow());
        return new Settings(bind, port, c.forward(), connect, levels, flushMillis, percentiles, c.receiveHwm(), c.sendHwm(),
                maxMessage, c.maxTimerValues(), c.maxWindowValues(), limits, handshakeMillis);
    }

    boolean subscriber() {
        return !connect.isEmpty();
    }

    /** {@code tcp://bind:port}; port 0 binds any free port. */
    String endpoint(int p) {
        String host = bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
        return "tcp://" + host + ":" + (p == 0 ? "*" : Integer.toString(p));
    }

    /** Entries of a list property; a .cfg gives one string, so commas separate too. */
    private static List<String> list(String[] values) {
        List<String> l = new ArrayList<>();
        for (String v : values == null ? new String[0] : values) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    l.add(part.trim());
                }
            }
        }
        return List.copyOf(l);
    }
}
