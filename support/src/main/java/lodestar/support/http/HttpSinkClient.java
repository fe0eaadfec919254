package lodestar.support.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * What every HTTP sink does the same way: checking its {@code url} property, and POSTing a request body
 * to one endpoint with {@code java.net.http}: HTTP/1.1, a connect and request timeout, optional gzip
 * ({@code Content-Encoding: gzip}) and an {@code Authorization} header. The sink keeps its protocol:
 * encoding the body, and deciding what an answer means (taken, refused as bad data, or retried).
 *
 * <pre>
 * URI base = HttpSinkClient.baseUrl(config.url(), "username/password");
 * http = new HttpSinkClient("KairosDB", HttpSinkClient.endpoint(base, "/api/v1/datapoints"), "application/json",
 *         timeoutMillis, config.gzip(), HttpSinkClient.basicAuthorization("username", user, password));
 * HttpSinkClient.Response r = http.post(json.getBytes(StandardCharsets.UTF_8));
 * if (!r.isSuccess()) {
 *     http.renew();
 *     throw new IOException("KairosDB at " + http.endpoint() + " answered " + r.status() + ": "
 *             + HttpSinkClient.abbreviate(r.body()));
 * }
 * </pre>
 *
 * A failed connection or a timeout throws from {@link #post}; the JDK's client never reuses a connection that
 * failed, so the runner's retry starts on a fresh one, as the {@code Sink} contract asks. One {@code HttpClient}
 * serves the sink's whole life: each one owns a selector thread and descriptors until it is closed (Java 21+)
 * or collected, so a dead backend retried for hours must not make one per attempt. Meant for one writer thread at
 * a time (the core's runner calls a sink's {@code write} from one thread); {@link #renew()} and {@link #post} are
 * safe to call from others. {@link #close()} at deactivation.
 */
public final class HttpSinkClient implements AutoCloseable {

    /** How much of an answer {@link #abbreviate(String)} keeps for a log line or an exception message. */
    public static final int ERROR_CHARS = 300;

    /** Where clients cannot be closed (Java 17 to 20), how often {@link #renew()} may make a new one. */
    private static final long RENEW_AT_MOST_EVERY_NANOS = 60_000_000_000L;

    /**
     * A backend's answer.
     *
     * @param status the HTTP status code
     * @param body   the body as UTF-8 text, empty when there was none
     */
    public record Response(int status, String body) {

        /** A 2xx status. */
        public boolean isSuccess() {
            return status / 100 == 2;
        }
    }

    private final String backend;
    private final URI endpoint;
    private final String contentType;
    private final Duration timeout;
    private final boolean gzip;
    private final String authorization;
    private final Map<String, String> headers;
    private volatile HttpClient client;
    private volatile long renewedAt = System.nanoTime() - RENEW_AT_MOST_EVERY_NANOS - 1;

    /**
     * @param backend       the backend's name for messages ({@code "OpenTSDB"}): {@code "<backend> at <endpoint>: ..."}
     * @param endpoint      where every request goes (see {@link #endpoint(URI, String)})
     * @param contentType   the requests' {@code Content-Type}
     * @param timeoutMillis connect timeout, and how long a request may take until its answer
     * @param gzip          whether request bodies are compressed
     * @param authorization the {@code Authorization} header's value ({@link #basicAuthorization}, or
     *                      {@code "Token " + token}, ...), or null for none
     */
    public HttpSinkClient(String backend, URI endpoint, String contentType, long timeoutMillis, boolean gzip,
            String authorization) {
        this(backend, endpoint, contentType, timeoutMillis, gzip, authorization, Map.of());
    }

    /**
     * As {@link #HttpSinkClient(String, URI, String, long, boolean, String)}, sending {@code headers} with every
     * request too (remote write's {@code Content-Encoding: snappy} and protocol version: a body the sink encoded
     * itself; an OTLP receiver's API key header).
     *
     * @param headers header names and values; names the JDK client sets itself (Host, Content-Length, ...) are
     *                refused by it with an {@link IllegalArgumentException}
     */
    public HttpSinkClient(String backend, URI endpoint, String contentType, long timeoutMillis, boolean gzip,
            String authorization, Map<String, String> headers) {
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("timeout: must be a positive duration, got " + timeoutMillis + "ms");
        }
        this.backend = backend;
        this.endpoint = endpoint;
        this.contentType = contentType;
        this.timeout = Duration.ofMillis(timeoutMillis);
        this.gzip = gzip;
        this.authorization = authorization;
        this.headers = Map.copyOf(headers);
        // a header the JDK client refuses (Host, Connection, ...) fails here, at configuration, not at the first write
        headers.forEach((k, v) -> HttpRequest.newBuilder(endpoint).header(k, v));
        this.client = newClient();
    }

    /**
     * Parses and checks a sink's {@code url} property: an http or https URL with a host, without query
     * or fragment; surrounding blanks are ignored. A path is kept (a backend behind a proxy).
     *
     * @param credentials when not null, a user in the URL is refused too, the message pointing to these
     *                    properties ({@code "username/password"}): the JDK client would not send it
     * @throws IllegalArgumentException starting with {@code url:}
     */
    public static URI baseUrl(String url, String credentials) {
        String u = url == null ? "" : url.trim();
        URI uri;
        try {
            uri = new URI(u);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url: not a URL: '" + u + "' (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("url: must be an http:// or https:// URL with a host, got '" + u + "'");
        }
        if (credentials == null && (uri.getRawQuery() != null || uri.getRawFragment() != null)) {
            throw new IllegalArgumentException("url: must not have a query or fragment, got '" + u + "'");
        }
        if (credentials != null && (uri.getRawQuery() != null || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null)) {
            throw new IllegalArgumentException("url: must not have a query, fragment or user (use " + credentials
                    + "), got '" + u + "'");
        }
        return uri;
    }

    /**
     * {@code base} with {@code pathAndQuery} appended to its path (trailing slashes of the base path
     * dropped): {@code endpoint(http://h/influx/, "/write?db=x")} is {@code http://h/influx/write?db=x}.
     *
     * @param pathAndQuery starts with '/', query parameters already encoded
     */
    public static URI endpoint(URI base, String pathAndQuery) {
        String path = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        return base.resolve(path + pathAndQuery);
    }

    /**
     * The {@code Authorization} value for HTTP basic authentication (UTF-8, RFC 7617), or null when
     * neither a user nor a password is set.
     *
     * @param userProperty the user's configuration property, for the error messages
     * @throws IllegalArgumentException naming {@code userProperty} when a password comes without a user,
     *                                  or the user contains ':' (which basic authentication cannot carry)
     */
    public static String basicAuthorization(String userProperty, String user, String password) {
        String u = user == null ? "" : user;
        String p = password == null ? "" : password;
        if (u.isEmpty()) {
            if (!p.isEmpty()) {
                throw new IllegalArgumentException(userProperty + ": required when password is set");
            }
            return null;
        }
        if (u.indexOf(':') >= 0) {
            throw new IllegalArgumentException(userProperty + ": must not contain ':' (HTTP basic authentication)");
        }
        return "Basic " + Base64.getEncoder().encodeToString((u + ":" + p).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code s} cut to {@value #ERROR_CHARS} characters ({@code ...} marks a cut); "" for null. */
    public static String abbreviate(String s) {
        return abbreviate(s, ERROR_CHARS);
    }

    /** {@code s} cut to {@code maxChars} characters ({@code ...} marks a cut); "" for null. */
    public static String abbreviate(String s, int maxChars) {
        if (s == null) {
            return "";
        }
        return s.length() <= maxChars ? s : s.substring(0, maxChars) + "...";
    }

    /** POSTs {@code body}. See {@link #post(byte[], int, int)}. */
    public Response post(byte[] body) throws IOException {
        return post(body, 0, body.length);
    }

    /**
     * POSTs {@code length} bytes of {@code body} from {@code offset} (gzipped if so configured) and
     * returns the answer, whatever its status.
     *
     * @throws IOException when there is no answer (connection refused or lost, timeout); the message
     *                     names the backend and the endpoint, and the next request uses a new connection
     * @throws InterruptedIOException when the thread is interrupted (its interrupt flag set again)
     */
    public Response post(byte[] body, int offset, int length) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", contentType);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        headers.forEach(request::header);
        if (gzip) {
            request.header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(gzip(body, offset, length)));
        } else {
            request.POST(HttpRequest.BodyPublishers.ofByteArray(body, offset, length));
        }
        try {
            HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.body() == null ? "" : r.body());
        } catch (IOException e) {
            // no renew(): the failed connection is gone already, and a client per failure leaks threads
            throw new IOException(backend + " at " + endpoint + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing to " + backend + " at " + endpoint);
        }
    }

    static byte[] gzip(byte[] body, int offset, int length) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length / 4 + 64);
        try (GZIPOutputStream z = new GZIPOutputStream(out, 8192)) {
            z.write(body, offset, length);
        }
        return out.toByteArray();
    }

    /**
     * Drops the kept-alive connections: the next request opens a new one. For answers after which a connection
     * is not to be trusted (a 5xx from a proxy, a backend restarting). The old client is closed where the JDK
     * can (21 and later); before that its thread ends only when it is collected, so it is replaced at most once
     * a minute, however often a failing backend is retried.
     */
    public void renew() {
        HttpClient old = client;
        if (old instanceof AutoCloseable closeable) {
            client = newClient();
            closeQuietly(closeable);
        } else if (System.nanoTime() - renewedAt > RENEW_AT_MOST_EVERY_NANOS) {
            renewedAt = System.nanoTime();
            client = newClient();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // it was being replaced anyway
        }
    }

    private HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    /** Where requests go. */
    public URI endpoint() {
        return endpoint;
    }

    /** Whether request bodies are gzipped. */
    public boolean gzip() {
        return gzip;
    }

    /** Stops the client's threads now on Java 21+ (where {@code HttpClient} is closeable); else a no-op. */
    @Override
    public void close() {
        if (client instanceof AutoCloseable c) {
            closeQuietly(c);
        }
    }

    @Override
    public String toString() {
        return backend + " at " + endpoint;
    }
}
