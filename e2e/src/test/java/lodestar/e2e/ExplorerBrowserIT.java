package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import lodestar.support.json.Json;
import lodestar.testkit.LodestarProcess;

/**
 * The metric explorer in a real browser (headless Chromium) against the real platform, bound to loopback (no
 * login): a link {@code /explore#target=<host series>&range=15m} draws a chart of the system beacon's series (the
 * canvas has pixels of the series' colour, the legend names it), a range button changes the window and the
 * fragment, the page's share link opened afresh shows the same view, and a series whose name carries
 * {@code <script>} and a tag with markup, sent through the Graphite listener, shows as text everywhere.
 * Screenshot: {@code target/explorer.png}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExplorerBrowserIT {

    /** The explorer's first colour (#1f77b4), which the first series' line is drawn in. */
    private static final String FIRST_COLOUR_PIXELS = "(() => { const c = document.querySelector('#chart canvas');"
            + " if (!c) return -1; const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
            + " for (let i = 0; i < d.length; i += 4) { if (d[i + 3] > 200 && Math.abs(d[i] - 31) < 40"
            + " && Math.abs(d[i + 1] - 119) < 40 && Math.abs(d[i + 2] - 180) < 40) n++; } return n; })()";
    private static final String XSS = "xss.<script>alert_1</script>";
    private static final String XSS_TAG = "env=<i>prod</i>";

    private final Path home = LodestarProcess.tempDir();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LodestarProcess lodestar;
    private Chromium browser;
    private int graphitePort;
    private String load;

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue(Chromium.executable() != null, "no chromium (./run-tests installs Debian's)");
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), home, List.of("-Xmx256m"));
        graphitePort = LodestarProcess.freePort();
        lodestar.config("lodestar.beacon.system.cfg", Map.of("interval", "1s"));
        lodestar.config("lodestar.listener.graphite.cfg", Map.of("port", Integer.toString(graphitePort), "udp", "false",
                "picklePort", "0"));
        lodestar.start();
        browser = new Chromium();
        browser.viewport(1400, 900);
        // the host's 1-minute load, as the Graphite API finds it once the system beacon has written a few points
        assertTrue(Eventually.within(40_000, () -> (load = rendered("system.*.load.1min")) != null && points(load) >= 3),
                "no host load series through /metrics/find and /render:\n" + lodestar.output());
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (lodestar != null) {
            lodestar.close();
        }
    }

    private String origin() {
        return "http://127.0.0.1:" + lodestar.httpPort;
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(origin() + pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The first leaf {@code /metrics/find} gives for a glob, or null. */
    private String find(String glob) throws Exception {
        HttpResponse<String> r;
        try {
            r = get("/metrics/find?query=" + enc(glob));
        } catch (java.io.IOException starting) {
            return null;
        }
        if (r.statusCode() != 200) {
            return null;
        }
        for (Object o : Json.array(Json.parse(r.body()))) {
            Map<String, Object> node = Json.object(o);
            if (((Number) node.get("leaf")).intValue() == 1) {
                return (String) node.get("id");
            }
        }
        return null;
    }

    /**
     * The name of the first series {@code /render} gives for a glob over the last 15 minutes, or null. (A glob in
     * {@code /metrics/find} gives ids with the glob in them, as graphite-web does: {@code system.*.load.1min}.)
     */
    private String rendered(String glob) throws Exception {
        HttpResponse<String> r;
        try {
            r = get("/render?target=" + enc(glob) + "&from=-15min&format=json");
        } catch (java.io.IOException starting) {
            return null;
        }
        if (r.statusCode() != 200) {
            return null;
        }
        List<Object> series = Json.array(Json.parse(r.body()));
        return series.isEmpty() ? null : (String) Json.object(series.get(0)).get("target");
    }

    /** Non-null points of a target over the last 15 minutes, through {@code /render}. */
    private int points(String target) throws Exception {
        HttpResponse<String> r = get("/render?target=" + enc(target) + "&from=-15min&format=json");
        if (r.statusCode() != 200) {
            return 0;
        }
        int n = 0;
        for (Object s : Json.array(Json.parse(r.body()))) {
            for (Object p : Json.array(Json.object(s).get("datapoints"))) {
                n += Json.array(p).get(0) == null ? 0 : 1;
            }
        }
        return n;
    }

    /** As the page's script writes the fragment: encodeURIComponent. */
    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%21", "!").replace("%27", "'")
                .replace("%28", "(").replace("%29", ")").replace("%7E", "~");
    }

    /** Opens a view afresh (from a blank page, as a shared link is) and waits for its chart. */
    private void openView(String fragment) throws Exception {
        browser.call("Page.navigate", Map.of("url", "about:blank"));
        Thread.sleep(200);
        browser.call("Page.navigate", Map.of("url", origin() + "/explore" + fragment));
        assertTrue(Eventually.within(15_000, () -> Boolean.TRUE.equals(browser.eval(
                "!!(window.lodestarExplorer && window.lodestarExplorer.seriesLabels().length > 0)"))),
                "no chart for " + fragment + ": " + browser.eval("document.body ? document.body.innerText : ''"));
    }

    private Object js(String expression) throws Exception {
        return browser.eval(expression);
    }

    private long xSpan() throws Exception {
        List<Object> r = Json.array(js("window.lodestarExplorer.xRange()"));
        return Math.round(((Number) r.get(1)).doubleValue() - ((Number) r.get(0)).doubleValue());
    }

    @Test
    @Order(1)
    @Timeout(60)
    void aLinkToAHostSeriesDrawsItsChart() throws Exception {
        openView("#target=" + enc(load) + "&range=15m");
        assertTrue(Eventually.within(10_000, () -> ((Number) js(FIRST_COLOUR_PIXELS)).intValue() > 20),
                "no line in the series' colour on the canvas: " + js(FIRST_COLOUR_PIXELS) + " pixels");
        assertEquals(List.of(load), Json.array(js("window.lodestarExplorer.seriesLabels()")));
        String legend = (String) js("document.querySelector('.u-legend').textContent");
        assertTrue(legend.contains(load), "the legend does not name " + load + ": " + legend);
        assertEquals(load, js("document.querySelector('#series td.name').textContent"));
        assertEquals(900, xSpan(), "15 minutes on the x axis");
        assertEquals("15m", js("document.querySelector('#ranges button.active').dataset.range"));
        browser.screenshot(Path.of("target", "explorer.png"));

        // live: the last point moves on by itself (the page polls every refresh, 5 s), the page is not reloaded
        js("window.notReloaded = true");
        String at = (String) js("document.querySelector('#series tbody tr td:last-child').textContent");
        assertTrue(Eventually.within(12_000, () -> !at.equals(js("document.querySelector('#series tbody tr td:last-child').textContent"))),
                "the last point stays at " + at);
        assertEquals(Boolean.TRUE, js("window.notReloaded"));
    }

    @Test
    @Order(2)
    @Timeout(60)
    void aRangeButtonChangesTheWindowAndTheSharedLinkReproducesIt() throws Exception {
        openView("#target=" + enc(load) + "&range=15m");
        js("document.querySelector('#ranges button[data-range=\"1h\"]').click()");
        assertTrue(Eventually.within(5_000, () -> xSpan() == 3600), "the chart does not span 1 h: " + xSpan());
        assertEquals("#target=" + enc(load) + "&range=1h", js("location.hash"));
        assertEquals("1h", js("document.querySelector('#ranges button.active').dataset.range"));
        String shared = (String) js("document.getElementById('share').href");
        assertEquals(origin() + "/explore#target=" + enc(load) + "&range=1h", shared);

        // the link, opened by someone else (a fresh page load), shows the same view
        openView(shared.substring(shared.indexOf('#')));
        assertEquals(Map.of("targets", List.of(load), "range", "1h"), Json.object(js("window.lodestarExplorer.state()")));
        assertEquals(3600, xSpan());
        assertTrue(Eventually.within(10_000, () -> ((Number) js(FIRST_COLOUR_PIXELS)).intValue() > 5), "no line drawn");
    }

    @Test
    @Order(3)
    @Timeout(60)
    void aSeriesNamedWithMarkupShowsAsText() throws Exception {
        // three points through the Graphite listener's plaintext protocol, a tagged series (Graphite 1.1 syntax)
        long now = System.currentTimeMillis() / 1000;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), graphitePort)) {
            OutputStream o = s.getOutputStream();
            for (int i = 2; i >= 0; i--) {
                o.write((XSS + ";" + XSS_TAG + " " + (10 - i) + " " + (now - 10L * i) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            o.flush();
        }
        String[] key = new String[1];
        assertTrue(Eventually.within(15_000, () -> (key[0] = rendered("xss.*")) != null && points(key[0]) >= 3),
                "the series with markup in its name did not arrive: " + get("/metrics/find?query=xss.*").body());
        openView("#target=" + enc(key[0]) + "&range=15m");
        String legend = (String) js("document.querySelector('.u-legend').textContent");
        assertTrue(legend.contains(XSS), legend);
        assertEquals(XSS, js("document.querySelector('#series td.name').textContent"));
        assertEquals(XSS_TAG, js("document.querySelector('#series .tag').textContent"));
        assertTrue(String.valueOf(js("document.getElementById('targets').textContent")).contains(XSS));
        // search lists it as text too
        js("document.getElementById('query').value = 'xss.*'; document.getElementById('find').requestSubmit()");
        assertTrue(Eventually.within(5_000, () -> String.valueOf(js("document.getElementById('results').textContent")).contains(XSS)),
                String.valueOf(js("document.getElementById('results').textContent")));
        // no element came out of the name: the page's only scripts are its own two, and no <i> anywhere
        assertEquals(2L, ((Number) js("document.querySelectorAll('script').length")).longValue());
        assertEquals(0L, ((Number) js("document.querySelectorAll('i').length")).longValue());
    }

    @Test
    @Order(4)
    @Timeout(60)
    void aGlobMatchingManySeriesDrawsAtMostTheBound() throws Exception {
        // every host series three levels down: cpu, load, memory, swap, ... far more than the 12 a chart draws
        openView("#target=" + enc("system.*.*.*") + "&range=15m");
        assertTrue(Eventually.within(5_000, () -> String.valueOf(js("document.getElementById('note').textContent"))
                .matches("showing 12 of [0-9]+ series")), String.valueOf(js("document.getElementById('note').textContent")));
        String note = (String) js("document.getElementById('note').textContent");
        assertTrue(Integer.parseInt(note.replaceAll("[^0-9 ]", "").trim().split(" +")[1]) > 12, note);
        assertEquals(12, Json.array(js("window.lodestarExplorer.seriesLabels()")).size());
        assertEquals(12L, ((Number) js("document.querySelectorAll('#series tbody tr').length")).longValue());
    }
}
