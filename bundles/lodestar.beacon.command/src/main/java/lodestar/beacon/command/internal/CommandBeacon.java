package lodestar.beacon.command.internal;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

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
import lodestar.api.Check;
import lodestar.api.CheckResult;
import lodestar.api.CheckStatus;
import lodestar.api.Emitter;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.config.CheckNames;
import lodestar.support.config.Units;

/**
 * A command check: runs a command every {@code interval} and judges it by its exit code as Nagios judges
 * a plugin (what Pharos's command watcher does). Emits {@code check.<name>.status} (0..3) and {@code check.<name>.duration_ms},
 * plus the plugin's performance data; {@link #result()} gives the latest verdict to the status board.
 * A change of status is logged once, not on every run.
 *
 * <p>A factory component: one configuration per command ({@code conf/lodestar.beacon.command-disk.cfg}).
 * The command runs on the core's scheduler thread inside {@link #collect(Emitter)}, bounded by
 * {@code timeout}; a timeout longer than {@code interval} makes the core skip turns (counted as overruns).
 */
@Component(name = CommandBeacon.PID, configurationPid = CommandBeacon.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = {Beacon.class, Check.class}, immediate = true)
@Designate(ocd = CommandBeacon.Config.class, factory = true)
public final class CommandBeacon implements Beacon, Check {

    static final String PID = "lodestar.beacon.command";

