package lodestar.shell.internal;

import java.util.Optional;
import java.util.function.Function;

import lodestar.support.config.Units;

/**
 * The remote shell's framework properties. Same names as Felix's {@code org.apache.felix.shell.remote},
 * but off unless {@value #PORT} is set.
 *
 * @param ip             address to bind, {@value #DEFAULT_IP} by default
 * @param port           TCP port (0: any free port)
 * @param maxConnections connections served at once
 */
record RemoteShellSettings(String ip, int port, int maxConnections) {

    static final String PORT = "osgi.shell.telnet.port";
    static final String IP = "osgi.shell.telnet.ip";
    static final String MAX_CONNECTIONS = "osgi.shell.telnet.maxconn";
    static final String DEFAULT_IP = "127.0.0.1";
    static final int DEFAULT_MAX_CONNECTIONS = 2;

    /**
     * @param properties framework property lookup ({@code BundleContext::getProperty}), null when unset
     * @return empty when {@value #PORT} is unset or blank: the remote shell stays off
     * @throws IllegalArgumentException naming the property when a value is malformed
     */
    static Optional<RemoteShellSettings> from(Function<String, String> properties) {
        String port = trimmed(properties.apply(PORT));
        if (port == null) {
            return Optional.empty();
        }
        String ip = trimmed(properties.apply(IP));
        String max = trimmed(properties.apply(MAX_CONNECTIONS));
        return Optional.of(new RemoteShellSettings(
                ip == null ? DEFAULT_IP : ip,
                Units.port(PORT, integer(PORT, port)),
                max == null ? DEFAULT_MAX_CONNECTIONS : positive(MAX_CONNECTIONS, integer(MAX_CONNECTIONS, max))));
    }

    private static String trimmed(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static int integer(String property, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(property + ": expected a whole number, got '" + text + "'");
        }
    }

    private static int positive(String property, int n) {
        if (n < 1) {
            throw new IllegalArgumentException(property + ": must be at least 1, got " + n);
        }
        return n;
    }
}
