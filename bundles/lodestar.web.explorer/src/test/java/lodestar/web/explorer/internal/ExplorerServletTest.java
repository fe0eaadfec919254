package lodestar.web.explorer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * What the servlet answers for each path; the page's behaviour in a browser is e2e ExplorerBrowserIT's. The
 * servlet API has no implementation here outside the platform, so requests and responses are small proxies.
 */
class ExplorerServletTest {

    private final Map<String, String> headers = new HashMap<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private int status;

    static ExplorerServlet.Config config(int maxSeries, String refresh, String apiPath) {
        return new ExplorerServlet.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ExplorerServlet.Config.class;
            }

            @Override
            public int maxSeries() {
                return maxSeries;
            }

            @Override
            public String refresh() {
                return refresh;
            }

            @Override
            public String apiPath() {
                return apiPath;
            }
        };
    }

    private void get(ExplorerServlet servlet, String pathInfo) throws Exception {
        HttpServletRequest req = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> switch (m.getName()) {
                    case "getPathInfo" -> pathInfo;
                    case "getMethod" -> "GET";
                    case "getRemoteAddr" -> "127.0.0.1";
                    default -> null;
                });
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener l) {
            }

            @Override
            public void write(int b) {
                body.write(b);
            }
        };
        HttpServletResponse resp = (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "setContentType" -> headers.put("Content-Type", (String) a[0]);
                        case "setHeader" -> headers.put((String) a[0], (String) a[1]);
                        case "setStatus", "sendError" -> status = (Integer) a[0];
                        case "getOutputStream" -> {
                            return out;
                        }
                        default -> {
                        }
                    }
                    return null;
                });
        servlet.doGet(req, resp);
    }

    private String text() {
        return body.toString(StandardCharsets.UTF_8);
    }

    @Test
    void thePageCarriesTheSettingsAndLoadsOnlyItsOwnFiles() throws Exception {
        get(new ExplorerServlet(config(7, "3s", "/graphite")), null);
        assertEquals(200, status);
        assertEquals("text/html;charset=utf-8", headers.get("Content-Type"));
        assertTrue(text().contains("data-max-series=\"7\" data-refresh-ms=\"3000\" data-api=\"/graphite\""), text());
        assertTrue(text().contains("<script src=\"/explore/uPlot.iife.min.js\"></script>"), text());
        assertTrue(text().contains("<script src=\"/explore/explorer.js\"></script>"), text());
        assertFalse(text().contains("http://") || text().contains("https://"), "the page loads something from elsewhere: " + text());
        assertTrue(headers.get("Content-Security-Policy").contains("script-src 'self'"), headers.toString());
        assertTrue(headers.get("Content-Security-Policy").contains("connect-src 'self'"), headers.toString());
        assertEquals("nosniff", headers.get("X-Content-Type-Options"));
    }

    @Test
    void servesUPlotFromTheBundle() throws Exception {
        get(new ExplorerServlet(config(12, "5s", "")), "/uPlot.iife.min.js");
        assertEquals(200, status);
        assertEquals("text/javascript;charset=utf-8", headers.get("Content-Type"));
        assertTrue(text().contains("uPlot"), "not uPlot");
        assertTrue(body.size() > 40_000, "uPlot's minified build is about 50 kB, got " + body.size());
    }

    @Test
    void servesUPlotsLicense() throws Exception {
        get(new ExplorerServlet(config(12, "5s", "")), "/uPlot.LICENSE");
        assertEquals(200, status);
        assertTrue(text().startsWith("The MIT License (MIT)"), text());
    }

    @Test
    void servesItsScriptAndStyle() throws Exception {
        get(new ExplorerServlet(config(12, "5s", "")), "/explorer.js");
        assertEquals(200, status);
        assertTrue(text().contains("/metrics/find") && text().contains("/render"), "not the explorer's script");
        body.reset();
        get(new ExplorerServlet(config(12, "5s", "")), "/explorer.css");
        assertEquals("text/css;charset=utf-8", headers.get("Content-Type"));
        assertTrue(text().contains("#chart"), text());
    }

    @Test
    void anyOtherPathIsNotFoundAndReadsNothing() throws Exception {
        for (String path : new String[] {"/../ExplorerServlet.class", "/../../META-INF/MANIFEST.MF", "/LICENSE",
                "/lodestar/web/explorer/internal/Page.class", "/explorer.js/", "//explorer.js", "/%2e%2e/x", "/etc/passwd"}) {
            body.reset();
            status = 0;
            get(new ExplorerServlet(config(12, "5s", "")), path);
            assertEquals(404, status, path);
            assertEquals(0, body.size(), path);
        }
    }

    @Test
    void refusesBadSettingsNamingTheProperty() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ExplorerServlet(config(0, "5s", "")))
                .getMessage().startsWith("maxSeries:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ExplorerServlet(config(101, "5s", "")))
                .getMessage().startsWith("maxSeries:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ExplorerServlet(config(5, "500ms", "")))
                .getMessage().startsWith("refresh:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ExplorerServlet(config(5, "soon", "")))
                .getMessage().startsWith("refresh:"));
        for (String api : new String[] {"graphite", "/graphite/", "/a\"><script>", "//evil.example", "/a b"}) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> new ExplorerServlet(config(5, "5s", api)))
                    .getMessage().startsWith("apiPath:"), api);
        }
    }

    @Test
    void takesANewConfigurationLive() throws Exception {
        ExplorerServlet s = new ExplorerServlet(config(12, "5s", ""));
        s.modified(config(3, "10s", ""));
        get(s, "/");
        assertTrue(text().contains("data-max-series=\"3\" data-refresh-ms=\"10000\""), text());
    }
}