    private static final Logger LOG = LoggerFactory.getLogger(CommandBeacon.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    private static final AtomicInteger THREADS = new AtomicInteger();

    @ObjectClassDefinition(id = PID, name = "Lodestar command check",
            description = "Runs a command every interval and judges it by its exit code as Nagios does (0 OK,"
                    + " 1 WARNING, 2 CRITICAL, 3 or a signal UNKNOWN, timeout CRITICAL). One configuration per command.")
    public @interface Config {

        @AttributeDefinition(name = "Command", required = true,
                description = "The program and its arguments, one per entry; run directly, without a shell. A single"
                        + " entry is split at blanks (as written in a .cfg file: /usr/lib/nagios/plugins/check_load -w 5 -c 10).")
        String[] command() default {};

        @AttributeDefinition(name = "Through a shell",
                description = "Run the first entry with /bin/sh -c, so pipes, redirections and variables work."
                        + " Only for commands you wrote: the shell interprets everything.")
        boolean shell() default false;

        @AttributeDefinition(name = "Interval", description = "How often to run, a positive duration: 500ms, 10s, 5m.")
        String interval() default "10s";

        @AttributeDefinition(name = "Timeout",
                description = "How long a run may take; then the command and everything it started are killed and the"
                        + " check is CRITICAL. A positive duration.")
        String timeout() default "10s";

        @AttributeDefinition(name = "Check name", required = false,
                description = "Names the check as people read it (status board, lodestar:checks) and its metrics"
                        + " (check.<name>.status). Any text up to 200 characters (Pharos's 'Is True?'); in metric names"
                        + " every character but letters, digits, '_', '-' and '.' becomes '_' (check.Is_True.status)."
                        + " Empty: the program's file name (check_disk), plus -<host> over ssh.")
        String name() default "";

        @AttributeDefinition(name = "Exit codes",
                description = "How an exit code becomes a status: 'nagios' (0 OK, 1 WARNING, 2 CRITICAL, 3 or more"
                        + " UNKNOWN, as Nagios plugins) or 'nonzero-critical' (0 OK, anything else CRITICAL, as Pharos).")
        String exitCodes() default "nagios";

        // ssh__host: DS maps a double underscore to one, so the property is ssh_host (a single one would be a dot)
        @AttributeDefinition(name = "SSH host", required = false,
                description = "Run the command on this host instead: ssh -o BatchMode=yes <host> -- <command>."
                        + " Needs key-based login for the platform's user (no password prompt). Empty: run locally.")
        String ssh__host() default "";

        @AttributeDefinition(name = "Enabled", description = "Untick to pause the check without removing it.")
        boolean enabled() default true;

        @AttributeDefinition(name = "Group", required = false,
                description = "The group of this check's tile on the status board (/board); empty: 'Checks'."
                        + " Published as the service property 'group'.")
        String group() default "";
    }

    private final String check;
    private final String metric;
    private final boolean nonZeroCritical;
    private final List<String> argv;
    private final long timeoutMillis;
    private final String statusName;
    private final String durationName;
    private final String perfBase;
    private final ExecutorService pumps;
    private final ProcessRunner runner;
    private volatile CheckResult latest;

    @Activate
    public CommandBeacon(Config config) {
        Units.positiveDurationMillis("interval", config.interval());
        this.timeoutMillis = Units.positiveDurationMillis("timeout", config.timeout());
        this.argv = CommandLine.argv(config.command(), config.shell(), config.ssh__host());
        this.nonZeroCritical = exitCodes(config.exitCodes());
        this.check = checkName(config);
        this.metric = metricName(check);
        this.statusName = "check." + metric + ".status";
        this.durationName = "check." + metric + ".duration_ms";
        this.perfBase = "check." + metric + ".perf.";
        this.pumps = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "lodestar-command-" + metric + "-io-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.runner = new ProcessRunner(pumps);
        LOG.info("command check {}: {} every {}, timeout {}", check, argv, config.interval(), config.timeout());
    }

    @Deactivate
    void deactivate() {
        runner.killRunning();
        pumps.shutdownNow();
    }

    /** Runs the command once, records the verdict and emits its samples. Never throws for a failing command. */
    @Override
    public void collect(Emitter out) {
        CheckResult r = runOnce(out);
        logIfChanged(latest, r);
        latest = r;
    }

    @Override
    public CheckResult result() {
        return latest;
    }

    /** The check's name as people read it (and as {@link CheckResult#check()} gives it). */
    String check() {
        return check;
    }

    /** The check's name as it appears in metric names. */
    String metric() {
        return metric;
    }

    /** The argv that is executed. */
    List<String> argv() {
        return argv;
    }

    private CheckResult runOnce(Emitter out) {
        ProcessRunner.Result run = runner.run(argv, timeoutMillis);
        long now = System.currentTimeMillis();
        PluginOutput output = PluginOutput.parse(run.stdout());
        CheckResult r = Verdict.of(check, run, output, timeoutMillis, latest, now, nonZeroCritical);
        out.emit(new Sample(statusName, Tags.EMPTY, r.status().code(), now, Kind.STATUS));
        out.emit(new Sample(durationName, Tags.EMPTY, run.durationMillis(), now, Kind.GAUGE));
        if (!run.timedOut()) {
            for (PluginOutput.Perf p : output.perf()) {
                out.emit(new Sample(perfBase + CommandLine.component(p.label()), Tags.EMPTY, p.value(), now,
                        p.counter() ? Kind.COUNTER : Kind.GAUGE));
            }
        }
        return r;
    }

    /** Once per change (and for the first result): WARN into a bad state, INFO back to OK. */
    private static void logIfChanged(CheckResult before, CheckResult now) {
        if (before != null && before.status() == now.status()) {
            return;
        }
        String from = before == null ? "" : before.status() + " -> ";
        if (now.status() == CheckStatus.OK) {
            LOG.info("check {}: {}OK: {}", now.check(), from, now.message());
        } else {
            LOG.warn("check {}: {}{}: {}", now.check(), from, now.status(), now.message());
        }
    }

    private static String checkName(Config config) {
        String name = config.name() == null ? "" : config.name().trim();
        if (name.isEmpty()) {
            return CommandLine.defaultName(CommandLine.command(config.command(), config.shell()), config.shell(),
                    config.ssh__host());
        }
        return CheckNames.display("name", name, true);
    }

    /** The display name as a metric path: {@code Is True?} -> {@code Is_True} (see {@link CheckNames}). */
    static String metricName(String display) {
        return NAME.matcher(display).matches() ? display : CheckNames.metricName(display, true);
    }

    private static boolean exitCodes(String value) {
        String v = value == null ? "" : value.trim();
        if (v.equals("nagios")) {
            return false;
        }
        if (v.equals("nonzero-critical")) {
            return true;
        }
        throw new IllegalArgumentException("exitCodes: expected 'nagios' (1 WARNING, 2 CRITICAL, 3 UNKNOWN) or"
                + " 'nonzero-critical' (any exit but 0 is CRITICAL, as Pharos), got '" + v + "'");
    }
}
