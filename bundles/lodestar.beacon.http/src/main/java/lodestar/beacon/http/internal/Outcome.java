package lodestar.beacon.http.internal;

/**
 * What one probe measured, over every redirect it followed. Phase times are sums over the requests
 * made (one per redirect hop) and NaN when the phase never happened (no TLS on plain HTTP, no first
 * byte when the connection was refused); {@code totalMillis} runs from the first DNS lookup to the last
 * byte of the final response, or to the failure.
 *
 * @param status    the final response's status code, or -1 when there was none
 * @param reason    the final response's reason phrase, or ""
 * @param sizeBytes the final response's body size in bytes (after de-chunking), or -1
 * @param body      the start of the final body (up to the probe's limit), decoded, or ""
 * @param error     why there is no usable response (refused, timed out, TLS, too many redirects), or null
 * @param redirects redirects followed
 */
record Outcome(double dnsMillis, double connectMillis, double tlsMillis, double ttfbMillis, double totalMillis,
        int status, String reason, long sizeBytes, String body, String error, int redirects) {

    boolean failed() {
        return error != null;
    }
}
