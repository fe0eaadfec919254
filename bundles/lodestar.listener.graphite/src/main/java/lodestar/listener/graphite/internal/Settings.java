package lodestar.listener.graphite.internal;

import lodestar.support.config.Units;

/**
 * The validated configuration of one listener ({@link GraphiteListener.Config} checked and resolved).
 *
 * @param picklePort 0 when the pickle receiver is off
 */
record Settings(String bind, int port, boolean udp, int picklePort, int maxMessageSize, int maxLineLength,
        int maxConnections) {

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
        return new Settings(bind, Units.port("port", c.port()), c.udp(), Units.port("picklePort", c.picklePort()),
                (int) max, c.maxLineLength(), c.maxConnections());
    }

    /** What the sockets are opened with: a change of it needs new sockets. */
    record Socket(String bind, int port, boolean udp, int picklePort) {
    }

    Socket socket() {
        return new Socket(bind, port, udp, picklePort);
    }

    /**
     * Whether {@code other} can keep this configuration's sockets: the limits (message size, line length,
     * connections) apply to connections opened from then on without them.
     */
    boolean sameSocket(Settings other) {
        return socket().equals(other.socket());
    }
}
