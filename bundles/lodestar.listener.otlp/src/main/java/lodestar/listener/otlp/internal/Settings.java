package lodestar.listener.otlp.internal;

import java.util.LinkedHashSet;
import java.util.Set;
import lodestar.support.config.Units;

/**
 * The OTLP listener's settings, checked: built only by {@link #from(OtlpListener.Config)}, which throws
 * {@link IllegalArgumentException} starting with the property at fault.
 *
 * @param socket               where the server listens
 * @param maxBodySize          largest request body taken as sent (compressed or not), bytes
 * @param maxDecompressedSize  largest body once gunzipped, bytes
 * @param maxConcurrentRequests requests decoded at once; more are answered 503 at once
 * @param maxDataPoints        most data points in one request
 * @param resourceTags         resource attributes that become tags
 * @param scopeTags            scope attributes that become tags
 * @param ackTimeoutMillis     0: answer 200 once the pipeline took the samples; more: wait up to this long for every
 *                             sink to have them written or spooled, and answer 503 if they are not
 */
record Settings(Socket socket, long maxBodySize, long maxDecompressedSize, int maxConcurrentRequests, int maxDataPoints,
        Set<String> resourceTags, Set<String> scopeTags, long ackTimeoutMillis) {

    /** What the server socket is opened with: a change here means a new server. */
    record Socket(String bind, int port) {
    }

    static Settings from(OtlpListener.Config c) {
        String bind = c.bind() == null ? "" : c.bind().trim();
        if (bind.isEmpty()) {
            throw new IllegalArgumentException("bind: must be an address, such as 127.0.0.1 or 0.0.0.0");
        }
        int port = Units.port("port", c.port());
        long body = Units.bytes("maxBodySize", c.maxBodySize());
        if (body < 1 || body > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("maxBodySize: must be between 1B and 2GB, got " + c.maxBodySize());
        }
        long inflated = Units.bytes("maxDecompressedSize", c.maxDecompressedSize());
        if (inflated < body || inflated > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("maxDecompressedSize: must be at least maxBodySize (" + c.maxBodySize()
                    + ") and below 2GB, got " + c.maxDecompressedSize());
        }
        if (c.maxConcurrentRequests() < 1 || c.maxConcurrentRequests() > 256) {
            throw new IllegalArgumentException("maxConcurrentRequests: must be between 1 and 256, got " + c.maxConcurrentRequests());
        }
        if (c.maxDataPoints() < 1) {
            throw new IllegalArgumentException("maxDataPoints: must be at least 1, got " + c.maxDataPoints());
        }
        long ack = Units.durationMillis("ackTimeout", c.ackTimeout());
        return new Settings(new Socket(bind, port), body, inflated, c.maxConcurrentRequests(), c.maxDataPoints(),
                names("resourceTags", c.resourceTags()), names("scopeTags", c.scopeTags()), ack);
    }

    private static Set<String> names(String property, String[] values) {
        Set<String> out = new LinkedHashSet<>();
        if (values != null) {
            for (String v : values) {
                // one property may hold a comma-separated list (a .cfg line) or several values (a typed .config)
                for (String part : v.split(",")) {
                    String t = part.trim();
                    if (!t.isEmpty()) {
                        out.add(t);
                    }
                }
            }
        }
        return Set.copyOf(out);
    }

    boolean sameSocket(Settings other) {
        return socket.equals(other.socket);
    }
}
