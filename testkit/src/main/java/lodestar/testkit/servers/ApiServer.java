package lodestar.testkit.servers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The common part of the in-repo servers that stand in for backends with no server available here
 * (OpenTSDB, KairosDB, Librato): a JDK HTTP server on 127.0.0.1 and a free port that checks every
 * request against the backend's documented API, answers as the real one does, and keeps what it
 * accepted for the tests to query.
 *
 * <p>A request that breaks the documented API (wrong method, path, content type, encoding, schema,
 * characters) is answered the way the backend answers it and recorded as a {@link Rejection}: a sink's
 * test asserts {@link #rejections()} is empty. Failures a test asks for ({@link #failWith(int)}, a
 * backend's partial failures) are not rejections. Thread-safe.
 */
public abstract class ApiServer implements AutoCloseable {

    /** A point the server accepted, as the backend would store and report it. */
    public record Point(String name, Map<String, String> tags, double value, long timestampMillis, String type) {
    }

    /** A request that broke the documented API: what was wrong, and the request. */
    public record Rejection(String method, String uri, String reason, String body) {
        @Override
        public String toString() {
            return method + " " + uri + ": " + reason + (body == null ? "" : " | body: "
                    + (body.length() > 300 ? body.substring(0, 300) + "..." : body));
        }
    }

    /** Thrown by a handler for a request that breaks the API; {@link #status} is the backend's answer. */
    protected static final class ApiViolation extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        public ApiViolation(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** An answer: status, content type (or null), body (or null for none). */
    protected record Answer(int status, String contentType, String body) {
        static Answer empty(int status) {
            return new Answer(status, null, null);
        }

        static Answer json(int status, String body) {
            return new Answer(status, "application/json; charset=UTF-8", body);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Point> points = new CopyOnWriteArrayList<>();
    private final List<Rejection> rejections = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> contentEncodings = new CopyOnWriteArrayList<>();
    private volatile int failStatus;
    private int failAfterCountdown = -1;
    private int failAfterStatus;

    protected ApiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, getClass().getSimpleName());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:<port>} */
    public String url() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    /** From now on, every request is answered with this status (503: a backend that is down) until {@link #recover()}. */
    public void failWith(int status) {
        failStatus = status;
    }

    /** Lets the next {@code okRequests} requests through, then behaves as {@link #failWith(int)}. */
    public synchronized void failAfter(int okRequests, int status) {
        failAfterCountdown = okRequests;
        failAfterStatus = status;
        if (okRequests == 0) {
            failWith(status);
        }
    }

    /** Undoes {@link #failWith(int)} and {@link #failAfter(int, int)}. */
    public synchronized void recover() {
        failStatus = 0;
        failAfterCountdown = -1;
    }

    private synchronized void countDownToFailure() {
        if (failAfterCountdown > 0 && --failAfterCountdown == 0) {
            failStatus = failAfterStatus;
            failAfterCountdown = -1;
        }
    }

    /** Every point accepted so far, in arrival order. */
    public List<Point> points() {
        return List.copyOf(points);
    }

    /** The accepted points whose name matches. */
    public List<Point> points(Predicate<Point> filter) {
        return points.stream().filter(filter).toList();
    }

    /** The accepted points whose name starts with {@code prefix}, waiting up to 5 s for at least {@code count}. */
    public List<Point> await(String prefix, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        List<Point> got;
        while ((got = points(p -> p.name().startsWith(prefix))).size() < count && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        return got;
    }

    /** Requests that broke the documented API. */
    public List<Rejection> rejections() {
        return List.copyOf(rejections);
    }

    /** Requests received, of any kind. */
    public int requestCount() {
        return requests.get();
    }

    /** The Content-Encoding of each request with a body ("identity" when none). */
    public List<String> contentEncodings() {
        return List.copyOf(contentEncodings);
    }

    /** Forgets points, rejections and counts (not the failure mode). */
    public void clear() {
        points.clear();
        rejections.clear();
        contentEncodings.clear();
        requests.set(0);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Handles one request whose body has been decoded (gzip) and read as UTF-8.
     *
     * @throws ApiViolation when the request breaks the documented API
     */
    protected abstract Answer handle(HttpExchange exchange, String body) throws ApiViolation;

    /** The body a backend gives with a violation's status. */
    protected abstract Answer violationAnswer(ApiViolation v);

    /** Whether this backend accepts a gzip request body (Content-Encoding: gzip). */
    protected boolean acceptsGzip() {
        return true;
    }

    /** Records a request as breaking the API while the handler still answers it (a per-point error). */
    protected void reject(HttpExchange ex, String reason, String body) {
        rejections.add(new Rejection(ex.getRequestMethod(), ex.getRequestURI().toString(), reason, body));
    }

    protected void store(Point p) {
        points.add(p);
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        String body = null;
        Answer answer;
        try (ex) {
            byte[] raw = ex.getRequestBody().readAllBytes();
            try {
                int failing = failStatus;
                countDownToFailure();
                if (failing != 0) {
                    answer = Answer.json(failing, "{\"error\":\"failing on request of the test\"}");
                } else {
                    String enc = ex.getRequestHeaders().getFirst("Content-Encoding");
                    enc = enc == null ? "identity" : enc.trim().toLowerCase(Locale.ROOT);
                    contentEncodings.add(enc);
                    byte[] plain = switch (enc) {
                        case "identity" -> raw;
                        case "gzip" -> {
                            if (!acceptsGzip()) {
                                throw new ApiViolation(400, "gzip request bodies are not supported");
                            }
                            yield gunzip(raw);
                        }
                        default -> throw new ApiViolation(415, "unsupported Content-Encoding '" + enc + "'");
                    };
                    body = utf8(plain);
                    answer = handle(ex, body);
                }
            } catch (ApiViolation v) {
                rejections.add(new Rejection(ex.getRequestMethod(), ex.getRequestURI().toString(), v.getMessage(),
                        body != null ? body : new String(raw, StandardCharsets.UTF_8)));
                answer = violationAnswer(v);
            } catch (RuntimeException e) {
                rejections.add(new Rejection(ex.getRequestMethod(), ex.getRequestURI().toString(), "server error: " + e, body));
                answer = Answer.json(500, "{\"error\":\"internal error\"}");
            }
            send(ex, answer);
        }
    }

    private static void send(HttpExchange ex, Answer a) throws IOException {
        byte[] out = a.body() == null ? null : a.body().getBytes(StandardCharsets.UTF_8);
        if (a.contentType() != null) {
            ex.getResponseHeaders().set("Content-Type", a.contentType());
        }
        if (out == null || a.status() == 204) {
            ex.sendResponseHeaders(a.status(), -1);
        } else {
            ex.sendResponseHeaders(a.status(), out.length);
            ex.getResponseBody().write(out);
        }
    }

    private static byte[] gunzip(byte[] raw) throws ApiViolation {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 4);
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new ApiViolation(400, "Content-Encoding gzip, but the body is not gzip: " + e.getMessage());
        }
    }

    private static String utf8(byte[] b) throws ApiViolation {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new ApiViolation(400, "the body is not valid UTF-8");
        }
    }

    // ---- helpers for the handlers ----

    /** Requires the method and that the path is exactly {@code path}. */
    protected static void require(HttpExchange ex, String method, String path) throws ApiViolation {
        if (!ex.getRequestURI().getPath().equals(path)) {
            throw new ApiViolation(404, "no endpoint " + ex.getRequestURI().getPath() + " (expected " + path + ")");
        }
        if (!ex.getRequestMethod().equals(method)) {
            throw new ApiViolation(405, "method " + ex.getRequestMethod() + " not allowed on " + path + " (expected " + method + ")");
        }
    }

    /** Requires a JSON content type (with an optional charset that must be UTF-8). */
    protected static void requireJsonContentType(HttpExchange ex) throws ApiViolation {
        String ct = ex.getRequestHeaders().getFirst("Content-Type");
        if (ct == null) {
            throw new ApiViolation(415, "no Content-Type; expected application/json");
        }
        String[] parts = ct.toLowerCase(Locale.ROOT).split(";");
        if (!parts[0].trim().equals("application/json")) {
            throw new ApiViolation(415, "Content-Type '" + ct + "'; expected application/json");
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.startsWith("charset=") && !p.substring(8).replace("\"", "").equals("utf-8")) {
                throw new ApiViolation(415, "charset must be UTF-8, got '" + ct + "'");
            }
        }
    }

    /** The user and password of a Basic Authorization header, or null when there is none. */
    protected static String[] basicAuth(HttpExchange ex) throws ApiViolation {
        String h = ex.getRequestHeaders().getFirst("Authorization");
        if (h == null) {
            return null;
        }
        if (!h.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new ApiViolation(401, "Authorization is not Basic: " + h);
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiViolation(401, "Basic credentials are not base64");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new ApiViolation(401, "Basic credentials without ':'");
        }
        return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    /** The query parameters' names (values ignored), in order. */
    protected static List<String> queryFlags(HttpExchange ex) {
        String q = ex.getRequestURI().getRawQuery();
        List<String> flags = new ArrayList<>();
        if (q != null) {
            for (String part : q.split("&")) {
                int eq = part.indexOf('=');
                flags.add(eq < 0 ? part : part.substring(0, eq));
            }
        }
        return flags;
    }
}
