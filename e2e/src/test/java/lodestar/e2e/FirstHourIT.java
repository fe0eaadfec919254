package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import lodestar.testkit.LodestarProcess;

/**
 * The first hour, as the README tells it, through {@code ./lodestar} itself (LODESTAR_NO_BUILD=1: the build has just
 * made the jar): StatsD on a default listener with no configuration (UDP and TCP), the start-up summary, one command
 * through {@code ./lodestar shell} without netcat, {@code ./lodestar status} and {@code stop}; a busy StatsD port
 * leaves only that listener waiting; a duration without a unit is refused with the fix; every log line has the
 * documented format; and only what the runtime is made of makes {@code ./lodestar} build.
 */
class FirstHourIT {

    /** The documented log line: date, time with milliseconds, level, logger, message (docs: run/lodestar.bndrun). */
    private static final Pattern LOG_LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} (TRACE|DEBUG|INFO|WARN|ERROR) \\S+ - .*");

    private final Path home = LodestarProcess.tempDir();
    private final Path repo = LodestarProcess.builtJar().getParent().getParent().getParent();
    private final int http;
    private final int shell;
    private final int statsd;

    FirstHourIT() throws IOException {
        http = LodestarProcess.freePort();
        shell = LodestarProcess.freePort();
        statsd = LodestarProcess.freePort();
    }

    @Test
    void statsdWithNoConfigurationTheSummaryAndTheShellFromAScript() throws Exception {
        Path out = home.resolve("lodestar.out");
        Process p = launch(out, statsd);
        try {
            assertTrue(await(p, out, "Ready: shell"), "start-up summary\n" + read(out));
            String log = read(out);
            assertTrue(log.contains("Ready: web console http://127.0.0.1:" + http + "/system/console, user admin, password in "
                    + home.toRealPath().resolve("data/webconsole.password")), log);
            assertTrue(log.contains("Ready: listening on HTTP 127.0.0.1:" + http + ", statsd-default " + statsd
                    + ", remote shell 127.0.0.1:" + shell), log);
            assertTrue(log.contains("Ready: shell: the g! prompt when started on a terminal; from elsewhere ./lodestar shell 'lodestar:status'"),
                    log);
            assertTrue(Files.exists(home.resolve("conf/lodestar.listener.statsd-default.cfg")));

            Result status = lodestar("status");
            assertEquals(0, status.exit, status.out);
            assertEquals("lodestar: running, pid " + p.pid() + ", home " + home.toRealPath() + "\n", status.out);

            // a counter over UDP and one over TCP, with no configuration written by the test
            try (DatagramSocket udp = new DatagramSocket()) {
                byte[] b = "first_hour_udp:3|c".getBytes(StandardCharsets.UTF_8);
                udp.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), statsd));
            }
            try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), statsd); OutputStream o = tcp.getOutputStream()) {
                o.write("first_hour_tcp:4|c\n".getBytes(StandardCharsets.UTF_8));
            }
            // the default flush is 10 s: one flush, then both counts are in the store, read through ./lodestar shell
            String series = "";
            long end = System.currentTimeMillis() + 25_000;
            while (System.currentTimeMillis() < end) {
                Result r = lodestar("shell", "lodestar:series 'stats_counts.first_hour_*'");
                assertEquals(0, r.exit, r.out);
                series = r.out;
                if (series.contains("stats_counts.first_hour_udp") && series.contains("stats_counts.first_hour_tcp")) {
                    break;
                }
                Thread.sleep(1000);
            }
            assertTrue(series.contains("stats_counts.first_hour_udp") && series.contains("stats_counts.first_hour_tcp"),
                    "both counters in the store\n" + series + "\n" + read(out));
            assertFalse(series.contains("g! "), "the answer alone, without prompts: " + series);
            Result query = lodestar("shell", "lodestar:query stats_counts.first_hour_tcp 5");
            assertTrue(query.out.contains("4"), query.out);

            Result stop = lodestar("stop");
            assertEquals(0, stop.exit, stop.out);
            assertEquals("lodestar: stopped (pid " + p.pid() + ")\n", stop.out);
            assertTrue(p.waitFor(5, TimeUnit.SECONDS));
            Result after = lodestar("status");
            assertEquals(3, after.exit, after.out);
            assertTrue(after.out.startsWith("lodestar: not running"), after.out);
            Result noShell = lodestar("shell", "lodestar:status");
            assertEquals(1, noShell.exit, noShell.out);
            assertTrue(noShell.out.contains("no remote shell answers on 127.0.0.1:" + shell), noShell.out);
        } finally {
            p.destroyForcibly().waitFor();
        }
        assertEveryLineDocumented(read(out));
    }

    @Test
    void aBusyStatsdPortLeavesOnlyThatListenerWaitingAndABareNumberIsRefusedWithTheFix() throws Exception {
        Path out = home.resolve("lodestar.out");
        Files.createDirectories(home.resolve("conf"));
        // Bucky's flushInterval=10 (seconds there): refused, not read as 10 ms
        Files.writeString(home.resolve("conf/lodestar.listener.statsd-bucky.cfg"), "port=0\nflushInterval=10\n");
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int busy = taken.getLocalPort();
            Process p = launch(out, busy);
            try {
                assertTrue(await(p, out, "Ready: shell"), read(out));
                assertTrue(await(p, out, "flushInterval: '10' has no unit; write 10s or 10ms"), read(out));
                String log = read(out);
                List<String> about = log.lines().filter(l -> l.contains("127.0.0.1:" + busy)).toList();
                assertEquals(1, about.size(), "one line about the busy port\n" + log);
                assertTrue(about.get(0).contains("statsd-default") || about.get(0).contains("lodestar.listener.statsd"), about.get(0));
                assertTrue(about.get(0).contains("port: cannot listen on 127.0.0.1:" + busy), about.get(0));
                // everything else runs: the shell answers and shows the platform
                Result status = lodestar("shell", "lodestar:status");
                assertEquals(0, status.exit, status.out);
                assertTrue(status.out.contains("system"), status.out);
            } finally {
                p.destroy();
                p.waitFor(60, TimeUnit.SECONDS);
                p.destroyForcibly().waitFor();
            }
        }
        assertEveryLineDocumented(read(out));
    }

    /**
     * {@code ./lodestar}'s build rule on a copy of the repository's layout (the launcher, the bndrun, a runtime
     * bundle, a module outside the runtime, deploy/): a stand-in {@code mvn} says whether a build was started.
     */
    @Test
    void onlyWhatTheRuntimeIsMadeOfTriggersABuild() throws Exception {
        Path fake = home.resolve("repo");
        Files.createDirectories(fake.resolve("run/target"));
        Files.copy(repo.resolve("lodestar"), fake.resolve("lodestar"));
        Files.copy(repo.resolve("run/lodestar.bndrun"), fake.resolve("run/lodestar.bndrun"));
        Path core = Files.createDirectories(fake.resolve("bundles/lodestar.core/src/main/java"));
        Path mine = Files.createDirectories(fake.resolve("bundles/my.beacon/src/main/java"));
        Path deploy = Files.createDirectories(fake.resolve("deploy"));
        Path bin = Files.createDirectories(home.resolve("bin"));
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\necho \"[INFO] Building FAKE-MVN $*\"\nexit 1\n");
        bin.resolve("mvn").toFile().setExecutable(true);
        Files.writeString(core.resolve("Core.java"), "class Core {}");
        Files.writeString(fake.resolve("bundles/lodestar.core/README.md"), "doc");
        Path jar = Files.writeString(fake.resolve("run/target/lodestar.jar"), "not a jar");
        FileTime past = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        for (Path f : List.of(fake.resolve("run/lodestar.bndrun"), core.resolve("Core.java"),
                fake.resolve("bundles/lodestar.core/README.md"))) {
            Files.setLastModifiedTime(f, past);
        }
        // newer than the jar, but not part of the runtime: a beacon of one's own, its build output, a README
        Files.writeString(mine.resolve("Mine.java"), "class Mine {}");
        Files.writeString(deploy.resolve("my.beacon.jar"), "jar");
        Files.createDirectories(fake.resolve("bundles/lodestar.core/target")).resolve("x.class").toFile().createNewFile();
        Files.writeString(fake.resolve("bundles/lodestar.core/README.md"), "newer doc");
        assertFalse(fakeStart(fake, bin).contains("FAKE-MVN"), "nothing the runtime is made of changed");

        Files.writeString(core.resolve("Core.java"), "class Core { int changed; }");
        String built = fakeStart(fake, bin);
        assertTrue(built.contains("lodestar: building") && built.contains("FAKE-MVN"), built);
        assertTrue(built.contains("lodestar: the build failed"), built);
    }

    private String fakeStart(Path fake, Path bin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(fake.resolve("lodestar").toString(), "--home", home.resolve("h").toString());
        pb.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        pb.environment().put("JAVA", "/bin/false");
        pb.environment().remove("LODESTAR_NO_BUILD");
        pb.environment().remove("LODESTAR_JAR");
        pb.environment().remove("JAVA_HOME");
        Files.createDirectories(home.resolve("h"));
        Process p = pb.redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return text;
    }

    private static void assertEveryLineDocumented(String log) {
        List<String> odd = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (!line.isEmpty() && !LOG_LINE.matcher(line).matches()) {
                odd.add(line);
            }
        }
        assertEquals(List.of(), odd, "lines outside the documented format\n" + log);
        assertFalse(log.contains("\u001b"), "terminal escape codes in the log");
        String starting = log.split("Shutdown requested", 2)[0];
        assertFalse(starting.contains("removed"), "something removed (and scheduled again) on a first start\n" + log);
    }

    private Process launch(Path out, int statsdPort) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(repo.resolve("lodestar").toString(), "--home", home.toString(),
                "-Dorg.osgi.service.http.port=" + http, "-Dorg.apache.felix.http.port=" + http,
                "-Dosgi.shell.telnet.port=" + shell, "-Dlodestar.statsd.port=" + statsdPort);
        environment(pb);
        return pb.directory(home.toFile()).redirectErrorStream(true).redirectInput(new File("/dev/null"))
                .redirectOutput(out.toFile()).start();
    }

    private record Result(int exit, String out) {
    }

    private Result lodestar(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("lodestar").toString(), "--home", home.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        environment(pb);
        // no netcat, telnet or python on the way: only what the launcher itself does
        Process p = pb.redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(45, TimeUnit.SECONDS), "./lodestar " + String.join(" ", args) + " did not end");
        return new Result(p.exitValue(), text);
    }

    private static void environment(ProcessBuilder pb) {
        pb.environment().put("LODESTAR_NO_BUILD", "1");
        pb.environment().put("JAVA_HOME", LodestarProcess.javaHome().toString());
        for (String v : List.of("JAVA", "LODESTAR_JAR", "LODESTAR_JAVA_OPTS", "LODESTAR_HOME", "LODESTAR_LOG_LEVEL",
                "LODESTAR_SHELL_PORT")) {
            pb.environment().remove(v);
        }
    }

    private static boolean await(Process p, Path out, String text) throws IOException, InterruptedException {
        long end = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < end && p.isAlive()) {
            if (read(out).contains(text)) {
                return true;
            }
            Thread.sleep(100);
        }
        return read(out).contains(text);
    }

    private static String read(Path out) throws IOException {
        return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
    }
}
