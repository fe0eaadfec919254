package lodestar.beacon.script.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Beacon;
import lodestar.api.ComponentStatus;
import lodestar.api.State;
import lodestar.api.Emitter;
import lodestar.api.Monitored;
import lodestar.support.log.RateLimitedLog;
import lodestar.support.config.Units;

/**
 * Scripts in any language as collectors: every {@code interval}, runs each executable file of a folder (in
 * parallel, bounded, each with a timeout that kills its whole process tree) and reads what it prints in
 * PuyPuy's check format, Graphite plaintext or InfluxDB line protocol (PuyPuy's custom checks run unchanged). stderr goes to the log; bad lines, timeouts and failures
 * are counted per script and shown in {@code lodestar:status}.
 *
 * <p>A factory component (one instance per folder, {@code conf/lodestar.beacon.script-<name>.cfg}); a plain
 * {@code conf/lodestar.beacon.script.cfg} configures a single one. It needs a configuration: with none
 * nothing is run, since running programs must be an operator's explicit choice.
 */
@Component(name = ScriptBeacon.PID, configurationPid = ScriptBeacon.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = {Beacon.class, Monitored.class}, immediate = true)
@Designate(ocd = ScriptBeacon.Config.class, factory = true)
public final class ScriptBeacon implements Beacon, Monitored {

    static final String PID = "lodestar.beacon.script";

    private static final Logger LOG = LoggerFactory.getLogger(ScriptBeacon.class);
    private static final Pattern PREFIX = Pattern.compile("([A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*)?");
    private static final long LOG_PERIOD_MILLIS = 10_000;
    private static final int MAX_PARALLEL = 64;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    @ObjectClassDefinition(id = PID, name = "Lodestar script beacon",
            description = "Runs every executable file of a folder each interval and reads its output (PuyPuy,"
                    + " Graphite plaintext or InfluxDB line protocol). One configuration per folder.")
    public @interface Config {

        @AttributeDefinition(name = "Folder",
                description = "The scripts' folder; relative paths are resolved against the platform home"
                        + " (lodestar.home). Every executable regular file in it is run, except names starting with"
                        + " '.' or ending with '~'. It must exist.")
        String folder() default "scripts";

        @AttributeDefinition(name = "File pattern",
                description = "Only files whose name matches this glob run: '*' any characters, '?' one,"
                        + " '{a,b}' either (check_* as PuyPuy, which ran only its check_ files). Default: every file.")
        String pattern() default "*";

        @AttributeDefinition(name = "Interval", description = "How often to run the scripts, a positive duration: 500ms, 10s, 5m.")
        String interval() default "10s";

        @AttributeDefinition(name = "Timeout",
                description = "How long one script may run; then it and every process it started are killed, and the"
                        + " timeout is counted. A positive duration.")
        String timeout() default "5s";

        @AttributeDefinition(name = "Output format",
                description = "auto (a first line '# format: puypuy|graphite|influx' decides, else each line is guessed),"
                        + " puypuy ('name value check_type stack|rate'), graphite ('path value [timestamp]') or influx"
                        + " (InfluxDB line protocol).")
        String format() default "auto";

        @AttributeDefinition(name = "Prefix", required = false,
                description = "Prepended with a dot to every metric name; dot-separated words of letters, digits, '_'"
                        + " and '-'. Empty: names as the scripts print them.")
        String prefix() default "";

        @AttributeDefinition(name = "Parallel runs",
                description = "How many scripts of this folder run at the same time, 1 to 64.")
        int parallel() default 4;

        @AttributeDefinition(name = "Enabled", description = "Untick to pause the scripts without removing the beacon.")
        boolean enabled() default true;
    }

    /** Rate-limited log lines of one script, so one noisy script cannot hide the others. */
    private record Logs(RateLimitedLog badLine, RateLimitedLog stderr, RateLimitedLog failure) {
        Logs() {
            this(new RateLimitedLog(LOG_PERIOD_MILLIS, LOG::warn), new RateLimitedLog(LOG_PERIOD_MILLIS, LOG::warn),
                    new RateLimitedLog(LOG_PERIOD_MILLIS, LOG::warn));
        }
    }

