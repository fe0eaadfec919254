package lodestar.beacon.jvm.internal;

import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Beacon;
import lodestar.api.Emitter;
import lodestar.support.config.Units;

/**
 * The platform's own JVM through {@code java.lang.management}: heap, non-heap and memory pools, GC
 * per collector, threads, classes, CPU, file descriptors, uptime, under {@code <prefix>.}. Runs with
 * no configuration (one JVM, one instance). The reading itself is in {@link JvmReader}; this class
 * only validates the configuration and stamps one collection.
 */
@Component(name = JvmBeacon.PID, configurationPid = JvmBeacon.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, service = Beacon.class, immediate = true)
@Designate(ocd = JvmBeacon.Config.class)
public final class JvmBeacon implements Beacon {

    static final String PID = "lodestar.beacon.jvm";

    private static final Logger LOG = LoggerFactory.getLogger(JvmBeacon.class);

    /** Dot-separated words: a prefix must not add empty path components. */
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

    @ObjectClassDefinition(id = PID, name = "Lodestar JVM beacon",
            description = "The platform's own JVM: heap, non-heap, memory pools, GC, threads, classes, CPU, file"
                    + " descriptors, uptime, named <prefix>.<group>... Runs without configuration.")
    public @interface Config {

        @AttributeDefinition(name = "Interval", description = "How often to collect, a positive duration: 500ms, 10s, 5m.")
        String interval() default "10s";

        @AttributeDefinition(name = "Enabled", description = "Untick to pause collection without removing the beacon.")
        boolean enabled() default true;

        @AttributeDefinition(name = "Prefix",
                description = "First part of every metric name; dot-separated words of letters, digits, '_' and '-'.")
        String prefix() default "lodestar.jvm";
    }

    private final JvmReader reader;

    @Activate
    public JvmBeacon(Config config) {
        Units.positiveDurationMillis("interval", config.interval());
        this.reader = new JvmReader(prefix(config.prefix()) + ".");
        LOG.info("jvm beacon: {}* every {}", reader.base(), config.interval());
    }

    @Override
    public void collect(Emitter emitter) {
        reader.read(emitter, System.currentTimeMillis());
    }

    static String prefix(String prefix) {
        String p = prefix == null ? "" : prefix.trim();
        if (!PREFIX.matcher(p).matches()) {
            throw new IllegalArgumentException("prefix: expected dot-separated words of letters, digits, '_' and '-', got '"
                    + prefix + "'");
        }
        return p;
    }
}
