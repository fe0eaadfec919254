package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.sun.net.httpserver.HttpServer;

import lodestar.testkit.LodestarProcess;

/**
 * Finding 3 of issue 11 in a real browser (headless Chromium): the administrator's browser, which sends the
 * console's credentials with every request to the console, opens a page of another site that posts a form to the
 * console's configuration manager. The console refuses it and nothing runs. The console's own pages, in the same
 * browser, still change configurations: with jQuery's {@code $.post} (an XMLHttpRequest), a form a script submits
 * ({@code form.submit()}), a multipart form; the token that the guard put into each page goes with each of them.
 * An HTTP client cannot show the last part: only a browser runs the page's script.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

    private final Path home = LodestarProcess.tempDir();
    private LodestarProcess lodestar;
    private ConsoleClient console;
    private HttpServer elsewhere;
    private Chromium browser;

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue(Chromium.executable() != null, "no chromium (./run-tests installs Debian's)");
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), home, List.of("-Xmx256m"));
        lodestar.start();
        String password = lodestar.consolePassword();
        console = new ConsoleClient(lodestar, password);
        console.awaitReady();
        // another site: "localhost" is not the site of 127.0.0.1, whatever the port
        elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        elsewhere.createContext("/", exchange -> {
            byte[] page = attackPage().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        elsewhere.start();
        browser = new Chromium();
        browser.headers(Map.of("Authorization", LodestarProcess.basicAuth("admin", password)));
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (elsewhere != null) {
            elsewhere.stop(0);
        }
        if (lodestar != null) {
            lodestar.close();
        }
    }

    private Path marker(String name) {
        return home.resolve(name);
    }

    /** The reported attack: a form that posts itself to the console, making a command check that runs. */
    private String attackPage() {
        return "<!DOCTYPE html><html><body><form id=\"f\" method=\"post\" action=\"" + console.origin()
                + "/system/console/configMgr/%5BTemporary%20PID%20replacement%5D\">"
                + "<input name=\"apply\" value=\"true\"><input name=\"action\" value=\"ajaxConfigManager\">"
                + "<input name=\"factoryPid\" value=\"lodestar.beacon.command\"><input name=\"propertylist\" value=\"command,interval\">"
                + "<input name=\"command\" value=\"touch " + marker("pwned") + "\"><input name=\"interval\" value=\"1s\">"
                + "</form><script>document.getElementById('f').submit();</script></body></html>";
    }

    @Test
    @Order(1)
    void aPageOfAnotherSiteCannotMakeTheAdministratorsBrowserRunACommand() throws Exception {
        String attacker = "http://localhost:" + elsewhere.getAddress().getPort() + "/";
        browser.call("Page.navigate", Map.of("url", attacker));
        assertTrue(Eventually.within(15_000, () -> String.valueOf(browser.eval("location.href")).startsWith(console.origin())
                && "complete".equals(browser.eval("document.readyState"))), "the form was posted: " + browser.eval("location.href"));
        Object shown = browser.eval("document.body ? document.body.innerText : ''");
        Thread.sleep(3_000); // three intervals of the check it tried to make
        assertFalse(Files.exists(marker("pwned")), "the forged configuration ran its command; the browser shows "
                + browser.eval("location.href") + ": " + shown + "\n" + lodestar.output());
        assertTrue(String.valueOf(shown).startsWith("Refused as a possible cross-site request forgery: Origin http://localhost:"),
                String.valueOf(shown));
        assertTrue(lodestar.output().contains("as a possible cross-site request forgery: Origin http://localhost:"
                + elsewhere.getAddress().getPort()), lodestar.output());
    }

    @Test
    @Order(2)
    void theConsolesOwnPagesStillChangeConfigurations() throws Exception {
        browser.open(console.origin() + "/system/console/configMgr");
        assertEquals(console.token(), browser.eval("document.querySelector('meta[name=\"lodestar-csrf-token\"]').content"));

        // the console's own scripts post with jQuery: an XMLHttpRequest, which the page's script gives the token
        Path made = marker("made-by-xhr");
        Object status = browser.eval("new Promise(done => $.ajax({type: 'POST', url: '/system/console/configMgr/%5BTemporary%20PID%20replacement%5D',"
                + " data: {apply: 'true', action: 'ajaxConfigManager', factoryPid: 'lodestar.beacon.command',"
                + " propertylist: 'command,interval,name', command: 'touch " + made + "', interval: '1s', name: 'browser'},"
                + " complete: xhr => done(xhr.status)}))");
        assertEquals(200, ((Number) status).intValue(), "the POST, then the console's redirect");
        assertTrue(Eventually.within(15_000, () -> Files.exists(made)), lodestar.output());
        Path file = home.resolve("conf").resolve("lodestar.beacon.command-browser.cfg");
        assertTrue(Eventually.within(15_000, () -> Files.exists(file)), "saved to conf/\n" + lodestar.output());

        // a form that a script submits (no submit event): it gets the token as a field
        String pid = pidOf("lodestar.beacon.command");
        browser.open(console.origin() + "/system/console/configMgr");
        browser.eval("(() => { const f = document.createElement('form'); f.method = 'post';"
                + " f.action = '/system/console/configMgr/" + pid + "';"
                + " for (const [k, v] of Object.entries({apply: 'true', action: 'ajaxConfigManager', propertylist: 'command,interval,name',"
                + " command: 'touch " + made + "', interval: '2s', name: 'browser'})) {"
                + " const i = document.createElement('input'); i.name = k; i.value = v; f.appendChild(i); }"
                + " document.body.appendChild(f); f.submit(); return true; })()");
        assertTrue(Eventually.within(15_000, () -> Pattern.compile("(?m)^interval\\s*=\\s*\"?2s\"?$")
                .matcher(Files.readString(file, StandardCharsets.ISO_8859_1)).find()), Files.readString(file, StandardCharsets.ISO_8859_1)
                + "\n" + lodestar.output());

        // a multipart form sent by a click (a submit event): the token goes in its address
        browser.open(console.origin() + "/system/console/configMgr");
        browser.eval("(() => { const f = document.createElement('form'); f.method = 'post'; f.enctype = 'multipart/form-data';"
                + " f.action = '/system/console/configMgr/" + pid + "';"
                + " for (const [k, v] of Object.entries({apply: 'true', delete: 'true', action: 'ajaxConfigManager'})) {"
                + " const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i); }"
                + " const b = document.createElement('button'); b.type = 'submit'; f.appendChild(b);"
                + " document.body.appendChild(f); b.click(); return true; })()");
        assertTrue(Eventually.within(15_000, () -> !Files.exists(file)), "deleted in the console, its file too; the browser is at "
                + browser.eval("location.href + ': ' + (document.body ? document.body.innerText.slice(0, 300) : '')") + "\n" + lodestar.output());
    }

    @Test
    @Order(3)
    void theLodestarPageStillRefreshesItself() throws Exception {
        browser.open(console.origin() + "/system/console/lodestar");
        assertTrue(Eventually.within(15_000, () -> String.valueOf(browser.eval("document.getElementById('ls-line').textContent"))
                .contains("updated")), String.valueOf(browser.eval("document.getElementById('ls-line').textContent")));
        assertEquals("ok", browser.eval("document.getElementById('ls-components').tBodies[0].rows[0].cells[2].textContent"));
    }

    private String pidOf(String factoryPid) throws Exception {
        String json = console.get("/system/console/configMgr/(service.factoryPid=" + factoryPid + ").json").body();
        java.util.regex.Matcher m = Pattern.compile("\"pid\":\"([^\"]+)\"").matcher(json);
        assertTrue(m.find(), json);
        return m.group(1);
    }
}
