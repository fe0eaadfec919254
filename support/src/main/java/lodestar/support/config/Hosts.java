package lodestar.support.config;

import java.io.IOException;
import java.net.InetAddress;

/**
 * This machine's name as sinks report it: the short host name ({@code web-1}, not
 * {@code web-1.dc1.example.com}), for a default {@code host} tag or a Librato source. One lookup rule
 * for every bundle, so the same machine has the same name in every backend.
 */
public final class Hosts {

    private Hosts() {
    }

    /**
     * The local host name up to its first dot: from {@link InetAddress#getLocalHost()}, else the
     * {@code HOSTNAME} environment variable, else {@code localhost}. Never null or blank. Not cached:
     * call it once, at activation (a lookup may take a moment when the resolver is slow).
     */
    public static String shortName() {
        String h;
        try {
            h = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            h = System.getenv("HOSTNAME");
        }
        return shorten(h);
    }

    /** {@code host} up to its first dot; {@code localhost} for null or blank. */
    static String shorten(String host) {
        if (host == null || host.isBlank()) {
            return "localhost";
        }
        int dot = host.indexOf('.');
        return dot > 0 ? host.substring(0, dot) : host;
    }
}
