package lodestar.beacon.http.internal;

/**
 * Accumulates phase times over the hops of one probe. Not thread-safe: one probe, one thread.
 */
final class Timings {

    private final long start = System.nanoTime();
    private double dns = Double.NaN;
    private double connect = Double.NaN;
    private double tls = Double.NaN;
    private double ttfb = Double.NaN;

    /** Nanoseconds since the probe started. */
    long now() {
        return System.nanoTime();
    }

    void dns(long fromNanos) {
        dns = add(dns, fromNanos, now());
    }

    void connect(long fromNanos) {
        connect = add(connect, fromNanos, now());
    }

    void tls(long fromNanos) {
        tls = add(tls, fromNanos, now());
    }

    void ttfb(long fromNanos, long firstByteNanos) {
        ttfb = add(ttfb, fromNanos, firstByteNanos);
    }

    Outcome outcome(int status, String reason, long size, String body, String error, int redirects) {
        double total = (now() - start) / 1e6;
        return new Outcome(dns, connect, tls, ttfb, total, status, reason, size, body, error, redirects);
    }

    private static double add(double sum, long from, long to) {
        double ms = Math.max(0, to - from) / 1e6;
        return Double.isNaN(sum) ? ms : sum + ms;
    }
}
