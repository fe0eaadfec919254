package lodestar.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import lodestar.support.json.Json;
import lodestar.testkit.LodestarProcess;

/**
 * A headless Chromium (Debian's {@code chromium}) driven over the DevTools protocol: one page, navigated and
 * asked to run JavaScript, as a test needs it. No library: the protocol is JSON over one WebSocket.
 */
final class Chromium implements AutoCloseable {

    /** The browser, or null when it is not installed ({@code ./run-tests} installs it). */
    static Path executable() {
        for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();

    Chromium() throws Exception {
        profile = Files.createTempDirectory("lodestar-chromium");
        int port = LodestarProcess.freePort();
        process = new ProcessBuilder(executable().toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--user-data-dir=" + profile,
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=" + port, "--remote-allow-origins=*",
                "about:blank").redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        String ws = null;
        long end = System.currentTimeMillis() + 30_000;
        while (ws == null && System.currentTimeMillis() < end) {
            try {
                String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                for (Object o : Json.array(Json.parse(list))) {
                    Map<String, Object> target = Json.object(o);
                    if ("page".equals(target.get("type"))) {
                        ws = (String) target.get("webSocketDebuggerUrl");
                    }
                }
            } catch (IOException notYet) {
                // starting
            }
            if (ws == null) {
                Thread.sleep(200);
            }
        }
        if (ws == null) {
            process.destroyForcibly();
            throw new IllegalStateException("Chromium's DevTools did not answer: " + log());
        }
        socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(URI.create(ws), new Listener()).get(10, TimeUnit.SECONDS);
        call("Page.enable", Map.of());
        call("Runtime.enable", Map.of());
    }

    String log() {
        try {
            return Files.readString(profile.resolve("chromium.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Sends one command and waits for its result (the protocol's {@code result} object). */
    Map<String, Object> call(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
        pending.put(id, answer);
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", id);
        message.put("method", method);
        message.put("params", params);
        socket.sendText(json(new StringBuilder(), message).toString(), true).get(10, TimeUnit.SECONDS);
        Map<String, Object> reply = answer.get(30, TimeUnit.SECONDS);
        if (reply.get("error") != null) {
            throw new IllegalStateException(method + ": " + reply.get("error"));
        }
        return Json.object(reply.get("result"));
    }

    /** JSON of the few kinds of values commands take. */
    private static StringBuilder json(StringBuilder b, Object v) {
        if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(first ? "" : ",");
                first = false;
                Json.string(b, String.valueOf(e.getKey())).append(':');
                json(b, e.getValue());
            }
            return b.append('}');
        }
        if (v instanceof List<?> l) {
            b.append('[');
            for (int i = 0; i < l.size(); i++) {
                json(b.append(i == 0 ? "" : ","), l.get(i));
            }
            return b.append(']');
        }
        if (v instanceof Number || v instanceof Boolean) {
            return b.append(v);
        }
        return v == null ? b.append("null") : Json.string(b, String.valueOf(v));
    }

    /** Every request the page makes carries these headers: a browser that has the console's credentials. */
    void headers(Map<String, Object> headers) throws Exception {
        call("Network.enable", Map.of());
        call("Network.setExtraHTTPHeaders", Map.of("headers", headers));
    }

    /** Opens {@code url} and waits until the page has loaded. */
    void open(String url) throws Exception {
        call("Page.navigate", Map.of("url", url));
        long end = System.currentTimeMillis() + 30_000;
        Thread.sleep(200);
        while (System.currentTimeMillis() < end) {
            if ("complete".equals(eval("document.readyState")) && url.equals(eval("location.href"))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("not loaded: " + url + " (at " + eval("location.href") + ")");
    }

    /** The value of a JavaScript expression in the page (a promise is awaited). */
    Object eval(String expression) throws Exception {
        Map<String, Object> r = call("Runtime.evaluate", Map.of("expression", expression, "awaitPromise", true,
                "returnByValue", true));
        if (r.get("exceptionDetails") != null) {
            throw new IllegalStateException(expression + ": " + r.get("exceptionDetails"));
        }
        return Json.object(r.get("result")).get("value");
    }

    /** Sets the page's size in CSS pixels (a wall screen, a laptop), for what follows and for screenshots. */
    void viewport(int width, int height) throws Exception {
        call("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1,
                "mobile", false));
    }

    /** Saves what the page shows now as a PNG. */
    void screenshot(Path file) throws Exception {
        Map<String, Object> r = call("Page.captureScreenshot", Map.of("format", "png"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, java.util.Base64.getDecoder().decode((String) r.get("data")));
    }

    @Override
    public void close() throws Exception {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the browser goes anyway
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** Puts each reply with its command; events are not needed here. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                Map<String, Object> message = Json.object(Json.parse(partial.toString()));
                partial.setLength(0);
                Object id = message.get("id");
                if (id instanceof Number n) {
                    CompletableFuture<Map<String, Object>> f = pending.remove(n.intValue());
                    if (f != null) {
                        f.complete(message);
                    }
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
