package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import lodestar.support.json.Json;
import lodestar.testkit.LodestarProcess;

/**
 * An operator changes configurations in the web console: the change applies at once, is saved into the
 * {@code conf/} file it came from (the operator's comments kept), and is still there after a restart; deleting
 * a configuration in the console removes its file. Before lodestar.runtime saved them, console edits were
 * silently lost at the next start (the console drops FileInstall's filename property, so FileInstall's own
 * saving never found the file).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleEditsIT {

    private final Path home = LodestarProcess.tempDir();
    private final HttpClient http = HttpClient.newHttpClient();
    private LodestarProcess lodestar;
    private String password;
    private int firstPort;
    private int secondPort;

    @BeforeAll
    void start() throws Exception {
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), home, List.of("-Xmx256m"));
        Files.createDirectories(home.resolve("conf"));
        // nothing listens on these: the sink keeps its samples on disk, which does not matter here
        firstPort = LodestarProcess.freePort();
        secondPort = LodestarProcess.freePort();
        Files.writeString(home.resolve("conf").resolve("lodestar.beacon.system.cfg"),
                "# the operator's own comment\ninterval=10s\n");
        Files.writeString(home.resolve("conf").resolve("lodestar.sink.graphite-edit.cfg"),
                "# where the graphs live\nhost=127.0.0.1\nport=" + firstPort + "\nprefix=before\n");
        lodestar.start();
        Path pw = home.resolve("data").resolve("webconsole.password");
        assertTrue(awaitCount("sink graphite-edit started", 1), lodestar.output());
        assertTrue(awaitCount("Ready: listening", 1), lodestar.output());
        password = Files.readString(pw, StandardCharsets.UTF_8).trim();
    }

    @AfterAll
    void stop() throws Exception {
        lodestar.close();
    }

    @Test
    void anEditInTheConsoleIsSavedToItsFileAndOutlivesARestart() throws Exception {
        Path system = home.resolve("conf").resolve("lodestar.beacon.system.cfg");
        Path sink = home.resolve("conf").resolve("lodestar.sink.graphite-edit.cfg");

        assertEquals(302, post("lodestar.beacon.system", "propertylist=interval,enabled&interval=2s&enabled=true"));
        assertEquals(302, post("lodestar.sink.graphite~edit",
                "propertylist=host,port,prefix&host=127.0.0.1&port=" + secondPort + "&prefix=after"));

        assertTrue(awaitCount("system beacon: system.vm.\\* every 2s", 1), lodestar.output());
        assertTrue(awaitCount("Graphite sink to plaintext://127.0.0.1:" + secondPort + " \\(prefix 'after'", 1), lodestar.output());
        assertTrue(awaitCount("Configuration lodestar.beacon.system: saved to " + Pattern.quote(system.toString()), 1), lodestar.output());
        assertTrue(awaitCount("Configuration lodestar.sink.graphite~edit: saved to " + Pattern.quote(sink.toString()), 1), lodestar.output());

        String systemText = Files.readString(system);
        assertTrue(systemText.startsWith("# the operator's own comment\n"), systemText);
        assertTrue(Pattern.compile("(?m)^interval\\s*=\\s*\"?2s\"?$").matcher(systemText).find(), systemText);
        String sinkText = Files.readString(sink);
        assertTrue(sinkText.startsWith("# where the graphs live\n"), sinkText);
        assertTrue(Pattern.compile("(?m)^port\\s*=\\s*(I\")?" + secondPort + "\"?$").matcher(sinkText).find(), sinkText);
        assertTrue(Pattern.compile("(?m)^prefix\\s*=\\s*\"?after\"?$").matcher(sinkText).find(), sinkText);
        assertFalse(sinkText.contains("felix.fileinstall.filename") || sinkText.contains("service.pid"), sinkText);

        // FileInstall reads the saved files back (their time changed) and finds what the configurations say:
        // no second update, so no second restart of the components
        Thread.sleep(2_500);
        assertFalse(lodestar.output().contains("Updating configuration {lodestar.beacon.system}"), lodestar.output());
        assertFalse(lodestar.output().contains("Updating configuration {lodestar.sink.graphite~edit}"), lodestar.output());
        assertEquals(1, lodestar.countOutput("system beacon: system.vm.\\* every 2s"), lodestar.output());
        // the saving component reports what it did, like every other part (lodestar:status, the Lodestar page)
        Map<String, Object> saving = configsave();
        assertEquals("ok", saving.get("state"), saving.toString());
        assertEquals(2L, ((Number) Json.object(saving.get("counters")).get("saved")).longValue(), saving.toString());

        // an operator then edits the file by hand: it applies, and the file stays exactly as written
        String byHand = "# edited by hand\nhost=127.0.0.1\nport=" + secondPort + "\nprefix=byhand\n";
        Path tmp = sink.resolveSibling(".edit.tmp");
        Files.writeString(tmp, byHand);
        Files.move(tmp, sink, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertTrue(awaitCount("Graphite sink to plaintext://127.0.0.1:" + secondPort + " \\(prefix 'byhand'", 1), lodestar.output());
        Thread.sleep(1_500);
        assertEquals(byHand, Files.readString(sink), "a hand edit is not rewritten");

        int exit = lodestar.stop(30_000);
        assertTrue(exit == 0 || exit == 143, "exit code on SIGTERM: " + exit + "\n" + lodestar.output());
        lodestar.start();
        assertTrue(awaitCount("system beacon: system.vm.\\* every 2s", 2), "after a restart\n" + lodestar.output());
        assertTrue(awaitCount("Graphite sink to plaintext://127.0.0.1:" + secondPort + " \\(prefix 'byhand'", 2),
                "after a restart\n" + lodestar.output());
        assertTrue(awaitCount("Ready: listening", 2), lodestar.output());

        // deleting the configuration in the console removes the sink and its file
        assertEquals(200, post("lodestar.sink.graphite~edit", "delete=1&apply=1"));
        assertTrue(awaitCount("sink graphite-edit removed", 2), lodestar.output());
        long end = System.currentTimeMillis() + 10_000;
        while (Files.exists(sink) && System.currentTimeMillis() < end) {
            Thread.sleep(100);
        }
        assertFalse(Files.exists(sink), "deleted in the console, still in conf/\n" + lodestar.output());
        Map<String, Object> afterDelete = configsave();
        assertEquals(1L, ((Number) Json.object(afterDelete.get("counters")).get("removed")).longValue(), afterDelete.toString());
        assertEquals(0L, ((Number) Json.object(afterDelete.get("counters")).get("failed")).longValue(), afterDelete.toString());
        assertTrue(Files.exists(system));
    }

    private int post(String pid, String form) throws Exception {
        // as a script does: the token of an authenticated answer with each change (lodestar.runtime's console guard)
        HttpRequest r = ConsoleClient.withToken(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lodestar.httpPort
                        + "/system/console/configMgr/" + pid.replace("~", "%7E"))), http, lodestar.httpPort, password)
                .header("Authorization", LodestarProcess.basicAuth("admin", password))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("apply=true&action=ajaxConfigManager&" + form)).build();
        return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The configsave component's entry in the Lodestar page's status.json. */
    private Map<String, Object> configsave() throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lodestar.httpPort + "/system/console/lodestar/status.json"))
                .header("Authorization", LodestarProcess.basicAuth("admin", password)).build();
        long end = System.currentTimeMillis() + 30_000;
        String body = "";
        while (System.currentTimeMillis() < end) {
            HttpResponse<String> answer = http.send(r, HttpResponse.BodyHandlers.ofString());
            body = answer.body();
            if (answer.statusCode() == 200) {
                for (Object o : Json.array(Json.object(Json.parse(body)).get("components"))) {
                    Map<String, Object> c = Json.object(o);
                    if ("runtime".equals(c.get("type")) && "configsave".equals(c.get("name"))) {
                        return c;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no runtime/configsave in status.json: " + body);
    }


    private boolean awaitCount(String regex, long n) throws InterruptedException {
        long end = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < end) {
            if (lodestar.countOutput(regex) >= n) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
