package lodestar.beacon.log.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

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
import lodestar.api.Kind;
import lodestar.api.Monitored;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.config.InstanceNames;
import lodestar.support.log.RateLimitedLog;
import lodestar.support.config.Units;

/**
 * Follows the files the {@code path} globs match (like Pylon's "check logs" and Telegraf's tail), through
 * rotation and truncation, and every {@code interval} emits how many new lines matched each pattern
 * ({@code <prefix>.<name>.count}) and, for patterns with a {@code (?<value>...)} group, the sum, maximum
 * and last of the numbers extracted. The files are read when the core collects, on its thread: no
 * thread of our own, and a count covers exactly the lines appended since the previous collection.
 */
@Component(name = LogBeacon.PID, configurationPid = LogBeacon.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {Beacon.class, Monitored.class}, immediate = true)
@Designate(ocd = LogBeacon.Config.class, factory = true)
public final class LogBeacon implements Beacon, Monitored {

    static final String PID = "lodestar.beacon.log";

    private static final Logger LOG = LoggerFactory.getLogger(LogBeacon.class);

    @ObjectClassDefinition(id = PID, name = "Lodestar log beacon",
            description = "Follows log files (through rotation and truncation) and counts, every interval, the new lines"
                    + " matching each pattern: <prefix>.<name>.count, and .sum, .max, .last of a number extracted by a"
                    + " (?<value>...) group.")
    public @interface Config {

        @AttributeDefinition(name = "Files",
                description = "Files or globs to follow: /var/log/app/*.log, /srv/**/access.log; '*' stays in one folder,"
                        + " '**' crosses folders. Relative paths start at the platform's home. Matched again at every"
                        + " collection, so new files are picked up.")
        String[] path() default {};

        @AttributeDefinition(name = "Patterns",
                description = "name=regex entries: errors=ERROR, slow=took (?<value>\\d+)ms. A line counts for every"
                        + " pattern it contains (search, not whole-line match). Names: letters, digits, '_', '-', dots.")
        String[] patterns() default {};

        @AttributeDefinition(name = "From beginning",
                description = "Read the files that exist at start from their beginning. Off: only lines written from now"
                        + " on. Files that appear later are always read from their beginning.")
        boolean fromBeginning() default false;

        @AttributeDefinition(name = "Interval", description = "How often to count, a positive duration: 10s, 1m.")
        String interval() default "10s";

        @AttributeDefinition(name = "Enabled", description = "Untick to pause without removing the beacon.")
        boolean enabled() default true;

        @AttributeDefinition(name = "Prefix",
                description = "First part of every metric name (log.errors.count). Give each instance its own prefix"
                        + " when two use the same pattern names.")
        String prefix() default "log";

        @AttributeDefinition(name = "Name", required = false,
                description = "Name in lodestar:status. Empty: log-<instance> (log-app for lodestar.beacon.log-app.cfg).")
        String name() default "";
    }

    private final String prefix;
    private final String name;
    private final List<LinePattern> patterns;
    private final Follower follower;
    private final RateLimitedLog problems = new RateLimitedLog(60_000, LOG::warn);
    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong matches = new AtomicLong();
    private final AtomicLong rotations = new AtomicLong();
    private final AtomicLong truncations = new AtomicLong();
    private final AtomicLong readErrors = new AtomicLong();
    private final AtomicLong badValues = new AtomicLong();
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong longLines = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>();

    @Activate
    public LogBeacon(Config config, Map<String, Object> props, BundleContext context) {
        this(config, props, home(context));
    }

    /** @param home relative paths start here */
    LogBeacon(Config config, Map<String, Object> props, Path home) {
        Units.positiveDurationMillis("interval", config.interval());
        this.prefix = prefix(config.prefix());
        this.patterns = LinePattern.parse(config.patterns());
        Globs globs = new Globs(config.path(), home);
        this.name = name(config.name(), props);
        this.follower = new Follower(globs, config.fromBeginning(), new Events());
        files.set(follower.files());
        LOG.info("log beacon {}: following {} file(s) for {} pattern(s), {}", name, follower.files(), patterns.size(),
                config.fromBeginning() ? "from their beginning" : "from their end");
    }

    @Deactivate
    void deactivate() {
        follower.close();
    }

    /** Reads the new lines of every file and emits this interval's tallies. */
    @Override
    public void collect(Emitter emitter) {
        follower.poll(this::line);
        files.set(follower.files());
        longLines.set(follower.longLines());
        long now = System.currentTimeMillis();
        for (LinePattern p : patterns) {
            String base = prefix + p.name + ".";
            emitter.emit(new Sample(base + "count", Tags.EMPTY, p.count(), now, Kind.DELTA));
            if (p.extracts() && p.values() > 0) {
                emitter.emit(new Sample(base + "sum", Tags.EMPTY, p.sum(), now, Kind.DELTA));
                emitter.emit(new Sample(base + "max", Tags.EMPTY, p.max(), now, Kind.GAUGE));
                emitter.emit(new Sample(base + "last", Tags.EMPTY, p.last(), now, Kind.GAUGE));
            }
            if (p.badValues() > 0) {
                badValues.addAndGet(p.badValues());
                long bad = p.badValues();
                problems.log(() -> "log beacon " + name + ": " + bad + " line(s) matched '" + p.name
                        + "' but its value group was not a number");
            }
            p.reset();
        }
    }

    @Override
    public ComponentStatus status() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("files", files.get());
        c.put("lines", lines.get());
        c.put("matches", matches.get());
        c.put("rotations", rotations.get());
        c.put("truncations", truncations.get());
        c.put("badValues", badValues.get());
        c.put("longLines", longLines.get());
        c.put("readErrors", readErrors.get());
        boolean none = files.get() == 0;
        return new ComponentStatus("log", name, none ? State.DEGRADED : State.OK, none ? "no-files" : "ok", c, lastError.get());
    }

    private void line(String line) {
        lines.incrementAndGet();
        boolean any = false;
        for (LinePattern p : patterns) {
            any |= p.offer(line);
        }
        if (any) {
            matches.incrementAndGet();
        }
    }

    /** {@code log} -> {@code log.}; empty -> names start with the pattern name. */
    static String prefix(String p) {
        String t = p == null ? "" : p.trim();
        if (t.isEmpty()) {
            return "";
        }
        if (!t.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*")) {
            throw new IllegalArgumentException("prefix: dot-separated words of letters, digits, '_' and '-', got '" + p + "'");
        }
        return t + ".";
    }

    private static String name(String configured, Map<String, Object> props) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        return InstanceNames.of("log", props);
    }

    private static Path home(BundleContext context) {
        String h = context == null ? null : context.getProperty("lodestar.home");
        return Path.of(h == null || h.isBlank() ? "." : h);
    }

    /** Counts and logs (rate-limited) what the follower runs into. */
    private final class Events implements Follower.Events {
        @Override
        public void rotated(Path path) {
            rotations.incrementAndGet();
            LOG.debug("log beacon {}: {} was rotated", name, path);
        }

        @Override
        public void truncated(Path path) {
            truncations.incrementAndGet();
            LOG.debug("log beacon {}: {} was truncated, reading it again from its start", name, path);
        }

        @Override
        public void failed(Path path, IOException e) {
            readErrors.incrementAndGet();
            String m = "cannot read " + path + ": " + e;
            lastError.set(m);
            problems.log(() -> "log beacon " + name + ": " + m);
        }
    }
}
