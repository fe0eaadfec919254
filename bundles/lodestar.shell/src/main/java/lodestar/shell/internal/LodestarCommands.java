package lodestar.shell.internal;

import java.time.Clock;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import lodestar.api.Check;
import lodestar.api.Pipeline;
import lodestar.api.SeriesStore;

/**
 * The Gogo commands in scope {@code lodestar}. Gogo finds them through the two service properties and
 * calls the public methods by name (overloads stand for optional arguments); the work is done by
 * {@link ShellCommands}. The store is optional and dynamic: the commands that need it say when none runs.
 */
@Component(
        name = "lodestar.shell.commands",
        service = LodestarCommands.class,
        configurationPolicy = ConfigurationPolicy.IGNORE,
        property = {
                "osgi.command.scope=lodestar",
                "osgi.command.function=status",
                "osgi.command.function=series",
                "osgi.command.function=query",
                "osgi.command.function=emit",
                "osgi.command.function=collect",
                "osgi.command.function=checks"
        })
public class LodestarCommands {

    private final ShellCommands commands;
    /** Every running check, with the name its service properties give (shown until its first result). */
    private final Map<Check, String> checks = new ConcurrentHashMap<>();
    private final CheckCommands checkCommands = new CheckCommands(() -> Map.copyOf(checks), Clock.systemDefaultZone());

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SeriesStore store;

    @Reference(name = "check", service = Check.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "removeCheck")
    void addCheck(Check check, Map<String, Object> props) {
        checks.put(check, checkName(props));
    }

    void removeCheck(Check check) {
        checks.remove(check);
    }

    @Activate
    public LodestarCommands(@Reference(name = "pipeline") Pipeline pipeline) {
        this.commands = new ShellCommands(pipeline, () -> store, Clock.systemDefaultZone(), ZoneId.systemDefault());
    }

    @Descriptor("lists beacons and sinks: type, name, state, counters, last error")
    public String status() {
        return commands.status();
    }

    @Descriptor("lists every stored series with its last value and age")
    public String series() {
        return commands.series(null);
    }

    @Descriptor("lists stored series whose name matches a glob, with last value and age")
    public String series(
            @Descriptor("name glob: * within a dotted part, ** across parts, ? one character (quote it)") String glob) {
        return commands.series(glob);
    }

    @Descriptor("says which argument query needs")
    public String query() {
        return commands.query(null, null);
    }

    @Descriptor("prints the points of one series over the last 10 minutes")
    public String query(@Descriptor("series key, name;tag=value;... (quote it: ';' ends a Gogo command)") String seriesKey) {
        return commands.query(seriesKey, null);
    }

    @Descriptor("prints the points of one series over the last N minutes")
    public String query(
            @Descriptor("series key, name;tag=value;... (quote it: ';' ends a Gogo command)") String seriesKey,
            @Descriptor("how many minutes back from now") String minutes) {
        return commands.query(seriesKey, minutes);
    }

    @Descriptor("emits a gauge with the current time through the pipeline")
    public String emit(
            @Descriptor("sample name, e.g. test.answer") String name,
            @Descriptor("a number, e.g. 42 or 0.5") String value,
            @Descriptor("tags, each key=value") String... tags) {
        return commands.emit(name, value, tags);
    }

    @Descriptor("lists the beacons collect can run")
    public String collect() {
        return commands.collect(null);
    }

    @Descriptor("runs a beacon once, now, and prints each sample it produced")
    public String collect(@Descriptor("beacon name as shown by lodestar:status") String beacon) {
        return commands.collect(beacon);
    }

    @Descriptor("lists every check (HTTP, command, ...): name, status, for how long, value, message")
    public String checks() {
        return checkCommands.checks();
    }

    /** The check's {@code name} property, else its configuration PID, else its component name. */
    static String checkName(Map<String, Object> props) {
        for (String key : new String[] {"name", "service.pid", "component.name"}) {
            Object v = props.get(key);
            if (v != null && !v.toString().isBlank()) {
                return v.toString().trim();
            }
        }
        return "check";
    }
}
