package lodestar.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A collector the core runs on a schedule: register one as an OSGi service and the core calls {@link #collect(Emitter)} every {@value #INTERVAL} (service property, a duration such as
 * {@code 10s}; default 10 s).
 *
 * <p>A beacon that throws is logged (rate-limited) and counted; one that is still running when its
 * next turn comes is skipped for that turn and counted as an overrun. Neither affects other beacons.
 *
 * <pre>
 * &#64;Component(service = Beacon.class, configurationPid = "lodestar.beacon.hello")
 * public class Hello implements Beacon {
 *     public void collect(Emitter out) { out.gauge("hello.answer", 42); }
 * }
 * </pre>
 */
@ConsumerType
public interface Beacon {

    /** Service property: how often to collect, a duration string ({@code 500ms}, {@code 10s}, {@code 5m}). */
    String INTERVAL = "interval";

    /** Service property: {@code false} pauses the beacon without removing it. */
    String ENABLED = "enabled";

    /**
     * Service property: the name shown in {@code lodestar:status} and used by {@code lodestar:collect}.
     * Defaults to the component name, plus the factory instance name when there is one.
     */
    String NAME = "name";

    /** Collects once, emitting each sample. Called from a core scheduler thread, never concurrently with itself. */
    void collect(Emitter emitter) throws Exception;
}
