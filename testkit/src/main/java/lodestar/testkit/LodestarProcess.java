package lodestar.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The platform as a user runs it: {@code java -jar run/target/lodestar.jar} in a home folder of its
 * own, with no terminal, its output in {@code <home>/lodestar.out}, optionally with the loopback remote
 * shell on a free port so a test can type {@code lodestar:*} commands. The JDK it runs on is
 * {@link #javaHome()}: the tests' own unless system property {@code lodestar.java.home} names another, so one
 * build checks the platform on several JDKs.
 */
public final class LodestarProcess implements AutoCloseable {

    public final Path home;
    public final Path jar;
    public final Path out;
    public final int httpPort;
    public final int shellPort;
    /** The port of the default StatsD listener (conf/lodestar.listener.statsd-default.cfg), UDP and TCP. */
    public final int statsdPort;
    private final List<String> jvmOptions;
    private Process process;
    /** "Ready: listening" lines in the output before the current start (the output goes on across restarts). */
    private long readyBefore;

    public LodestarProcess(Path jar, Path home, List<String> jvmOptions) throws IOException {
        this.jar = jar;
        this.home = home;
        this.out = home.resolve("lodestar.out");
        this.jvmOptions = jvmOptions;
        Files.createDirectories(home.resolve("conf"));
        this.httpPort = freePort();
        this.shellPort = freePort();
        // a free port rather than 8125: tests run beside each other and beside a real StatsD server
        this.statsdPort = freePort();
    }

    /** The value of an HTTP {@code Authorization} header for basic authentication (the web console's). */
    public static String basicAuth(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A new folder under the system's temporary directory for one test's home or peers. */
    public static Path tempDir() {
        try {
            return Files.createTempDirectory("lodestar-e2e");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The jar the build made, from system property {@code lodestar.jar} or the usual place. */
    public static Path builtJar() {
        String p = System.getProperty("lodestar.jar");
        Path jar = p != null ? Path.of(p) : Path.of("../run/target/lodestar.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no platform jar at " + jar.toAbsolutePath() + ": build run/ first");
        }
        return jar.toAbsolutePath();
    }

    /**
     * The JDK the platform runs on: system property {@code lodestar.java.home} when set (the e2e module passes
     * Maven's property of that name), else the JDK running the tests.
     */
    public static Path javaHome() {
        String p = System.getProperty("lodestar.java.home");
        Path home = Path.of(p == null || p.isBlank() ? System.getProperty("java.home") : p);
        if (!Files.isExecutable(home.resolve("bin").resolve("java"))) {
            throw new IllegalStateException("lodestar.java.home=" + home + ": no bin/java there");
        }
        return home;
    }

    /** The feature version (17, 21, 25) of {@link #javaHome()}, from its {@code release} file. */
    public static int javaFeatureVersion() {
        Path release = javaHome().resolve("release");
        try {
            for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException(release + ": no readable JAVA_VERSION", e);
        }
        throw new IllegalStateException(release + ": no JAVA_VERSION line");
    }

    /** Writes {@code conf/<file>} with {@code key=value} lines. */
    public void config(String file, Map<String, String> props) throws IOException {
        StringBuilder b = new StringBuilder();
        props.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        // written beside and renamed, as an operator's editor or a deployment tool should: FileInstall may scan
        // while a file is being written and would apply half of it for up to a second
        Path target = home.resolve("conf").resolve(file);
        Path tmp = target.resolveSibling("." + file + ".tmp");
        Files.writeString(tmp, b.toString());
        Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    public void start() throws IOException {
        readyBefore = Files.exists(out) ? countOutput(READY) : 0;
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome().resolve("bin").resolve("java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Dlodestar.home=" + home);
        cmd.add("-Dorg.osgi.service.http.port=" + httpPort);
        cmd.add("-Dorg.apache.felix.http.port=" + httpPort);
        cmd.add("-Dosgi.shell.telnet.port=" + shellPort);
        cmd.add("-Dlodestar.statsd.port=" + statsdPort);
        cmd.add("-jar");
        cmd.add(jar.toString());
        process = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Waits until the output has a line matching {@code regex}. */
    public boolean awaitOutput(String regex, long timeoutMillis) throws IOException, InterruptedException {
        Pattern p = Pattern.compile(regex);
        long end = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < end) {
            if (Files.exists(out) && Files.readAllLines(out, StandardCharsets.UTF_8).stream().anyMatch(l -> p.matcher(l).find())) {
                return true;
            }
            if (!isAlive()) {
                return false;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static final String READY = "Ready: listening";

    /**
     * Waits for the start-up summary of the current start ({@code Ready: listening ...}): the platform logs it once
     * every bundle's start level is reached and its parts have settled, so the web console and the configured
     * listeners answer. Lines logged earlier (the console's address, the home) come before the HTTP server runs.
     */
    public boolean awaitReady(long timeoutMillis) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < end) {
            if (Files.exists(out) && countOutput(READY) > readyBefore) {
                return true;
            }
            if (!isAlive()) {
                return false;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /**
     * The web console's password the platform generated on its first start ({@code data/webconsole.password}),
     * waiting up to 30 s for it, then for the start-up summary ({@link #awaitReady}): the password is written at start
     * level 1, a moment before the web console runs.
     *
     * @throws AssertionError with the platform's output when it did not appear or the platform did not get ready
     */
    public String consolePassword() throws IOException, InterruptedException {
        Path pw = home.resolve("data").resolve("webconsole.password");
        long end = System.currentTimeMillis() + 30_000;
        while (!Files.exists(pw) && System.currentTimeMillis() < end) {
            Thread.sleep(200);
        }
        if (!Files.exists(pw)) {
            throw new AssertionError("no generated web console password in " + pw + "\n" + output());
        }
        if (!awaitReady(60_000)) {
            throw new AssertionError("no start-up summary (Ready: listening ...) within 60 s\n" + output());
        }
        return Files.readString(pw, StandardCharsets.UTF_8).trim();
    }

    /**
     * The values of one series over the last {@code minutes}, oldest first: the VALUE column of {@code lodestar:query}
     * (its rows start with an ISO timestamp; the header and "no such series" are not rows).
     */
    public List<Double> query(String series, int minutes) throws IOException {
        List<Double> values = new ArrayList<>();
        for (String line : shell("lodestar:query '" + series + "' " + minutes).split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length == 2 && cols[0].matches("\\d{4}-\\d\\d-\\d\\dT.*")) {
                values.add(Double.parseDouble(cols[1]));
            }
        }
        return values;
    }

    /** Runs one command in the remote shell and returns what it printed before the next prompt. */
    public String shell(String command) throws IOException {
        return shell(shellPort, command);
    }

    /**
     * Runs one command in the loopback remote shell on {@code port} (a platform this class did not start, e.g.
     * one started by {@code ./lodestar -Dosgi.shell.telnet.port=...}), retrying the connection for up to 30 s.
     */
    public static String shell(int shellPort, String command) throws IOException {
        long end = System.currentTimeMillis() + 30_000;
        IOException last = null;
        while (System.currentTimeMillis() < end) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), shellPort), 1000);
                s.setSoTimeout(30_000);
                OutputStream o = s.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                readUntilPrompt(in);
                o.write((command + "\n").getBytes(StandardCharsets.UTF_8));
                o.flush();
                String result = readUntilPrompt(in);
                o.write("exit\n".getBytes(StandardCharsets.UTF_8));
                o.flush();
                return result;
            } catch (IOException e) {
                last = e;
                try {
                    Thread.sleep(300);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException(ie);
                }
            }
        }
        throw new IOException("remote shell on port " + shellPort + " not answering", last);
    }

    private static String readUntilPrompt(BufferedReader in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            b.append((char) c);
            if (b.length() >= 3 && b.substring(b.length() - 3).equals("g! ")) {
                return b.substring(0, b.length() - 3);
            }
        }
        return b.toString();
    }

    /** SIGTERM, as systemd or Ctrl-C would; waits for the exit. */
    public int stop(long timeoutMillis) throws InterruptedException {
        if (process == null) {
            return -1;
        }
        process.destroy();
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            return -1;
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook runs. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
    }

    public String output() {
        try {
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** How many lines of the platform's output so far contain a match of {@code regex}. */
    public long countOutput(String regex) {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
        return output().lines().filter(l -> p.matcher(l).find()).count();
    }

    @Override
    public void close() throws InterruptedException {
        if (isAlive()) {
            stop(20_000);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
