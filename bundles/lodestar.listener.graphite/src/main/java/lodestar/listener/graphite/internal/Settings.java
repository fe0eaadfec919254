package lodestar.listener.graphite.internal;

import lodestar.support.config.Units;
import lodestar.support.net.TcpConnections;

/**
 * The validated configuration of one listener ({@link GraphiteListener.Config} checked and resolved).
 *
 * @param picklePort    0 when the pickle receiver is off
 * @param receiveBuffer the UDP socket's receive buffer in bytes, 0 for the system's default
 */
record Settings(String bind, int port, boolean udp, int picklePort, long receiveBuffer, int maxMessageSize, int maxLineLength,
        int maxConnections, long idleTimeoutMillis, long connectionMemory) {

    /** @throws IllegalArgumentException whose message starts with the property at fault */
    static Settings from(GraphiteListener.Config c) {
        String bind = c.bind() == null || c.bind().isBlank() ? "127.0.0.1" : c.bind().trim();
        long max = Units.bytes("maxMessageSize", c.maxMessageSize());
        if (max < 16 || max > 256L * 1024 * 1024) {
            throw new IllegalArgumentException("maxMessageSize: must be between 16B and 256MB, got '" + c.maxMessageSize() + "'");
        }
        if (c.maxLineLength() < 16 || c.maxLineLength() > 65536) {
            throw new IllegalArgumentException("maxLineLength: must be between 16 and 65536, got " + c.maxLineLength());
        }
        if (c.maxConnections() < 1) {
            throw new IllegalArgumentException("maxConnections: must be at least 1, got " + c.maxConnections());
        }
        long receiveBuffer = Units.bytes("receiveBuffer", c.receiveBuffer());
        if (receiveBuffer > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("receiveBuffer: at most 2GB, got '" + c.receiveBuffer() + "'");
        }
        long idleTimeoutMillis = Units.positiveDurationMillis("idleTimeout", c.idleTimeout());
        long connectionMemory = Units.bytes("connectionMemory", c.connectionMemory());
        if (connectionMemory < max || connectionMemory <= c.maxLineLength()) {
            throw new IllegalArgumentException("connectionMemory: must hold at least one message of maxMessageSize (" + max
                    + " bytes) and one line of maxLineLength, got '" + c.connectionMemory() + "'");
        }
        return new Settings(bind, Units.port("port", c.port()), c.udp(), Units.port("picklePort", c.picklePort()), receiveBuffer,
                (int) max, c.maxLineLength(), c.maxConnections(), idleTimeoutMillis, connectionMemory);
    }

    /** What the sockets are opened with: a change of it needs new sockets. */
    record Socket(String bind, int port, boolean udp, int picklePort, long receiveBuffer) {
    }

    Socket socket() {
        return new Socket(bind, port, udp, picklePort, receiveBuffer);
    }

    /**
     * Whether {@code other} can keep this configuration's sockets: the limits (message size, line length, the TCP
     * guards) apply to connections opened, and input received, from then on without them.
     */
    boolean sameSocket(Settings other) {
        return socket().equals(other.socket());
    }

    /** The guards of the TCP connections: how many, how long silent, how much unfinished input together. */
    TcpConnections.Limits tcpLimits() {
        return new TcpConnections.Limits(maxConnections, idleTimeoutMillis, connectionMemory);
    }
}
