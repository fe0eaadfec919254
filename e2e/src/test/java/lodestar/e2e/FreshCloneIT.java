package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import lodestar.testkit.CarbonProcess;
import lodestar.testkit.LodestarProcess;
import lodestar.testkit.Tools;

/**
 * Issue 14's "done when": a fresh {@code git clone} of this repository's HEAD, used only as the README says, reaches
 * the platform up ({@code ./lodestar} in the clone's folder, the console's generated password), a StatsD counter in
 * the store through the default listener, the same counts in a real Carbon through the README's Graphite example, the
 * remote shell answering the README's {@code ./lodestar shell 'lodestar:status'}, and a beacon generated, built and
 * deployed by the README's "Write your own beacon" commands, answering to its own PID; then {@code ./lodestar stop}
 * and a second {@code ./lodestar}, which must not rebuild the runtime for that beacon and starts it again from
 * {@code deploy/}. The commands are read out of README.md and run with bash as written, so the README cannot drift
 * from what works.
 *
 * <p>Two shortcuts keep it within a minute, neither touching what is checked: the clone's Maven runs (offline when the
 * build does) on a private local repository whose third-party artifacts are links into the build's own (the project's
 * snapshots are the clone's own, so nothing the build installed is overwritten), and the runtime jar this build just
 * made from the same sources is put where {@code ./lodestar} builds it, newer than the sources, so that it starts it
 * instead of spending 90 s building it again (the beacon's build runs for real). The platform's ports (HTTP, StatsD,
 * remote shell) are free ones, passed as the README says ({@code -D...}), so that the test never meets another
 * process's port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FreshCloneIT {

    private final Path tmp = LodestarProcess.tempDir();
    private final Path clone = tmp.resolve("lodestar");
    private final Path out = tmp.resolve("lodestar.out");
    private Path bin;
    private CarbonProcess carbon;
    private Process platform;
    private int httpPort;
    private int shellPort;
    private int statsdPort;

    @BeforeAll
    void cloneAndStart() throws Exception {
        Path repo = Path.of(System.getProperty("lodestar.repo.dir", "..")).toAbsolutePath().normalize();
        run(tmp, 60, "git", "clone", "-q", repo.toString(), clone.toString());
        bin = Files.createDirectories(tmp.resolve("bin"));
        Path m2 = privateRepository(Path.of(System.getProperty("lodestar.maven.repo",
                System.getProperty("user.home") + "/.m2/repository")));
        Path mvn = Path.of(System.getProperty("lodestar.maven.home", "/usr/share/maven"), "bin", "mvn");
        // offline when the build is: a build that ran verify only (CI) may lack what install needs (the install plugin)
        String offline = "offline=true".equals(System.getProperty("lodestar.maven.offline")) ? "-o " : "";
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\nexec '" + mvn + "' " + offline + "-Dmaven.repo.local='" + m2 + "' \"$@\"\n");
        bin.resolve("mvn").toFile().setExecutable(true);

        Path jar = clone.resolve("run/target/lodestar.jar");
        Files.createDirectories(jar.getParent());
        Files.copy(LodestarProcess.builtJar(), jar, StandardCopyOption.REPLACE_EXISTING);
        jar.toFile().setLastModified(System.currentTimeMillis() + 1000);

        carbon = new CarbonProcess(Tools.require("graphite-carbon", "carbon-cache"),
                Tools.require("python3-whisper", "whisper-fetch", "whisper-fetch.py"), Files.createDirectories(tmp.resolve("carbon")));
        carbon.start();

        httpPort = LodestarProcess.freePort();
        shellPort = LodestarProcess.freePort();
        statsdPort = LodestarProcess.freePort();
        // the README's Graphite example, on the test Carbon's pickle port
        write("conf/lodestar.sink.graphite-carbon1.cfg", "host=127.0.0.1\nport=" + carbon.picklePort + "\nprotocol=pickle\n");
        // no StatsD configuration: the default listener, on the port the README says how to choose
        platform = startPlatform();
    }

    /** {@code ./lodestar} in the clone's folder, its remote shell on as the README's Shell section turns it on. */
    private Process startPlatform() throws IOException {
        ProcessBuilder pb = new ProcessBuilder("./lodestar", "-Dorg.osgi.service.http.port=" + httpPort,
                "-Dorg.apache.felix.http.port=" + httpPort, "-Dosgi.shell.telnet.port=" + shellPort,
                "-Dlodestar.statsd.port=" + statsdPort)
                .directory(clone.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
        environment(pb);
        return pb.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (platform != null) {
            platform.destroy();
            if (!platform.waitFor(20, TimeUnit.SECONDS)) {
                platform.destroyForcibly().waitFor();
            }
        }
        if (carbon != null) {
            carbon.close();
        }
        // the clone, its Maven repository and Carbon's files: 80 MB a run. Files.walk does not follow links, so
        // the links into the build's repository go, not what they point to. What failed is in the failure messages.
        try (var all = Files.walk(tmp)) {
            for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    @Order(1)
    void thePlatformComesUpWithItsConsolePassword() throws Exception {
        assertTrue(awaitOutput("Ready: listening", 60_000), "platform up\n" + output());
        assertTrue(output().lines().noneMatch(l -> l.contains("lodestar: building")), "the jar of these sources was rebuilt\n" + output());
        Path pw = clone.resolve("data/webconsole.password");
        Eventually.within(30_000, () -> Files.exists(pw));
        String password = Files.readString(pw, StandardCharsets.UTF_8).trim();
        // the page registers a moment after the platform says it is up
        int[] code = {0};
        Eventually.within(30_000, () -> (code[0] = get("/system/console/lodestar", password)) == 200);
        assertEquals(200, code[0], "the Lodestar page with the password from data/webconsole.password\n" + output());
        assertEquals(401, get("/system/console/lodestar", "admin"), "and not without it (no admin/admin)");
    }

    private int get(String path, String password) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + httpPort + path).toURL().openConnection();
        c.setRequestProperty("Authorization", LodestarProcess.basicAuth("admin", password));
        c.setConnectTimeout(5000);
        c.setReadTimeout(10_000);
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }

    @Test
    @Order(2)
    void aStatsdCounterReachesTheStoreAndTheGraphiteSinkCarbon() throws Exception {
        assertTrue(awaitOutput("Ready: listening", 60_000), output());
        long from = System.currentTimeMillis() / 1000 - 5;
        String series = "stats_counts.firsthour.visits";
        // UDP sent before the listener is bound is lost. It opens its UDP socket, then its TCP one on the same port
        // (tcp=true in the default): once TCP accepts, UDP is bound.
        assertTrue(Eventually.within(30_000, () -> {
            try (java.net.Socket probe = new java.net.Socket()) {
                probe.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), statsdPort), 500);
                return true;
            } catch (IOException e) {
                return false;
            }
        }), "the default StatsD listener never listened on " + statsdPort + "\n" + output());
        try (DatagramSocket udp = new DatagramSocket()) {
            for (int i = 0; i < 3; i++) {
                send(udp, "firsthour.visits:3|c");
            }
        }
        double sent = 9;
        // the default flush is every 10 s
        Eventually.within(25_000, () -> {
            Thread.sleep(500);
            return sum(LodestarProcess.shell(shellPort, "lodestar:query " + series + " 10")) >= sent;
        });
        String stored = LodestarProcess.shell(shellPort, "lodestar:query " + series + " 10");
        assertEquals(sent, sum(stored), "the store has every count sent:\n" + stored);

        // the same counts reach Carbon through the README's Graphite sink
        double inCarbon = 0;
        long carbonEnd = System.currentTimeMillis() + 40_000;
        while (System.currentTimeMillis() < carbonEnd) {
            if (Files.exists(carbon.whisperFile(series))) {
                inCarbon = carbon.fetch(series, from, System.currentTimeMillis() / 1000 + 5).values().stream()
                        .mapToDouble(Double::doubleValue).sum();
                if (inCarbon >= sent) {
                    break;
                }
            }
            Thread.sleep(1000);
        }
        assertEquals(sent, inCarbon, "Carbon's whisper file has every count\ncarbon:\n" + carbon.logTail() + "\nlodestar:\n" + output());
    }

    @Test
    @Order(3)
    void theRemoteShellAnswersAScriptedCommand() throws Exception {
        assertTrue(awaitOutput("Ready: listening", 60_000), output());
        // the README's scripted command, as written (it finds the port in data/lodestar.shell-port)
        String command = shBlock(readmeSection("## Shell")).stream().filter(l -> l.startsWith("./lodestar shell '"))
                .findFirst().orElseThrow(() -> new AssertionError("no ./lodestar shell '...' in the README's Shell section"));
        Path log = tmp.resolve("shell.out");
        assertEquals(0, runScript(command, log, 30), command + "\n" + Files.readString(log));
        String status = Files.readString(log);
        assertTrue(status.contains("system"), command + " names the system beacon:\n" + status);
        assertTrue(status.contains("graphite"), "and the Graphite sink:\n" + status);
        assertTrue(status.contains("statsd"), "and the default StatsD listener:\n" + status);
    }

    @Test
    @Order(4)
    void aBeaconGeneratedBuiltAndDeployedAsTheReadmeSays() throws Exception {
        assertTrue(awaitOutput("Ready: listening", 60_000), output());
        String section = readmeSection("## Write your own beacon");
        List<String> commands = shBlock(section);
        assertTrue(commands.size() >= 3, "the README's beacon commands: generate, build, deploy\n" + commands);
        Path log = tmp.resolve("beacon-steps.out");
        int rc = runScript(String.join("\n", commands), log, 240);
        assertEquals(0, rc, "the README's beacon commands, as written:\n" + commands + "\n" + Files.readString(log));

        Matcher typed = Pattern.compile("`(lodestar:series '[^`]+')` at the `g!`").matcher(section);
        assertTrue(typed.find(), "the README says what to type at the g! prompt\n" + section);
        Matcher shown = Pattern.compile("prompt shows `([^`]+)`").matcher(section);
        assertTrue(shown.find(), "the README says what it shows\n" + section);
        String metric = shown.group(1);
        String[] answer = {""};
        Eventually.within(40_000, () -> (answer[0] = LodestarProcess.shell(shellPort, typed.group(1))).contains(metric));
        assertTrue(answer[0].contains(metric), typed.group(1) + " shows " + metric + ":\n" + answer[0] + "\n" + output());

        // the generated beacon's own PID, as its README says: conf/lodestar.beacon.queue.cfg renames its metric
        Matcher pid = Pattern.compile("configuration PID \\(`conf/([a-z0-9.]+)\\.cfg`\\)").matcher(section);
        assertTrue(pid.find(), "the README names the generated beacon's PID\n" + section);
        write("conf/" + pid.group(1) + ".cfg", "interval=1s\nprefix=renamed\n");
        Eventually.within(30_000, () -> (answer[0] = LodestarProcess.shell(shellPort, "lodestar:series 'renamed.**'")).contains("renamed.value"));
        assertTrue(answer[0].contains("renamed.value"), "conf/" + pid.group(1) + ".cfg configures the generated beacon:\n" + answer[0] + "\n" + output());
    }

    @Test
    @Order(5)
    void theNextStartDoesNotRebuildTheRuntimeAndKeepsTheBeacon() throws Exception {
        assertTrue(awaitOutput("Ready: listening", 60_000), output());
        List<String> shell = shBlock(readmeSection("## Shell"));
        String stop = shell.stream().filter(l -> l.startsWith("./lodestar stop")).findFirst()
                .orElseThrow(() -> new AssertionError("no ./lodestar stop in the README's Shell section"));
        Path log = tmp.resolve("stop.out");
        assertEquals(0, runScript(stop, log, 30), stop + "\n" + Files.readString(log));
        assertTrue(platform.waitFor(20, TimeUnit.SECONDS), "stopped by " + stop);
        long before = output().lines().count();

        platform = startPlatform();
        assertTrue(Eventually.within(60_000, () -> output().lines().skip(before).anyMatch(l -> l.contains("Ready: listening"))),
                "the second start\n" + output());
        List<String> second = output().lines().skip(before).toList();
        assertTrue(second.stream().noneMatch(l -> l.contains("lodestar: building")),
                "a beacon generated and built beside the runtime made ./lodestar rebuild it:\n" + String.join("\n", second));
        String[] bundles = {""};
        // FileInstall installs it, then starts it once the framework reaches its start level
        Eventually.within(30_000, () -> (bundles[0] = LodestarProcess.shell(shellPort, "lb -s")).lines()
                .anyMatch(l -> l.contains("Active") && l.contains("lodestar.beacon.queue")));
        assertTrue(bundles[0].lines().anyMatch(l -> l.contains("Active") && l.contains("lodestar.beacon.queue")),
                "the beacon in deploy/ runs again:\n" + bundles[0]);
    }

    @Test
    @Order(6)
    void newBeaconRefusesANameThatWouldMakeABadPackageOrPidAndWritesNothing() throws Exception {
        for (String[] bad : new String[][] {{"queue-2", "not a valid name"}, {"Acme.queue", "not a valid name"},
                {"acme.int.queue", "'int' in 'acme.int.queue' is a Java keyword"}, {"queue", "exists already"}}) {
            Path log = tmp.resolve("new-beacon-bad.out");
            assertEquals(bad[1].equals("exists already") ? 1 : 2, runScript("./new-beacon '" + bad[0] + "'", log, 30), bad[0]);
            assertTrue(Files.readString(log).contains(bad[1]), bad[0] + ": " + Files.readString(log));
        }
        try (var dirs = Files.list(clone.resolve("bundles"))) {
            List<String> made = dirs.map(d -> d.getFileName().toString())
                    .filter(n -> n.contains("queue") && !n.equals("lodestar.beacon.queue")).toList();
            assertEquals(List.of(), made, "a refused name leaves no folder");
        }
        String status = runGit("status", "--porcelain");
        assertEquals("?? bundles/lodestar.beacon.queue/", status.strip(),
                "the generated beacon is the only change to the clone (no platform pom edited)");
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The text of README.md from {@code heading} to the next heading of the same level. */
    private String readmeSection(String heading) throws IOException {
        String readme = Files.readString(clone.resolve("README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("\n" + heading + "\n");
        assertTrue(start >= 0, "README.md has no '" + heading + "'");
        int end = readme.indexOf("\n## ", start + heading.length() + 2);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    /** The lines of the section's {@code ```sh} blocks, in order, blank lines and comments left out. */
    private static List<String> shBlock(String section) {
        List<String> lines = new ArrayList<>();
        int start = section.indexOf("```sh\n");
        assertTrue(start >= 0, "no ```sh block in\n" + section);
        while (start >= 0) {
            int end = section.indexOf("```", start + 6);
            for (String l : section.substring(start + 6, end).split("\n")) {
                if (!l.isBlank() && !l.strip().startsWith("#")) {
                    lines.add(l);
                }
            }
            start = section.indexOf("```sh\n", end + 3);
        }
        return lines;
    }

    /** Runs the commands with bash in the clone's folder, as a user's terminal would, stopping at the first failure. */
    private int runScript(String script, Path log, int timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-eu", "-c", script).directory(clone.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(log.toFile());
        environment(pb);
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("not done in " + timeoutSeconds + " s:\n" + script + "\n" + Files.readString(log));
        }
        return p.exitValue();
    }

    /** The user's environment: the JDK under test, and the build's Maven on a private repository first on the PATH. */
    private void environment(ProcessBuilder pb) {
        Map<String, String> env = pb.environment();
        env.put("JAVA_HOME", LodestarProcess.javaHome().toString());
        env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.remove("LODESTAR_JAR");
        env.remove("LODESTAR_NO_BUILD");
        env.remove("MAVEN_OPTS");
    }

    /**
     * A local Maven repository of the clone's own: every top-level folder of the build's repository linked, except
     * the project's snapshots, which the clone's builds install (a link would let them overwrite the build's).
     */
    private Path privateRepository(Path shared) throws IOException {
        Path m2 = Files.createDirectories(tmp.resolve("m2"));
        try (var entries = Files.list(shared)) {
            for (Path e : (Iterable<Path>) entries::iterator) {
                if (!e.getFileName().toString().equals("lodestar")) {
                    Files.createSymbolicLink(m2.resolve(e.getFileName()), e.toAbsolutePath());
                    continue;
                }
                // the project's group: its released versions (what bnd's baseline compares against) linked, its
                // snapshots left out so that the clone's builds install their own
                try (var artifacts = Files.list(e)) {
                    for (Path a : (Iterable<Path>) artifacts::iterator) {
                        if (!Files.isDirectory(a)) {
                            continue;
                        }
                        Path own = Files.createDirectories(m2.resolve("lodestar").resolve(a.getFileName().toString()));
                        try (var versions = Files.list(a)) {
                            for (Path v : (Iterable<Path>) versions::iterator) {
                                if (Files.isDirectory(v) && !v.getFileName().toString().endsWith("-SNAPSHOT")) {
                                    Files.createSymbolicLink(own.resolve(v.getFileName().toString()), v.toAbsolutePath());
                                }
                            }
                        }
                    }
                }
            }
        }
        return m2;
    }

    private void write(String file, String text) throws IOException {
        Path p = clone.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private String runGit(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", clone.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", cmd) + ": timed out");
        return text;
    }

    private static void run(Path dir, int timeoutSeconds, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), String.join(" ", cmd) + ": timed out");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + text);
    }

    private boolean awaitOutput(String regex, long timeoutMillis) throws Exception {
        Pattern p = Pattern.compile(regex);
        long end = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < end) {
            if (output().lines().anyMatch(l -> p.matcher(l).find())) {
                return true;
            }
            if (!platform.isAlive()) {
                return false;
            }
            Thread.sleep(200);
        }
        return false;
    }

    private String output() {
        try {
            return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "(no output yet)";
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    private void send(DatagramSocket udp, String line) throws IOException {
        byte[] b = line.getBytes(StandardCharsets.US_ASCII);
        udp.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), statsdPort));
    }

    /** The sum of the values of a {@code lodestar:query} answer (its last column). */
    private static double sum(String queryOutput) {
        double s = 0;
        for (String line : queryOutput.strip().split("\n")) {
            String[] cols = line.trim().split("\\s+");
            try {
                s += Double.parseDouble(cols[cols.length - 1]);
            } catch (NumberFormatException e) {
                // the header, or "no points ..."
            }
        }
        return s;
    }
}
