package lodestar.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A real collectd (Debian's collectd-core) in the foreground, with the cpu, memory, load and interface
 * plugins every second and the network plugin sending to a listener on loopback, at a security level.
 */
public final class CollectdProcess implements AutoCloseable {

    public final Path dir;
    private final Process process;

    private CollectdProcess(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    /** The collectd binary; a failure when {@code CI=true} and it is missing, a skipped test elsewhere. */
    public static Path binary() {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin" + File.pathSeparator + "/usr/bin";
        Optional<Path> p = Arrays.stream(path.split(File.pathSeparator)).filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, "collectd")).filter(Files::isExecutable).findFirst();
        if (p.isEmpty()) {
            String msg = "collectd not found; install it (Debian: apt-get install --no-install-recommends collectd-core) to run this test";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(msg);
            }
            Assumptions.assumeTrue(false, msg);
        }
        return p.get();
    }

    /**
     * Starts collectd sending to 127.0.0.1:port.
     *
     * @param level collectd's SecurityLevel: None, Sign or Encrypt
     */
    public static CollectdProcess start(Path dir, String host, int port, String level, String user, String password) throws IOException {
        Path base = Files.createDirectories(dir);
        String security = level.equals("None") ? ""
                : "      SecurityLevel " + level + "\n      Username \"" + user + "\"\n      Password \"" + password + "\"\n";
        String conf = "Hostname \"" + host + "\"\nFQDNLookup false\nInterval 1\nBaseDir \"" + base + "\"\nPIDFile \"" + base + "/collectd.pid\"\n"
                + "PluginDir \"/usr/lib/collectd\"\nTypesDB \"/usr/share/collectd/types.db\"\n"
                + "LoadPlugin logfile\n<Plugin logfile>\n  LogLevel info\n  File \"" + base + "/collectd.log\"\n</Plugin>\n"
                + "LoadPlugin cpu\nLoadPlugin memory\nLoadPlugin load\nLoadPlugin interface\nLoadPlugin network\n"
                + "<Plugin network>\n  <Server \"127.0.0.1\" \"" + port + "\">\n" + security + "  </Server>\n</Plugin>\n";
        Path file = base.resolve("collectd.conf");
        Files.writeString(file, conf);
        Process p = new ProcessBuilder(binary().toString(), "-f", "-C", file.toString()).redirectErrorStream(true)
                .redirectOutput(base.resolve("collectd.out").toFile()).start();
        return new CollectdProcess(base, p);
    }

    /** What collectd logged, for failure messages. */
    public String log() {
        try {
            return Files.readString(dir.resolve("collectd.log")) + Files.readString(dir.resolve("collectd.out"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
