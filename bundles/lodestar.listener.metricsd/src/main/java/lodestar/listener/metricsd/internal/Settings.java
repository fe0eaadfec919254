package lodestar.listener.metricsd.internal;

import java.util.List;

import lodestar.support.cardinality.CardinalityGuard;
import lodestar.support.cardinality.CardinalityLimits;
import lodestar.support.config.Units;

/**
 * The validated configuration of one listener ({@link MetricsdListener.Config} checked and resolved).
 *
 * @param receiveBuffer the UDP socket's receive buffer in bytes, 0 for the system's default
 * @param flushMillis the interval of metrics no handler rule matches
 * @param handlers    the rules as configured ({@code regex=interval[:priority]}, several per entry with ';')
 * @param cardinality {@code maxMetrics} and the other limits on metrics, for the listener's guard
 * @param seriesTimeoutMillis a metric no command touched for this long is forgotten; 0 never
 */
record Settings(String bind, int port, long receiveBuffer, long flushMillis, List<String> handlers, HostNaming hostNaming,
        CardinalityLimits cardinality, long seriesTimeoutMillis) {

    /** @throws IllegalArgumentException whose message starts with the property at fault */
    static Settings from(MetricsdListener.Config c) {
        long flushMillis = Units.positiveDurationMillis("flushInterval", c.flushInterval());
        List<String> handlers = c.handlers() == null ? List.of() : List.of(c.handlers());
        Routes.parse(c.handlers(), flushMillis); // only to refuse a bad rule now
        HostNaming naming = HostNaming.parse(c.hostNaming() == null ? "" : c.hostNaming());
        if (c.maxMetrics() < 1) {
            throw new IllegalArgumentException("maxMetrics: must be at least 1, got " + c.maxMetrics());
        }
        CardinalityLimits limits = CardinalityLimits.of(c.maxMetrics(), c.maxNewSeries(), c.newSeriesInterval(), c.seriesOverflow());
        long seriesTimeout = Units.durationMillis("seriesTimeout", c.seriesTimeout());
        String bind = c.bind() == null || c.bind().isBlank() ? "127.0.0.1" : c.bind().trim();
        long receiveBuffer = Units.bytes("receiveBuffer", c.receiveBuffer());
        if (receiveBuffer > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("receiveBuffer: at most 2GB, got '" + c.receiveBuffer() + "'");
        }
        return new Settings(bind, Units.port("port", c.port()), receiveBuffer, flushMillis, handlers, naming, limits, seriesTimeout);
    }

    /** What the socket is opened with: a change of it needs a new socket. */
    record Socket(String bind, int port, long receiveBuffer) {
    }

    Socket socket() {
        return new Socket(bind, port, receiveBuffer);
    }

    /** Whether {@code other} can keep this configuration's socket. */
    boolean sameSocket(Settings other) {
        return socket().equals(other.socket());
    }

    /**
     * Whether {@code other} can keep this configuration's metrics (same intervals and names); the limits and the
     * timeout apply to a registry as it is.
     */
    boolean sameRegistry(Settings other) {
        return flushMillis == other.flushMillis && handlers.equals(other.handlers) && hostNaming == other.hostNaming;
    }

    Registry newRegistry(CardinalityGuard guard) {
        return new Registry(Routes.parse(handlers.toArray(new String[0]), flushMillis), hostNaming, guard, seriesTimeoutMillis);
    }
}
