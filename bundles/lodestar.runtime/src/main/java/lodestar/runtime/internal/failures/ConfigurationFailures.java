package lodestar.runtime.internal.failures;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.ComponentStatus;
import lodestar.api.Monitored;
import lodestar.api.State;
import lodestar.support.log.RateLimitedLog;

/**
 * Makes a component that Declarative Services could not start visible: a bad value in {@code conf/} (by the
 * convention of every Lodestar component, an {@link IllegalArgumentException} from its constructor whose message
 * starts with the property) is one log line naming the file and the property,
 *
 * <pre>Configuration /var/lib/lodestar/conf/lodestar.listener.statsd-bad.cfg: port: must be between 0 and 65535, got 70000; lodestar.listener.statsd~bad does not run until this is fixed</pre>
 *
 * and, for as long as it fails, a {@link Monitored} part of the type and name the component would have, state
 * {@code failed}, detail {@code invalid-settings} (or {@code activation-failed} for any other exception), so that
 * {@code lodestar:status}, the Lodestar page and the self-metric {@code lodestar.self.<type>.<name>.state} show it
 * where they would show the component. Fixed (or removed), it logs so once and the part goes; the component's
 * own status, if it has one, takes its place.
 *
 * <p>SCR keeps the failure of each component configuration ({@code ComponentConfigurationDTO.failure}, the
 * exception's stack trace); this reads them every second. SCR's own report, two stack traces per failure, goes
 * to debug ({@link ScrLog}).
 *
 * <p>When the configuration of a failed component changes, SCR tries it again only if the component has no
 * {@code @Modified} method; with one (every listener, the store, the core) it calls that method on the instance it
 * never made, and the component stays failed with the new values. So when a failed configuration changes and SCR
 * has not tried again, this has SCR start the component afresh (disable, enable): it then reads the new values. Its
 * other configurations, if it has several, restart with it; the log line says so.
 */
@Component(name = "lodestar.runtime.configfailures", service = {}, immediate = true,
        configurationPolicy = ConfigurationPolicy.IGNORE)