    private final Path folder;
    private final PathMatcher pattern;
    private final long timeoutMillis;
    private final OutputReader reader;
    private final Rates rates;
    private final ExecutorService workers;
    private final ExecutorService pumps;
    private final ScriptRunner runner;
    private final Map<String, ScriptStats> stats = new ConcurrentHashMap<>();
    private final Map<String, Logs> logs = new ConcurrentHashMap<>();
    private volatile String lastError;

    @Activate
    public ScriptBeacon(Config config, BundleContext context) {
        this(config, home(context.getProperty("lodestar.home")));
    }

    /** @param home the platform home that a relative {@code folder} is resolved against */
    ScriptBeacon(Config config, Path home) {
        long interval = Units.positiveDurationMillis("interval", config.interval());
        this.timeoutMillis = Units.positiveDurationMillis("timeout", config.timeout());
        Format format = Format.of(config.format());
        String prefix = prefix(config.prefix());
        int parallel = config.parallel();
        if (parallel < 1 || parallel > MAX_PARALLEL) {
            throw new IllegalArgumentException("parallel: must be between 1 and " + MAX_PARALLEL + ", got " + parallel);
        }
        this.folder = folder(home, config.folder());
        this.pattern = pattern(config.pattern());
        // a series unseen for ten intervals (at least a minute) starts again from a baseline
        this.rates = new Rates(Math.max(60_000, 10 * interval));
        this.reader = new OutputReader(format, prefix, rates);
        int instance = INSTANCES.incrementAndGet();
        this.workers = Executors.newFixedThreadPool(parallel, threads("lodestar-script-" + instance + "-run-"));
        this.pumps = Executors.newCachedThreadPool(threads("lodestar-script-" + instance + "-io-"));
        this.runner = new ScriptRunner(pumps);
        LOG.info("script beacon: {} ({}) every {}, timeout {}, format {}, {} at a time", folder, config.pattern(),
                config.interval(), config.timeout(), config.format(), parallel);
    }

    @Deactivate
    void deactivate() {
        workers.shutdownNow(); // interrupts running scripts' waits: they are killed and their readers end
        pumps.shutdownNow();
    }

    /**
     * Runs every script of the folder once and waits for all. Throws only when the folder has gone or
     * every script failed, so the core counts the run as an error.
     */
    @Override
    public void collect(Emitter out) throws Exception {
        rates.prune(System.currentTimeMillis());
        List<Path> scripts = scripts();
        List<Future<Boolean>> runs = new ArrayList<>(scripts.size());
        try {
            for (Path s : scripts) {
                runs.add(workers.submit(() -> runOne(s, out)));
            }
        } catch (RejectedExecutionException e) {
            return; // deactivated while the core was calling us: nothing more to run
        }
        int failed = 0;
        for (Future<Boolean> f : runs) {
            try {
                if (!f.get()) {
                    failed++;
                }
            } catch (ExecutionException e) {
                failed++;
                LOG.warn("script beacon: {}: unexpected failure", folder, e.getCause());
            } catch (CancellationException e) {
                return; // deactivated
            }
        }
        if (failed > 0 && failed == scripts.size()) {
            throw new Exception("script beacon: every script in " + folder + " failed (" + failed + "), last: " + lastError);
        }
    }

    @Override
    public ComponentStatus status() {
        Map<String, Long> counters = new LinkedHashMap<>();
        long[] totals = new long[ScriptStats.NAMES.length];
        Map<String, Long> perScript = new LinkedHashMap<>();
        boolean failing = false;
        for (Map.Entry<String, ScriptStats> e : new TreeMap<>(stats).entrySet()) {
            e.getValue().addTo(e.getKey(), totals, perScript);
            failing |= e.getValue().lastRunFailed;
        }
        counters.put("scripts", (long) stats.size());
        counters.putAll(ScriptStats.totals(totals));
        counters.putAll(perScript);
        return new ComponentStatus("script", folder.toString(), failing ? State.FAILED : stats.isEmpty() ? State.STOPPED : State.OK,
                failing ? "failing" : stats.isEmpty() ? "idle" : "ok", counters, lastError);
    }

    /** The resolved folder. */
    Path folder() {
        return folder;
    }

    /** One script's counters, or null if it never ran. */
    ScriptStats stats(String script) {
        return stats.get(script);
    }

