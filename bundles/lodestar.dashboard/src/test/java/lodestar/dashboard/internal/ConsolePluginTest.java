package lodestar.dashboard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import lodestar.api.CheckResult;
import lodestar.api.CheckStatus;
import lodestar.api.ComponentStatus;
import lodestar.api.State;
import lodestar.support.json.Json;

/** The servlet's routing, with the request and response the web console passes on faked by proxies. */
class ConsolePluginTest {

    private static final long NOW = Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();

    private final ConsolePlugin plugin = new ConsolePlugin(Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    private final StringWriter body = new StringWriter();
    private final Map<String, Object> answer = new HashMap<>();

    @Test
    void statusJsonIsServedUnframedAndUncached() throws Exception {
        StatusBoardTest.FakePipeline p = new StatusBoardTest.FakePipeline();
        p.status.add(new ComponentStatus("sink", "store", State.OK, Map.of("written", 5L), null));
        plugin.setPipeline(p);
        plugin.addCheck(() -> new CheckResult("api", CheckStatus.OK, "fine", 1, NOW, NOW), Map.of("name", "api"));
        plugin.doGet(request("/lodestar/status.json"), response());
        assertEquals(200, answer.get("status"));
        assertEquals("application/json", answer.get("contentType"));
        assertEquals("UTF-8", answer.get("encoding"));
        assertEquals("no-store, max-age=0", answer.get("Cache-Control"));
        Map<String, Object> root = Json.object(Json.parse(body.toString()));
        assertEquals("store", Json.object(Json.array(root.get("components")).get(0)).get("name"));
        assertEquals("api", Json.object(Json.array(root.get("checks")).get(0)).get("name"));
    }

    @Test
    void thePageGoesIntoTheConsolesFrameAndPollsBelowThePluginRoot() throws Exception {
        HttpServletRequest req = request("/lodestar");
        req.setAttribute(ConsolePlugin.ATTR_PLUGIN_ROOT, "/system/console/lodestar");
        plugin.doGet(req, response());
        String html = body.toString();
        assertTrue(html.contains("data-status-url=\"/system/console/lodestar/status.json\""), html);
        assertTrue(html.contains(StatusBoard.NO_PIPELINE), html);
        assertNull(answer.get("contentType"), "the console set text/html and wrote its header already");
        plugin.doGet(request("/lodestar/"), response());
        assertTrue(body.toString().contains("id=\"ls-board\""));
    }

    @Test
    void otherPathsAreNotFound() throws Exception {
        plugin.doGet(request("/lodestar/other.json"), response());
        assertEquals(404, answer.get("error"));
    }

    @Test
    void checksComeAndGo() throws Exception {
        var check = (lodestar.api.Check) () -> null;
        plugin.addCheck(check, Map.of("service.pid", "lodestar.beacon.http~shop", "component.name", "lodestar.beacon.http"));
        plugin.doGet(request("/lodestar/status.json"), response());
        List<Object> checks = Json.array(Json.object(Json.parse(body.toString())).get("checks"));
        assertEquals("lodestar.beacon.http~shop", Json.object(checks.get(0)).get("name"));
        plugin.removeCheck(check);
        body.getBuffer().setLength(0);
        plugin.doGet(request("/lodestar/status.json"), response());
        assertEquals(List.of(), Json.object(Json.parse(body.toString())).get("checks"));
    }

    @Test
    void restAndCheckName() {
        assertEquals("/status.json", ConsolePlugin.rest("/lodestar/status.json"));
        assertEquals("", ConsolePlugin.rest("/lodestar"));
        assertEquals("/", ConsolePlugin.rest("/lodestar/"));
        assertEquals("/lodestarx", ConsolePlugin.rest("/lodestarx"));
        assertEquals("", ConsolePlugin.rest(null));
        assertEquals("web", ConsolePlugin.checkName(Map.of("name", " web ", "service.pid", "p")));
        assertEquals("p", ConsolePlugin.checkName(Map.of("name", " ", "service.pid", "p")));
        assertEquals("check", ConsolePlugin.checkName(Map.of()));
    }

    private HttpServletRequest request(String pathInfo) {
        Map<String, Object> attributes = new HashMap<>();
        return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpServletRequest.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "getPathInfo" -> pathInfo;
                    case "getContextPath" -> "/system/console";
                    case "getMethod" -> "GET";
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "setAttribute" -> attributes.put((String) args[0], args[1]);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private HttpServletResponse response() {
        answer.clear();
        PrintWriter w = new PrintWriter(body);
        return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpServletResponse.class},
                (proxy, m, args) -> {
                    switch (m.getName()) {
                        case "setStatus" -> answer.put("status", args[0]);
                        case "sendError" -> answer.put("error", args[0]);
                        case "setContentType" -> answer.put("contentType", args[0]);
                        case "setCharacterEncoding" -> answer.put("encoding", args[0]);
                        case "setHeader" -> answer.put((String) args[0], args[1]);
                        case "getWriter" -> {
                            return w;
                        }
                        default -> throw new UnsupportedOperationException(m.getName());
                    }
                    return null;
                });
    }
}
