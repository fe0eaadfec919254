package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
 * The status board in a real browser (headless Chromium over the DevTools protocol), on the exported platform:
 * the page is loaded once; a command check whose result the test flips with a file turns its tile red within 2 s
 * and green again, with the page never reloaded (a marker set on {@code window} survives); a check message
 * holding {@code <script>} is shown as text and never runs; a platform restart shows the "disconnected since"
 * banner, and the page reconnects by itself. Screenshots go to {@code target/board*.png}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class BoardBrowserIT {

    private final Path home = LodestarProcess.tempDir();
    private final Path flag = home.resolve("frontend.down");
    private LodestarProcess lodestar;
    private Chromium browser;

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue(Chromium.executable() != null, "no chromium (./run-tests installs Debian's)");
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), home, List.of("-Xmx256m"));
        command("web-frontend", "Web", "if [ -f " + flag + " ]; then echo 'CRITICAL: <script>window.pwned=1</script>"
                + " <img src=x onerror=window.pwned=2> frontend down'; exit 2; fi; echo 'OK: frontend answers|time=0.012s'");
        command("disk-root", "Storage", "echo 'DISK OK - free space: / 41% free|used=59%'");
        command("backup-age", "Storage", "echo 'WARNING: last backup 26 hours ago|age=26h'; exit 1");
        command("queue-depth", "Jobs", "echo 'UNKNOWN: queue not reachable'; exit 3");
        command("mail-relay", "Web", "echo 'OK: 220 mail ready|time=0.004s'");
        Map<String, String> http = new LinkedHashMap<>();
        http.put("url", "http://127.0.0.1:" + lodestar.httpPort + "/board");
        http.put("interval", "1s");
        http.put("name", "board-page");
        http.put("group", "Web");
        lodestar.config("lodestar.beacon.http-boardpage.cfg", http);
        // typed form (a list): groups in this order, the rest after them
        Files.writeString(home.resolve("conf/lodestar.web.board.cfg"),
                "title=\"Operations\"\ngroups=[\"Web\",\"Storage\"]\n");
        lodestar.start();
        browser = new Chromium();
        browser.viewport(1400, 900);
    }

    private void command(String name, String group, String script) throws Exception {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("command", script.replace("\\", "\\\\"));
        c.put("shell", "true");
        c.put("interval", "500ms");
        c.put("name", name);
        c.put("group", group);
        lodestar.config("lodestar.beacon.command-" + name + ".cfg", c);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (lodestar != null) {
            lodestar.close();
        }
        Files.deleteIfExists(flag);
    }

    /** The status of the tile called {@code name}, or null while there is none. */
    private String status(String name) throws Exception {
        return (String) browser.eval("(function(){var t=[...document.querySelectorAll('.tile')].find(function(e){"
                + "return e.querySelector('.name').textContent===" + js(name) + "});return t?t.dataset.status:null;})()");
    }

    private static String js(String s) {
        return Json.string(new StringBuilder(), s).toString();
    }

    /** Waits until the tile has {@code status}; returns how long that took in ms. */
    private long awaitStatus(String name, String status, long timeoutMillis) throws Exception {
        long start = System.currentTimeMillis();
        String last = null;
        while (System.currentTimeMillis() - start < timeoutMillis) {
            last = status(name);
            if (status.equals(last)) {
                return System.currentTimeMillis() - start;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(name + " not " + status + " within " + timeoutMillis + " ms (is " + last + ")\n"
                + lodestar.output());
    }

    private void await(String expression, long timeoutMillis, String what) throws Exception {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < end) {
            if (Boolean.TRUE.equals(browser.eval(expression))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(what + " (" + expression + ")\n" + lodestar.output());
    }

    @Test
    @Order(1)
    void theBoardShowsEveryCheckInItsGroup() throws Exception {
        // the first load waits for the platform
        long end = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < end) {
            try {
                browser.open("http://127.0.0.1:" + lodestar.httpPort + "/board");
                if (Boolean.TRUE.equals(browser.eval("window.lodestarBoard !== undefined"))) {
                    break;
                }
            } catch (IllegalStateException notYet) {
                // not loaded yet
            }
            Thread.sleep(500);
        }
        browser.eval("window.boardMarker = 'loaded once'");
        await("window.lodestarBoard.snapshots > 0 && document.querySelectorAll('.tile').length >= 6", 30_000,
                "the board shows its tiles");
        awaitStatus("web-frontend", "ok", 30_000);
        awaitStatus("backup-age", "warning", 10_000);
        awaitStatus("queue-depth", "unknown", 10_000);
        awaitStatus("board-page", "ok", 30_000);
        assertEquals("Operations", browser.eval("document.getElementById('title').textContent"));
        @SuppressWarnings("unchecked")
        List<Object> groups = (List<Object>) browser.eval("[...document.querySelectorAll('section.group h2')].map(function(h){return h.textContent})");
        assertEquals(List.of("Web", "Storage", "Jobs"), groups.subList(0, 3), "configured order, then the other check groups");
        assertTrue(groups.contains("Sinks") && groups.contains("Platform"), "the running parts too: " + groups);
        assertEquals("/explore#target=check.web-frontend.*&range=1h", browser.eval(
                "[...document.querySelectorAll('.tile')].find(function(e){return e.querySelector('.name').textContent==='web-frontend'}).getAttribute('href')"));
        assertEquals("/explore#target=check.board-page.*_ms&range=1h", browser.eval(
                "[...document.querySelectorAll('.tile')].find(function(e){return e.querySelector('.name').textContent==='board-page'}).getAttribute('href')"),
                "an HTTP check links to its timings");
    }

    @Test
    @Order(2)
    void aFailingCheckTurnsRedWithin2sAndItsScriptIsText() throws Exception {
        Files.writeString(flag, "down");
        long took = awaitStatus("web-frontend", "critical", 2_000);
        String message = (String) browser.eval("[...document.querySelectorAll('.tile')].find(function(e){"
                + "return e.querySelector('.name').textContent==='web-frontend'}).querySelector('.message').textContent");
        assertTrue(message.contains("<script>window.pwned=1</script>"), "shown as text: " + message);
        assertEquals(Boolean.TRUE, browser.eval("window.pwned === undefined"), "the message's script never ran");
        assertEquals(0.0, ((Number) browser.eval("document.querySelectorAll('#groups script, #groups img').length")).doubleValue());
        assertEquals("loaded once", browser.eval("window.boardMarker"), "no reload");
        browser.screenshot(Path.of("target/board-red.png"));
        System.out.println("BoardBrowserIT: red after " + took + " ms");
    }

    @Test
    @Order(3)
    void itTurnsGreenAgainAndTheStripRemembersTheRed() throws Exception {
        Files.delete(flag);
        long took = awaitStatus("web-frontend", "ok", 2_000);
        assertEquals("loaded once", browser.eval("window.boardMarker"), "no reload");
        assertEquals(Boolean.TRUE, browser.eval("[...document.querySelectorAll('.tile')].find(function(e){"
                + "return e.querySelector('.name').textContent==='web-frontend'}).querySelector('.strip .cell.critical') !== null"),
                "the red spell stays in the strip");
        Thread.sleep(1500); // a few more results in the strips
        browser.screenshot(Path.of("target/board.png"));
        assertTrue(Files.size(Path.of("target/board.png")) > 10_000);
        System.out.println("BoardBrowserIT: green after " + took + " ms");
    }

    @Test
    @Order(4)
    void aRestartShowsTheBannerThenTheBoardReconnectsByItself() throws Exception {
        Number snapshots = (Number) browser.eval("window.lodestarBoard.snapshots");
        assertNotNull(snapshots);
        lodestar.stop(30_000);
        await("!document.getElementById('banner').hidden && document.getElementById('banner').textContent.indexOf('Disconnected since') === 0",
                10_000, "the disconnected banner");
        browser.screenshot(Path.of("target/board-disconnected.png"));
        assertFalse(lodestar.isAlive());
        lodestar.start();
        await("window.lodestarBoard.connected && document.getElementById('banner').hidden && window.lodestarBoard.snapshots > "
                + snapshots.intValue(), 60_000, "reconnected after the restart");
        assertEquals("loaded once", browser.eval("window.boardMarker"), "reconnected without a reload");
        awaitStatus("web-frontend", "ok", 30_000);
    }
}