    /** Runs one script and emits its samples; false when it did not start, timed out or exited non-zero. */
    private boolean runOne(Path script, Emitter out) {
        String name = folder.relativize(script).toString();
        ScriptStats st = stats.computeIfAbsent(name, k -> new ScriptStats());
        Logs log = logs.computeIfAbsent(name, k -> new Logs());
        ScriptRunner.Run run = runner.run(script, timeoutMillis,
                line -> log.stderr().log(() -> "script " + name + " (stderr): " + cut(line)));
        st.runs.incrementAndGet();
        if (run.startError() != null) {
            return failed(st, log, name, "cannot run: " + run.startError(), st.failures);
        }
        OutputReader.Counts c = reader.read(run.lines(), out,
                (n, line, why) -> log.badLine().log(() -> "script " + name + " line " + n + ": " + why + ": '" + cut(line) + "'"));
        st.lines.addAndGet(c.lines() + run.dropped());
        st.badLines.addAndGet(c.bad() + run.dropped());
        if (run.dropped() > 0) {
            log.badLine().log(() -> "script " + name + ": " + run.dropped() + " lines beyond " + ScriptRunner.MAX_LINES
                    + " dropped");
        }
        if (run.outputHeld()) {
            return failed(st, log, name, "exited, but a process it left running kept its output open past the timeout ("
                    + Units.formatDuration(timeoutMillis) + "); that process is no longer its child and is not killed",
                    st.timeouts);
        }
        if (run.timedOut()) {
            return failed(st, log, name, "killed after " + Units.formatDuration(timeoutMillis)
                    + " (timeout), with every process it started", st.timeouts);
        }
        if (run.exit() != 0) {
            return failed(st, log, name, "exited with code " + run.exit() + " (" + c.samples() + " samples taken)",
                    st.failures);
        }
        st.lastRunFailed = false;
        return true;
    }

    private boolean failed(ScriptStats st, Logs log, String name, String why, AtomicLong counter) {
        counter.incrementAndGet();
        st.lastRunFailed = true;
        String msg = "script " + name + ": " + why;
        lastError = msg;
        log.failure().log(() -> msg);
        return false;
    }

    /**
     * The file-name glob, as {@link java.nio.file.FileSystem#getPathMatcher} reads it; a '/' is refused, since
     * only names inside the folder are matched (no script is taken from elsewhere).
     */
    static PathMatcher pattern(String glob) {
        String g = glob == null ? "" : glob.trim();
        if (g.isEmpty() || g.indexOf('/') >= 0 || g.length() > 256) {
            throw new IllegalArgumentException("pattern: a file-name glob such as check_* (no '/'), got '" + g + "'");
        }
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + g);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pattern: not a valid glob '" + g + "': " + e.getMessage());
        }
    }

    /**
     * The executable regular files of the folder whose names match {@code pattern}, by name; hidden files and
     * editor backups left out.
     */
    private List<Path> scripts() throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException("folder: " + folder + " no longer exists");
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return !n.startsWith(".") && !n.endsWith("~") && pattern.matches(p.getFileName())
                        && Files.isRegularFile(p) && Files.isExecutable(p);
            }).sorted().toList();
        }
    }

    static Path home(String property) {
        return Path.of(property == null || property.isBlank() ? "." : property.trim()).toAbsolutePath().normalize();
    }

    static Path folder(Path home, String folder) {
        if (folder == null || folder.isBlank()) {
            throw new IllegalArgumentException("folder: must not be empty");
        }
        Path f;
        try {
            f = home.resolve(folder.trim()).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("folder: '" + folder + "' is not a valid path: " + e.getReason());
        }
        if (!Files.exists(f)) {
            throw new IllegalArgumentException("folder: " + f + " does not exist");
        }
        if (!Files.isDirectory(f)) {
            throw new IllegalArgumentException("folder: " + f + " is not a directory");
        }
        return f;
    }

    static String prefix(String prefix) {
        String p = prefix == null ? "" : prefix.trim();
        if (!PREFIX.matcher(p).matches()) {
            throw new IllegalArgumentException("prefix: expected dot-separated words of letters, digits, '_' and '-', got '"
                    + prefix + "'");
        }
        return p;
    }

    private static String cut(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
