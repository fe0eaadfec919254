package lodestar.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import lodestar.support.json.Json;
import lodestar.testkit.LodestarProcess;

/**
 * The web console as the console's own pages and an operator's script use it: basic authentication, and on every
 * state-changing request the console's origin and the CSRF token that lodestar.runtime hands out with every
 * authenticated console answer (header {@value #TOKEN_HEADER}). A script does the same:
 * {@code curl -D -} on any console page, then the token in the header of its POSTs.
 */
final class ConsoleClient {

    static final String TOKEN_HEADER = "X-Lodestar-CSRF-Token";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final LodestarProcess lodestar;
    private final String password;

    ConsoleClient(LodestarProcess lodestar, String password) {
        this.lodestar = lodestar;
        this.password = password;
    }

    /** {@code http://127.0.0.1:<port>}: what a browser sends as {@code Origin} from the console's own pages. */
    String origin() {
        return "http://127.0.0.1:" + lodestar.httpPort;
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(origin() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", LodestarProcess.basicAuth("admin", password));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
        return http.send(request(path).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Waits up to 60 s for the console to answer with its password. */
    void awaitReady() throws InterruptedException {
        long end = System.currentTimeMillis() + 60_000;
        String last = "";
        while (System.currentTimeMillis() < end) {
            try {
                HttpResponse<String> r = get("/system/console/bundles.json");
                if (r.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + r.statusCode();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the web console does not answer: " + last + "\n" + lodestar.output());
    }

    /** The CSRF token of this run, as an authenticated answer gives it; null when the platform gives none. */
    String token() throws IOException, InterruptedException {
        return get("/system/console/lodestar/status.json").headers().firstValue(TOKEN_HEADER).orElse(null);
    }

    /**
     * A form-encoded POST as the console's own page sends it: from the console's origin, with the token when the
     * platform gives one.
     */
    HttpResponse<String> post(String path, String form) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", origin()).header("Referer", origin() + "/system/console/configMgr");
        String token = token();
        if (token != null) {
            b.header(TOKEN_HEADER, token);
        }
        return http.send(b.POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a request built elsewhere (a forged one, say) with this client's connection pool. */
    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The token header for a test that builds its own POST; none when the platform gives no token. */
    static HttpRequest.Builder withToken(HttpRequest.Builder b, HttpClient http, int httpPort, String password)
            throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/system/console/lodestar/status.json"))
                .header("Authorization", LodestarProcess.basicAuth("admin", password)).build();
        String token = http.send(r, HttpResponse.BodyHandlers.discarding()).headers().firstValue(TOKEN_HEADER).orElse(null);
        return token == null ? b : b.header(TOKEN_HEADER, token);
    }

    /**
     * One component of the Lodestar page's {@code status.json} ({@code type}, {@code name}), waiting up to 30 s for it
     * to appear: components come and go with their configurations.
     */
    Map<String, Object> component(String type, String name) throws IOException, InterruptedException {
        long end = System.currentTimeMillis() + 30_000;
        String body = "";
        while (true) {
            body = get("/system/console/lodestar/status.json").body();
            for (Object o : Json.array(Json.object(Json.parse(body)).get("components"))) {
                Map<String, Object> c = Json.object(o);
                if (type.equals(c.get("type")) && name.equals(c.get("name"))) {
                    return c;
                }
            }
            if (System.currentTimeMillis() >= end) {
                throw new AssertionError("no " + type + "/" + name + " in status.json: " + body);
            }
            Thread.sleep(300);
        }
    }

    /** A counter of a {@link #component} answer, -1 when it has none. */
    static long counter(Map<String, Object> component, String counter) {
        Object v = Json.object(component.get("counters")).get(counter);
        return v == null ? -1 : ((Number) v).longValue();
    }
}
