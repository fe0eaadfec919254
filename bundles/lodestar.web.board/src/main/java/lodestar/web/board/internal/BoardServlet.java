package lodestar.web.board.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import lodestar.support.log.LogText;
import lodestar.support.log.RateLimitedLog;

/**
 * {@code /board} (the page), {@code /board/board.js} and {@code /board/board.css} (its script and style, resources
 * of this bundle: nothing is loaded from elsewhere), {@code /board/state.json} (the whole board once) and
 * {@code /board/events} (the live stream). Anything else is 404; no path a client sends ever names a file. Only
 * GET and HEAD reach it (the {@code lodestar.view} context answers other methods 405).
 */
final class BoardServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Longest query string taken (the board has no parameters; a page link may carry a few). */
    static final int MAX_QUERY = 1024;
    /** How long a refused or dropped page waits before it reconnects. */
    static final long RETRY_MILLIS = 2000;

    private record Resource(String type, byte[] bytes) {
    }

    private static final Map<String, Resource> RESOURCES = Map.of(
            "", load("index.html", "text/html;charset=utf-8"),
            "/", load("index.html", "text/html;charset=utf-8"),
            "/board.js", load("board.js", "text/javascript;charset=utf-8"),
            "/board.css", load("board.css", "text/css;charset=utf-8"));

    private final transient SseHub hub;
    private final transient Supplier<String> snapshot;
    private final transient IntSupplier clientBuffer;
    private final transient RateLimitedLog log;

    /**
     * @param snapshot     the whole board as JSON, for a new page
     * @param clientBuffer bytes that may wait for one client
     */
    BoardServlet(SseHub hub, Supplier<String> snapshot, IntSupplier clientBuffer, RateLimitedLog log) {
        this.hub = hub;
        this.snapshot = snapshot;
        this.clientBuffer = clientBuffer;
        this.log = log;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String query = req.getQueryString();
        String address = req.getRemoteAddr();
        if (query != null && query.length() > MAX_QUERY) {
            log.log(() -> "Status board: refused a query of " + query.length() + " characters from " + address);
            plain(resp, 414, "Query too long.");
            return;
        }
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        Resource r = RESOURCES.get(path);
        if (r != null) {
            resp.setStatus(200);
            resp.setContentType(r.type());
            resp.setHeader("Cache-Control", "no-cache");
            resp.setContentLength(r.bytes().length);
            if (!"HEAD".equals(req.getMethod())) {
                resp.getOutputStream().write(r.bytes());
            }
            return;
        }
        switch (path) {
            case "/state.json" -> {
                byte[] body = snapshot.get().getBytes(StandardCharsets.UTF_8);
                resp.setStatus(200);
                resp.setContentType("application/json;charset=utf-8");
                resp.setHeader("Cache-Control", "no-store");
                resp.setContentLength(body.length);
                if (!"HEAD".equals(req.getMethod())) {
                    resp.getOutputStream().write(body);
                }
            }
            case "/events" -> events(req, resp, address);
            default -> {
                String shown = LogText.of(path);
                log.log(() -> "Status board: no page " + shown + " (asked by " + address + ")");
                plain(resp, 404, "No such page.");
            }
        }
    }

    private void events(HttpServletRequest req, HttpServletResponse resp, String address) throws IOException {
        if (hub.size() >= hub.maxClients()) {
            hub.refused.incrementAndGet();
            log.log(() -> "Status board: refused a board from " + address + ": " + hub.maxClients()
                    + " are open (maxClients)");
            resp.setHeader("Retry-After", "5");
            plain(resp, 503, "Too many open boards.");
            return;
        }
        resp.setStatus(200);
        resp.setContentType("text/event-stream;charset=utf-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Accel-Buffering", "no"); // a proxy in front must not hold events back
        if ("HEAD".equals(req.getMethod())) {
            return;
        }
        AsyncContext async = req.startAsync();
        async.setTimeout(0); // open for as long as the page is; heartbeats find dead ones
        SseClient client = new SseClient(async, resp.getOutputStream(), clientBuffer.getAsInt(), address, hub::gone);
        if (!hub.admit(client)) {
            resp.setStatus(503);
            resp.setHeader("Retry-After", "5");
            async.complete();
            return;
        }
        client.start();
        client.offer(Sse.retry(RETRY_MILLIS));
        client.offer(Sse.event("snapshot", snapshot.get()));
    }

    private static void plain(HttpServletResponse resp, int status, String text) throws IOException {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("text/plain;charset=utf-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    private static Resource load(String name, String type) {
        try (InputStream in = BoardServlet.class.getResourceAsStream("/board/" + name)) {
            if (in == null) {
                throw new IllegalStateException("board/" + name + ": missing from the bundle");
            }
            return new Resource(type, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
