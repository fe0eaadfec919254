package lodestar.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real carbon-cache (Debian's graphite-carbon) in a temporary folder, on free loopback ports, in the
 * foreground ({@code --debug}) so the test owns the process; and whisper-fetch to read what it stored.
 * Stopping (SIGTERM: it writes its cache out first) and starting again keeps the data.
 */
public final class CarbonProcess extends ServerProcess {

    private static final Pattern JSON = Pattern.compile(
            "\"start\"\\s*:\\s*(\\d+).*\"step\"\\s*:\\s*(\\d+).*\"values\"\\s*:\\s*\\[([^]]*)]", Pattern.DOTALL);

    private final Path carbonCache;
    private final Path whisperFetch;
    public final Path config;
    public final Path whisperDir;
    public final int linePort;
    public final int picklePort;

    public CarbonProcess(Path carbonCache, Path whisperFetch, Path dir) throws IOException {
        this(carbonCache, whisperFetch, dir, "1s:1h");
    }

    /**
     * @param retentions Carbon's retentions for every series ({@code 10s:20m}): tests with thousands of series
     *                   choose a small one, or the whisper files take gigabytes
     */
    public CarbonProcess(Path carbonCache, Path whisperFetch, Path dir, String retentions) throws IOException {
        super("carbon-cache", dir, "carbon.out");
        this.carbonCache = carbonCache;
        this.whisperFetch = whisperFetch;
        int[] ports = freePorts(3);
        linePort = ports[0];
        picklePort = ports[1];
        whisperDir = dir.resolve("whisper");
        for (String d : new String[] {"whisper", "log", "pid"}) {
            Files.createDirectories(dir.resolve(d));
        }
        config = dir.resolve("carbon.conf");
        Files.writeString(config, String.join("\n",
                "[cache]",
                "STORAGE_DIR = " + dir,
                "LOCAL_DATA_DIR = " + whisperDir,
                "WHISPER_DIR = " + whisperDir,
                "CONF_DIR = " + dir,
                "LOG_DIR = " + dir.resolve("log"),
                "PID_DIR = " + dir.resolve("pid"),
                "DATABASE = whisper",
                "ENABLE_LOGROTATION = False",
                "MAX_CACHE_SIZE = inf",
                "MAX_UPDATES_PER_SECOND = inf",
                "MAX_CREATES_PER_MINUTE = inf",
                "LINE_RECEIVER_INTERFACE = 127.0.0.1",
                "LINE_RECEIVER_PORT = " + linePort,
                "PICKLE_RECEIVER_INTERFACE = 127.0.0.1",
                "PICKLE_RECEIVER_PORT = " + picklePort,
                "CACHE_QUERY_INTERFACE = 127.0.0.1",
                "CACHE_QUERY_PORT = " + ports[2],
                "ENABLE_UDP_LISTENER = False",
                "USE_FLOW_CONTROL = True",
                "LOG_UPDATES = False",
                // tagged series are still stored under _tagged/; only the graphite-web tag database is off
                "ENABLE_TAGS = False",
                ""));
        Files.writeString(dir.resolve("storage-schemas.conf"),
                "[everything]\npattern = .*\nretentions = " + retentions + "\n");
    }

    /** The command line (foreground, {@code --debug}), for the report and for error messages. */
    @Override
    public List<String> command() {
        return List.of(carbonCache.toString(), "--config=" + config, "--debug", "start");
    }

    /** Both receivers accept connections. */
    @Override
    protected boolean ready() {
        return accepts(linePort) && accepts(picklePort);
    }

    /** Where Carbon keeps a series (normalized path: tags sorted), with its default TAG_HASH_FILENAMES. */
    public Path whisperFile(String path) {
        if (path.contains(";")) {
            String hash = sha256(path);
            return whisperDir.resolve("_tagged").resolve(hash.substring(0, 3)).resolve(hash.substring(3, 6))
                    .resolve(hash + ".wsp");
        }
        Path p = whisperDir;
        for (String component : path.split("\\.")) {
            p = p.resolve(component);
        }
        return p.resolveSibling(p.getFileName() + ".wsp");
    }

    /** The non-null points of a series between two epoch seconds (inclusive), by whisper-fetch. */
    public Map<Long, Double> fetch(String path, long from, long until) throws IOException, InterruptedException {
        Path file = whisperFile(path);
        Map<Long, Double> points = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return points;
        }
        // whisper-fetch returns the points after --from, up to --until
        Process p = new ProcessBuilder(whisperFetch.toString(), "--json", "--from=" + (from - 1),
                "--until=" + until, file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("whisper-fetch failed: " + out);
        }
        Matcher m = JSON.matcher(out);
        if (!m.find()) {
            throw new IOException("unexpected whisper-fetch output: " + out);
        }
        long t = Long.parseLong(m.group(1));
        long step = Long.parseLong(m.group(2));
        for (String v : m.group(3).split(",")) {
            v = v.trim();
            if (!v.isEmpty() && !v.equals("null") && !v.equals("None")) {
                points.put(t, Double.parseDouble(v));
            }
            t += step;
        }
        return points;
    }

    /** Polls {@link #fetch} until it returns {@code expected} (Carbon writes its cache out asynchronously). */
    public Map<Long, Double> awaitPoints(String path, long from, long until, Map<Long, Double> expected)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Map<Long, Double> got;
        do {
            got = fetch(path, from, until);
            if (got.equals(expected)) {
                return got;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return got;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
