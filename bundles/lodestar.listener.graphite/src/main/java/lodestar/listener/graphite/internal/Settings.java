package lodestar.listener.graphite.internal;

import lodestar.support.config.Units;

/** The validated configuration. */
record Settings(String bind, int port, boolean udp, int picklePort, int maxMessageSize, int maxLineLength,
        int maxConnections) {

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
}
