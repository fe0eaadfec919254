package lodestar.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Python side of the OTLP tests: a virtual environment under the repository's {@code target/otlp-venv} with
 * {@code opentelemetry-proto} (the reference Python classes, an independent decoder of what Lodestar's OTLP sink
 * sends), made on first use with pip (bounded in time), and the receiver script {@code otlp_receiver.py}.
 */
public final class PythonOtlp {

    /** The opentelemetry-proto release the tests decode with. */
    public static final String VERSION = "1.45.0";

    private PythonOtlp() {
    }

    /** The repository root, from a module folder (bundles/x, e2e) or the root itself. */
    static Path root() {
        Path p = Paths.get("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.exists(q.resolve("run-tests")) && Files.exists(q.resolve("bundles"))) {
                return q;
            }
        }
        return p;
    }

    /** The venv's python, made (once) when missing. */
    public static synchronized Path python() throws IOException, InterruptedException {
        Path venv = root().resolve("target/otlp-venv");
        Path python = venv.resolve("bin/python");
        Path marker = venv.resolve("opentelemetry-proto-" + VERSION);
        if (Files.exists(marker)) {
            return python;
        }
        run(List.of("python3", "-m", "venv", "--clear", venv.toString()), 120);
        run(List.of(python.toString(), "-m", "pip", "install", "--quiet", "opentelemetry-proto==" + VERSION), 300);
        Files.createFile(marker);
        return python;
    }

    private static void run(List<String> command, long seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command + " took more than " + seconds + " s");
            }
            out = in.readAllBytes();
        }
        if (p.exitValue() != 0) {
            throw new IOException(command + " failed: " + new String(out));
        }
    }

    /** The receiver script, copied to {@code dir}. */
    public static Path receiverScript(Path dir) throws IOException {
        Path script = dir.resolve("otlp_receiver.py");
        try (InputStream in = PythonOtlp.class.getResourceAsStream("otlp_receiver.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        return script;
    }

    /**
     * Starts the receiver on {@code port}, appending one JSON line per request to {@code out}; waits until it listens.
     *
     * @param statusFile when it exists, the status the receiver answers (and then it stores nothing)
     */
    public static Process startReceiver(Path dir, int port, Path out, Path statusFile) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(python().toString(), receiverScript(dir).toString(), Integer.toString(port), out.toString(),
                statusFile.toString()).redirectErrorStream(true).start();
        byte[] line = new byte[10];
        int n = p.getInputStream().readNBytes(line, 0, 10);
        if (n < 9 || !new String(line, 0, n).startsWith("listening")) {
            p.destroyForcibly();
            throw new IOException("the OTLP receiver did not start: " + new String(line, 0, Math.max(n, 0)));
        }
        return p;
    }
}
