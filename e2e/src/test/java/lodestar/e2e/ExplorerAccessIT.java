package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import lodestar.testkit.LodestarProcess;

/**
 * The explorer on a platform whose HTTP port is bound to every interface ({@code org.apache.felix.http.host=0.0.0.0},
 * reached through 127.0.0.1): its page and files ask for the viewer's credential and refuse the admin's; a browser
 * that has the viewer's draws a chart, so the page's own calls to the Graphite read API pass the same context.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExplorerAccessIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LodestarProcess lodestar;
    private String viewer;
    private String admin;

    @BeforeAll
    void start() throws Exception {
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), LodestarProcess.tempDir(),
                List.of("-Xmx256m", "-Dorg.apache.felix.http.host=0.0.0.0"));
        lodestar.config("lodestar.beacon.system.cfg", Map.of("interval", "1s"));
        lodestar.start();
        admin = lodestar.consolePassword();
        Path file = lodestar.home.resolve("data/viewer.password");
        assertTrue(Eventually.within(30_000, () -> Files.exists(file)), "no viewer password:\n" + lodestar.output());
        viewer = Files.readString(file).strip();
        assertTrue(Eventually.within(40_000, () -> status("/render?target=system.*.load.1min&from=-5min&format=json",
                LodestarProcess.basicAuth("viewer", viewer)) == 200), "the Graphite API does not answer the viewer");
    }

    @AfterAll
    void stop() throws Exception {
        if (lodestar != null) {
            lodestar.close();
        }
    }

    private int status(String path, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lodestar.httpPort + path))
                .timeout(Duration.ofSeconds(10));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException starting) {
            return -1;
        }
    }

    @Test
    @Timeout(60)
    void boundWiderThePageAndItsFilesTakeTheViewerOnly() throws Exception {
        for (String path : List.of("/explore", "/explore/explorer.js", "/explore/uPlot.iife.min.js")) {
            assertEquals(401, status(path, null), path + " without a login");
            assertEquals(401, status(path, LodestarProcess.basicAuth("admin", admin)), path + " with the admin's credential");
            assertEquals(200, status(path, LodestarProcess.basicAuth("viewer", viewer)), path + " as viewer");
        }
    }

    @Test
    @Timeout(60)
    void aBrowserWithTheViewersCredentialDrawsAChart() throws Exception {
        Assumptions.assumeTrue(Chromium.executable() != null, "no chromium (./run-tests installs Debian's)");
        try (Chromium browser = new Chromium()) {
            browser.headers(Map.of("Authorization", LodestarProcess.basicAuth("viewer", viewer)));
            browser.call("Page.navigate", Map.of("url", "http://127.0.0.1:" + lodestar.httpPort
                    + "/explore#target=system.*.load.1min&range=15m"));
            assertTrue(Eventually.within(20_000, () -> Boolean.TRUE.equals(browser.eval(
                    "!!(window.lodestarExplorer && window.lodestarExplorer.seriesLabels().length === 1)"))),
                    "no chart: " + browser.eval("document.body ? document.body.innerText : ''"));
            assertTrue(String.valueOf(browser.eval("window.lodestarExplorer.seriesLabels()[0]")).matches("system\\.[^.]+\\.load\\.1min"),
                    String.valueOf(browser.eval("window.lodestarExplorer.seriesLabels()")));
            assertTrue(String.valueOf(browser.eval("document.getElementById('status').textContent")).startsWith("updated"),
                    String.valueOf(browser.eval("document.getElementById('status').textContent")));
        }
    }
}
