package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import lodestar.support.json.Json;
import lodestar.testkit.LodestarProcess;

/**
 * Issue 11, finding 3: a page on another origin made the administrator's browser (which sends the console's
 * credentials with every request to it) create a command-beacon configuration through the console's {@code configMgr},
 * and the command ran within a second; the configuration was never written to {@code conf/}. Here the same forged
 * requests, as a browser sends them, are refused and run nothing, while the console's own requests (same origin,
 * with the token) still work, and a configuration made in the console gets its own {@code conf/} file that
 * FileInstall then owns: one instance, edited and deleted with its file, and back after a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleCsrfIT {

    private static final String NEW_FACTORY_CONFIGURATION = "/system/console/configMgr/%5BTemporary%20PID%20replacement%5D";

    private final Path home = LodestarProcess.tempDir();
    private LodestarProcess lodestar;
    private ConsoleClient console;
    private String password;

    @BeforeAll
    void start() throws Exception {
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), home, List.of("-Xmx256m"));
        lodestar.start();
        password = lodestar.consolePassword();
        console = new ConsoleClient(lodestar, password);
        console.awaitReady();
    }

    @AfterAll
    void stop() throws Exception {
        lodestar.close();
    }

    /** The form the console's page posts to make a command check that runs {@code touch marker} every second. */
    private static String commandCheck(Path marker, String name) {
        return "apply=true&action=ajaxConfigManager&factoryPid=lodestar.beacon.command"
                + "&propertylist=command,interval" + (name == null ? "" : ",name")
                + "&command=" + URLEncoder.encode("touch " + marker, StandardCharsets.UTF_8) + "&interval=1s"
                + (name == null ? "" : "&name=" + name);
    }

    /** A request as the administrator's browser sends it for a page elsewhere: credentials attached, no token. */
    private HttpRequest.Builder forged(String path) {
        return console.request(path).header("Content-Type", "application/x-www-form-urlencoded");
    }

    @Test
    @Order(1)
    void forgedRequestsFromAnotherOriginRunNothing() throws Exception {
        Path marker = home.resolve("pwned");
        String form = commandCheck(marker, null);
        int otherPort = LodestarProcess.freePort();
        Map<String, HttpRequest> attacks = new java.util.LinkedHashMap<>();
        // the reported attack: an auto-submitting form on a page of another site
        attacks.put("cross-site form", forged(NEW_FACTORY_CONFIGURATION).header("Origin", "http://evil.example")
                .header("Referer", "http://evil.example/attack.html").POST(HttpRequest.BodyPublishers.ofString(form)).build());
        // another port on the same host is the same site, but not the same origin
        attacks.put("same host, other port", forged(NEW_FACTORY_CONFIGURATION).header("Origin", "http://127.0.0.1:" + otherPort)
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        // a page whose referrer policy hides where it is: the browser sends Origin: null
        attacks.put("origin null", forged(NEW_FACTORY_CONFIGURATION).header("Origin", "null")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        // no Origin (an old browser), only the page's address
        attacks.put("foreign referer", forged(NEW_FACTORY_CONFIGURATION).header("Referer", "http://evil.example/a")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        // configMgr still takes GET ...?post=true for an old console's requests: an <img src> does that, with no
        // Origin and no Referer at all
        attacks.put("GET with post=true", console.request(NEW_FACTORY_CONFIGURATION + "?post=true&" + form).GET().build());
        // same origin as far as the headers go, but without the token a page of the console has
        attacks.put("same origin, no token", forged(NEW_FACTORY_CONFIGURATION).header("Origin", console.origin())
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        attacks.put("wrong token", forged(NEW_FACTORY_CONFIGURATION).header("Origin", console.origin())
                .header(ConsoleClient.TOKEN_HEADER, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());

        for (Map.Entry<String, HttpRequest> attack : attacks.entrySet()) {
            HttpResponse<String> r = console.send(attack.getValue());
            assertEquals(403, r.statusCode(), attack.getKey() + ": " + r.statusCode() + " " + r.headers().map() + "\n" + lodestar.output());
        }
        Thread.sleep(3_000); // three intervals of the check the attack tried to make
        assertFalse(Files.exists(marker), "the forged configuration ran its command\n" + lodestar.output());
        assertFalse(lodestar.shell("lodestar:status").contains("command"), lodestar.shell("lodestar:status"));
        assertEquals("[]", console.get("/system/console/configMgr/(service.factoryPid=lodestar.beacon.command).json").body().trim(),
                "no command configuration was made");
        Map<String, Object> guard = console.component("runtime", "console");
        assertEquals((long) attacks.size(), ConsoleClient.counter(guard, "csrf_refused"), guard.toString());
        assertTrue(lodestar.countOutput("Web console: refused .*cross-site request forgery") >= 1, lodestar.output());
    }

    @Test
    @Order(2)
    void theConsolesOwnPagesCarryTheTokenAndANewConfigurationGetsItsFile() throws Exception {
        // every page of the console has the token, for its scripts and forms, and so has every authenticated answer
        HttpResponse<String> page = console.get("/system/console/configMgr");
        assertEquals(200, page.statusCode());
        String token = page.headers().firstValue(ConsoleClient.TOKEN_HEADER).orElse(null);
        assertNotNull(token, "token header of an authenticated page: " + page.headers().map());
        assertTrue(page.body().contains("<meta name=\"lodestar-csrf-token\" content=\"" + token + "\">"), page.body());
        assertEquals(token, console.token(), "one token for the whole run");
        assertEquals("SAMEORIGIN", page.headers().firstValue("X-Frame-Options").orElse(null), "no framing by other sites");
        // an unauthenticated answer has none
        HttpResponse<String> anonymous = console.send(HttpRequest.newBuilder(URI.create(console.origin() + "/system/console/configMgr")).build());
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue(ConsoleClient.TOKEN_HEADER).isEmpty(), anonymous.headers().map().toString());

        Path marker = home.resolve("made-in-the-console");
        HttpResponse<String> made = console.post(NEW_FACTORY_CONFIGURATION, commandCheck(marker, "marker"));
        assertEquals(302, made.statusCode(), made.body());
        assertTrue(Eventually.within(30_000, () -> Files.exists(marker)), "the console's own request works\n" + lodestar.output());

        Path file = home.resolve("conf").resolve("lodestar.beacon.command-marker.cfg");
        assertTrue(Eventually.within(30_000, () -> Files.exists(file)), "saved to conf/: " + List.of(home.resolve("conf").toFile().list()) + "\n" + lodestar.output());
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("touch " + marker) && Pattern.compile("(?m)^interval\\s*=\\s*\"?1s\"?$").matcher(text).find(), text);
        assertFalse(text.contains("felix.fileinstall.filename") || text.contains("service.pid"), text);
        assertTrue(lodestar.countOutput("Configuration lodestar\\.beacon\\.command\\.[0-9a-f-]+: made in the web console, saved to "
                + Pattern.quote(file.toString())) == 1, lodestar.output());

        // FileInstall reads the new file and finds its configuration: no second instance
        Thread.sleep(3_000);
        assertEquals(1, commandBeacons().size(), lodestar.shell("lodestar:status"));
        assertEquals("[marker]", commandBeacons().toString());

        // an edit in the console goes to the same file, still one instance
        String pid = commandPid();
        HttpResponse<String> edited = console.post("/system/console/configMgr/" + pid,
                "apply=true&action=ajaxConfigManager&propertylist=command,interval,name&command="
                        + URLEncoder.encode("touch " + marker, StandardCharsets.UTF_8) + "&interval=2s&name=marker");
        assertEquals(302, edited.statusCode(), edited.body());
        assertTrue(Eventually.within(30_000, () -> Pattern.compile("(?m)^interval\\s*=\\s*\"?2s\"?$").matcher(Files.readString(file, StandardCharsets.ISO_8859_1)).find()),
                Files.readString(file, StandardCharsets.ISO_8859_1));
        Thread.sleep(3_000);
        assertEquals("[marker]", commandBeacons().toString(), lodestar.shell("lodestar:status"));
        assertFalse(lodestar.output().contains("Creating configuration {lodestar.beacon.command~marker}"),
                "FileInstall made a second configuration from the file\n" + lodestar.output());
    }

    @Test
    @Order(3)
    void theFileBringsItBackAfterARestartAndDeletingItInTheConsoleRemovesTheFile() throws Exception {
        Path file = home.resolve("conf").resolve("lodestar.beacon.command-marker.cfg");
        int exit = lodestar.stop(30_000);
        assertTrue(exit == 0 || exit == 143, "exit " + exit);
        lodestar.start();
        console.awaitReady();
        assertTrue(Eventually.within(30_000, () -> commandBeacons().equals(List.of("marker"))), lodestar.shell("lodestar:status"));

        HttpResponse<String> deleted = console.post("/system/console/configMgr/" + commandPid().replace("~", "%7E"),
                "apply=true&delete=true&action=ajaxConfigManager");
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertTrue(Eventually.within(30_000, () -> !Files.exists(file)), "deleted in the console, still in conf/\n" + lodestar.output());
        assertTrue(Eventually.within(30_000, () -> commandBeacons().isEmpty()), lodestar.shell("lodestar:status"));
    }

    /** The names of the command beacons {@code lodestar:status} lists. */
    private List<String> commandBeacons() throws Exception {
        return Stream.of(lodestar.shell("lodestar:status").split("\n")).map(String::trim)
                .filter(l -> l.startsWith("beacon ")).map(l -> l.split("\\s+")[1])
                .filter(n -> n.equals("marker") || n.startsWith("command")).toList();
    }

    /** The PID of the one command-check configuration, as the console lists it. */
    private String commandPid() throws Exception {
        String json = console.get("/system/console/configMgr/(service.factoryPid=lodestar.beacon.command).json").body();
        Matcher m = Pattern.compile("\"pid\":\"([^\"]+)\"").matcher(json);
        assertTrue(m.find(), json);
        return m.group(1);
    }
}
