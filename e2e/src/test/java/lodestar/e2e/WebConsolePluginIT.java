package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import lodestar.support.json.Json;
import lodestar.testkit.LodestarProcess;

/**
 * The "Lodestar" page of the web console (bundle lodestar.dashboard) on the platform as a user starts it:
 * its JSON lists the embedded store and the system beacon running with state ok, the page is drawn inside
 * the console's frame, and neither answers without the console's password.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebConsolePluginIT {

    private final Path home = LodestarProcess.tempDir();
    private final HttpClient http = HttpClient.newHttpClient();
    private LodestarProcess lodestar;
    private String password;

    @BeforeAll
    void start() throws Exception {
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), home, List.of("-Xmx256m"));
        lodestar.start();
        password = lodestar.consolePassword();
    }

    @AfterAll
    void stop() throws Exception {
        lodestar.close();
    }

    @Test
    void statusJsonListsTheStoreAndTheSystemBeaconAsOk() throws Exception {
        long end = System.currentTimeMillis() + 60_000;
        String body = "";
        int code = 0;
        while (System.currentTimeMillis() < end) {
            try {
                HttpResponse<String> r = http.send(get("/system/console/lodestar/status.json", password), HttpResponse.BodyHandlers.ofString());
                code = r.statusCode();
                body = r.body();
                if (code == 200 && "ok".equals(state(body, "sink", "store")) && "ok".equals(state(body, "beacon", "system"))) {
                    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
                    break;
                }
            } catch (java.io.IOException e) {
                body = e.toString(); // not listening yet
            }
            Thread.sleep(500);
        }
        assertEquals(200, code, "GET /system/console/lodestar/status.json: " + body + "\n" + lodestar.output());
        assertEquals("ok", state(body, "sink", "store"), body);
        assertEquals("ok", state(body, "beacon", "system"), body);
        Map<String, Object> root = Json.object(Json.parse(body));
        assertEquals(null, root.get("problem"), body);
        assertTrue(root.get("checks") instanceof List, body);
    }

    @Test
    void thePageIsDrawnInsideTheConsoleAndNeedsItsPassword() throws Exception {
        long end = System.currentTimeMillis() + 60_000;
        String page = "";
        while (System.currentTimeMillis() < end) {
            try {
                HttpResponse<String> r = http.send(get("/system/console/lodestar", password), HttpResponse.BodyHandlers.ofString());
                page = r.body();
                if (r.statusCode() == 200 && page.contains("id=\"ls-board\"")) {
                    break;
                }
            } catch (java.io.IOException e) {
                page = e.toString();
            }
            Thread.sleep(500);
        }
        assertTrue(page.contains("id=\"ls-board\"") && page.contains("data-status-url=\"/system/console/lodestar/status.json\""),
                "the status board: " + page);
        assertTrue(page.contains("<title>Apache Felix Web Console - Lodestar</title>") && page.contains("id=\"navmenu\""),
                "inside the console's frame: " + page);
        assertTrue(page.contains("<td class=\"ls-name\">store</td>"), page);
        for (String path : List.of("/system/console/lodestar", "/system/console/lodestar/status.json")) {
            assertEquals(401, http.send(get(path, "admin"), HttpResponse.BodyHandlers.discarding()).statusCode(), path + " with admin/admin");
            HttpRequest anonymous = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lodestar.httpPort + path)).build();
            assertEquals(401, http.send(anonymous, HttpResponse.BodyHandlers.discarding()).statusCode(), path + " without credentials");
        }
    }

    /** The state of the component with this type and name in a status.json answer, or null. */
    private static String state(String body, String type, String name) {
        for (Object o : Json.array(Json.object(Json.parse(body)).get("components"))) {
            Map<String, Object> c = Json.object(o);
            if (type.equals(c.get("type")) && name.equals(c.get("name"))) {
                return (String) c.get("state");
            }
        }
        return null;
    }

    private HttpRequest get(String path, String pw) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lodestar.httpPort + path)).header("Authorization",
                LodestarProcess.basicAuth("admin", pw)).build();
    }
}