public final class ConfigurationFailures {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationFailures.class);
    static final long SCAN_MILLIS = 1000;

    /** Registers a part with the service registry; the returned action unregisters it. */
    interface Registrar {
        Runnable register(Monitored part);
    }

    private final ServiceComponentRuntime scr;
    private final Registrar registrar;
    private final ScheduledExecutorService scanner;
    private final RateLimitedLog scanFailures = new RateLimitedLog(60_000, LOG::warn);
    /** Failures reported now, by {@link Failure#key()}; touched by the scanner thread only. */
    private final Map<String, Shown> shown = new HashMap<>();

    @Activate
    public ConfigurationFailures(BundleContext context, @Reference ServiceComponentRuntime scr) {
        this(scr, part -> {
            ServiceRegistration<Monitored> r = context.registerService(Monitored.class, part, null);
            return () -> {
                try {
                    r.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the bundle is stopping
                }
            };
        }, true);
    }

    /** @param scan whether to scan every {@value #SCAN_MILLIS} ms (tests call {@link #scan()} themselves) */
    ConfigurationFailures(ServiceComponentRuntime scr, Registrar registrar, boolean scan) {
        this.scr = scr;
        this.registrar = registrar;
        this.scanner = scan ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lodestar-configfailures");
            t.setDaemon(true);
            return t;
        }) : null;
        if (scanner != null) {
            scanner.scheduleWithFixedDelay(this::scanSafely, 0, SCAN_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        if (scanner != null) {
            scanner.shutdownNow();
            scanner.awaitTermination(5, TimeUnit.SECONDS);
        }
        for (Shown s : shown.values()) {
            s.unregister();
        }
        shown.clear();
    }

    /** A scan that fails is logged and the next one runs: the scanner never stops. */
    private void scanSafely() {
        try {
            scan();
        } catch (RuntimeException e) {
            scanFailures.log(() -> "Configuration failures: cannot read SCR's components (" + e + "); trying again every "
                    + SCAN_MILLIS + " ms");
        }
    }

    void scan() {
        Map<String, ComponentConfigurationDTO> now = new HashMap<>();
        Set<String> pidsPresent = new HashSet<>();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                Object pid = c.properties == null ? null : c.properties.get("service.pid");
                if (pid != null) {
                    pidsPresent.add(String.valueOf(pid));
                }
                if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    if (c.description == null) {
                        c.description = d;
                    }
                    now.put(Failure.of(c).key(), c);
                }
            }
        }
        Set<ComponentDescriptionDTO> restart = new HashSet<>();
        for (ComponentConfigurationDTO c : now.values()) {
            Failure f = Failure.of(c);
            Shown s = shown.get(f.key());
            if (s == null) {
                shown.put(f.key(), new Shown(f, c));
                report(f);
            } else if (!s.failure.reason().equals(f.reason())) {
                s.seen(f, c);
                report(f);
            } else if (!s.values.equals(Values.of(c.properties))) {
                // changed. SCR makes a component without @Modified again itself, and its failure then is the new
                // values'. A component with @Modified it does not try again, but its failure may have been renewed
                // meanwhile with the old values by anyone asking for the service (the start-up summary does): a new
                // trace does not say the new values were tried, so restart it (at worst once more than needed)
                if (s.trace.equals(c.failure) || (c.description != null && c.description.modified != null)) {
                    restart.add(c.description);
                }
                s.seen(f, c);
            } else if (!s.trace.equals(c.failure)) {
                s.seen(f, c); // tried again with the same values, failed the same way
            }
        }
        for (ComponentDescriptionDTO d : restart) {
            restart(d);
        }
        for (String key : new ArrayList<>(shown.keySet())) {
            if (!now.containsKey(key)) {
                Shown s = shown.remove(key);
                s.unregister();
                Failure f = s.failure;
                if (f.pid() != null && pidsPresent.contains(f.pid())) {
                    LOG.info("{}: fixed; {} runs", f.subject(), f.pid());
                } else {
                    LOG.info("{}: removed", f.subject());
                }
            }
        }
    }

    /** Has SCR make the component's configurations afresh, so that a failed one reads its new values. */
    private void restart(ComponentDescriptionDTO d) {
        int others = 0;
        for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
            others += c.state == ComponentConfigurationDTO.FAILED_ACTIVATION ? 0 : 1;
        }
        LOG.info("Component {}: a failed configuration changed, restarting the component so that it reads it{}", d.name,
                others == 0 ? "" : " (its " + others + " other configuration" + (others == 1 ? "" : "s") + " restart with it)");
        // Felix SCR disables and enables synchronously: the promises are resolved on return
        scr.disableComponent(d);
        scr.enableComponent(d);
    }

    private static void report(Failure f) {
        String what = f.pid() != null ? f.pid() : "it";
        if (f.badValue()) {
            LOG.error("{}: {}; {} does not run until this is fixed", f.subject(), f.reason(), what);
        } else {
            LOG.error("{}: cannot start: {}; {} does not run until this is fixed (stack trace: scr:info, or "
                    + "-Dorg.slf4j.simpleLogger.log.org.apache.felix.scr=debug)", f.subject(), f.reason(), what);
        }
    }

    /** The failures reported now (tests). */
    List<Failure> failures() {
        List<Failure> l = new ArrayList<>();
        shown.values().forEach(s -> l.add(s.failure));
        return l;
    }

    /** One failure as a part of the platform, registered for as long as it lasts. */
    private final class Shown implements Monitored {
        volatile Failure failure;
        /** the configuration's values and SCR's failure when last looked at: a change SCR did not try shows here */
        String values;
        String trace;
        private final Runnable unregister;

        Shown(Failure failure, ComponentConfigurationDTO c) {
            seen(failure, c);
            this.unregister = registrar.register(this);
        }

        void seen(Failure f, ComponentConfigurationDTO c) {
            this.failure = f;
            this.values = Values.of(c.properties);
            this.trace = c.failure;
        }

        @Override
        public ComponentStatus status() {
            Failure f = failure;
            return new ComponentStatus(f.type(), f.name(), State.FAILED, f.badValue() ? "invalid-settings" : "activation-failed",
                    Map.of(), f.lastError());
        }

        void unregister() {
            unregister.run();
        }
    }
}
