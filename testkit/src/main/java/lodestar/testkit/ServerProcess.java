package lodestar.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real server program a test starts (carbon-cache, influxd, prometheus): run in the foreground in its
 * own folder, on free loopback ports, its output appended to a log file; {@link #start()} returns once
 * it serves, {@link #stop()} ends it the way an init system does (SIGTERM, SIGKILL after 15 s), and
 * it can be started again on the same folder and ports. A JVM shutdown hook stops it too when the test
 * JVM is ended mid-test; {@link #close()} stops it and removes the hook.
 *
 * <p>Subclasses write the program's configuration in their constructor and say how to run it
 * ({@link #command()}) and when it serves ({@link #ready()}).
 */
public abstract class ServerProcess implements AutoCloseable {

    private static final long START_SECONDS = 30;
    private static final long STOP_SECONDS = 15;
    private static final int LOG_TAIL_LINES = 40;

    /** The program's name, for messages. */
    protected final String name;
    /** The folder the program runs in (its working directory), created by the constructor. */
    public final Path dir;
    /** Where its standard output and error go (appended to, over restarts). */
    public final Path log;
    private HttpClient http;
    private volatile Process process;
    private volatile Thread killer;

    /**
     * @param name    the program's name, for messages ({@code "influxd"})
     * @param dir     its folder, created if missing
     * @param logFile the log's file name in {@code dir}
     */
    protected ServerProcess(String name, Path dir, String logFile) throws IOException {
        this.name = name;
        this.dir = dir;
        this.log = dir.resolve(logFile);
        Files.createDirectories(dir);
    }

    /** The command line that runs the server in the foreground. */
    public abstract List<String> command();

    /**
     * Whether the server serves yet (its ports accept, its health endpoint answers); asked every 100 ms
     * while it starts. See {@link #accepts(int)} and {@link #answers(String, int)}.
     */
    protected abstract boolean ready() throws InterruptedException;

    /**
     * Starts the server and waits until it is {@linkplain #ready() ready}.
     *
     * @throws IllegalStateException with the log's tail when it exits, or is not ready within 30 s (then
     *                               it is stopped)
     */
    public void start() throws IOException, InterruptedException {
        if (isRunning()) {
            throw new IllegalStateException(name + " is running already");
        }
        if (killer == null) {
            killer = new Thread(this::stopQuietly, name + " killer");
            Runtime.getRuntime().addShutdownHook(killer); // also when the JVM is ended mid-test
        }
        Process p = new ProcessBuilder(command()).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        process = p;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + ":\n" + logTail());
            }
            if (ready()) {
                return;
            }
            Thread.sleep(100);
        }
        stop();
        throw new IllegalStateException(name + " was not ready within " + START_SECONDS + " s:\n" + logTail());
    }

    /** Whether the server process is running. */
    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Stops the server: SIGTERM (it writes out what it holds), SIGKILL if it is still there after 15 s. */
    public void stop() throws InterruptedException {
        Process p = process;
        process = null;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        if (!p.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the server and removes the shutdown hook. */
    @Override
    public void close() throws InterruptedException {
        stop();
        Thread k = killer;
        killer = null;
        if (k != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(k);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    /** The last lines of the log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * An HTTP/1.1 client with a 2 s connect timeout, for {@link #answers} and for the subclass's own
     * requests (queries).
     */
    protected synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        }
        return http;
    }

    /** Whether a GET of {@code url} answers {@code status} within 2 s. */
    protected boolean answers(String url, int status) throws InterruptedException {
        try {
            return http().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == status;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Whether something accepts TCP connections on this loopback port. */
    public static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A loopback port nothing listens on right now. */
    public static int freePort() throws IOException {
        return freePorts(1)[0];
    }

    /** {@code n} different loopback ports nothing listens on right now. */
    public static int[] freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }
}
