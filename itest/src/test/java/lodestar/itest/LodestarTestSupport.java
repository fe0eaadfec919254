package lodestar.itest;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.util.tracker.ServiceTracker;

import lodestar.api.ComponentStatus;
import lodestar.api.Pipeline;
import lodestar.api.SeriesStore;
import lodestar.api.TimeSeries;

/**
 * What every integration test shares: the framework's content ({@link #lodestar(Option...)}) and small
 * helpers to reach services, change configurations and wait for the platform to react.
 *
 * <p>The Lodestar bundles are installed from the paths the build passes as system properties
 * ({@code lodestar.itest.bundle.<name>}, see itest/pom.xml), so the tests run against what the reactor
 * just built. Each framework gets its own {@code lodestar.home}, so the store starts empty.
 */
public abstract class LodestarTestSupport {

    /** Generous, for a shared 2-core machine; every wait polls and returns as soon as it can. */
    protected static final long TIMEOUT_MS = 15_000;

    private final List<Configuration> created = new ArrayList<>();
    private final Map<Class<?>, ServiceTracker<?, ?>> trackers = new HashMap<>();

    /* ---------------------------------------------------------------- framework content */

    /**
     * Felix + SCR + ConfigAdmin + slf4j + OSHI/JNA and the Lodestar api, core, store, system beacon and
     * Graphite sink, plus {@code extra}.
     */
    public static Option[] lodestar(Option... extra) {
        List<Option> o = new ArrayList<>(List.of(
                junitBundles(),
                frameworkProperty("lodestar.home").value(newDirectory("home").toString()),
                frameworkProperty("ds.loglevel").value("warn"),
                platform("slf4j.api"),
                platform("slf4j.simple").noStart(), // a fragment of slf4j.api in 1.7.x
                platform("function"),
                platform("promise"),
                platform("component"),
                platform("scr"),
                platform("configadmin"),
                platform("jna"),
                platform("jna.platform"),
                platform("oshi"),
                platform("api"),
                platform("core"),
                platform("store"),
                platform("beacon.system"),
                platform("sink.graphite")));
        o.addAll(Arrays.asList(extra));
        return options(o.toArray(new Option[0]));
    }

    /** A bundle whose jar path the build passes as system property {@code lodestar.itest.bundle.<key>}. */
    protected static org.ops4j.pax.exam.options.UrlProvisionOption platform(String key) {
        return bundle(jar(key).toUri().toString());
    }

    /** The jar passed as {@code lodestar.itest.bundle.<key>}; fails clearly when it was not built. */
    protected static Path jar(String key) {
        String p = System.getProperty("lodestar.itest.bundle." + key);
        if (p == null || p.isBlank() || p.startsWith("${")) {
            throw new IllegalStateException("system property lodestar.itest.bundle." + key
                    + " is not set: run the tests through Maven (mvn verify)");
        }
        Path path = Paths.get(p);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("bundle " + key + " not built: " + path);
        }
        return path;
    }

    /** A fresh directory under {@code target/itest-work}. */
    protected static Path newDirectory(String prefix) {
        try {
            Path work = Paths.get(System.getProperty("lodestar.itest.work",
                    System.getProperty("java.io.tmpdir") + File.separator + "lodestar-itest"));
            Files.createDirectories(work);
            return Files.createTempDirectory(work, prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /* ---------------------------------------------------------------- services */

    protected BundleContext context() {
        return FrameworkUtil.getBundle(getClass()).getBundleContext();
    }

    /**
     * The service, waiting for it to appear. The tracker stays open until the test ends: some services
     * (ConfigurationAdmin) are per-bundle objects that become unusable once released.
     */
    protected <T> T service(Class<T> type) {
        @SuppressWarnings("unchecked")
        ServiceTracker<T, T> t = (ServiceTracker<T, T>) trackers.computeIfAbsent(type, k -> {
            ServiceTracker<T, T> n = new ServiceTracker<>(context(), type, null);
            n.open();
            return n;
        });
        try {
            T s = t.waitForService(TIMEOUT_MS);
            assertNotNull("no " + type.getName() + " service within " + TIMEOUT_MS + " ms", s);
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    protected Pipeline pipeline() {
        return service(Pipeline.class);
    }

    protected SeriesStore store() {
        return service(SeriesStore.class);
    }

    protected ConfigurationAdmin configAdmin() {
        return service(ConfigurationAdmin.class);
    }

    protected ServiceComponentRuntime scr() {
        return service(ServiceComponentRuntime.class);
    }

    protected Optional<Bundle> installed(String symbolicName) {
        return Arrays.stream(context().getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst();
    }

    /* ---------------------------------------------------------------- configuration */

    /**
     * Sets the singleton configuration {@code pid} to {@code keyValues} (replacing what was there). Bound
     * to any bundle ({@code "?"}), so the target bundle gets it, not the test probe.
     */
    protected Configuration configure(String pid, Object... keyValues) throws IOException {
        Configuration c = configAdmin().getConfiguration(pid, "?");
        c.update(dictionary(keyValues));
        remember(c);
        return c;
    }

    /** Creates or replaces the factory configuration {@code factoryPid~name}. */
    protected Configuration configureFactory(String factoryPid, String name, Object... keyValues) throws IOException {
        Configuration c = configAdmin().getFactoryConfiguration(factoryPid, name, "?");
        c.update(dictionary(keyValues));
        remember(c);
        return c;
    }

    private void remember(Configuration c) {
        if (created.stream().noneMatch(x -> x.getPid().equals(c.getPid()))) {
            created.add(c);
        }
    }

    /**
     * Returns once ConfigAdmin has delivered every configuration event queued so far (SCR reacts to them
     * in its ConfigurationListener): events go out one at a time, in order, so when a marker event
     * reaches our own listener the earlier ones have reached everybody. Keeps a test's clean-up from
     * racing the framework's shutdown.
     */
    protected void awaitConfigurationEvents() throws Exception {
        String pid = "lodestar.itest.marker";
        java.util.concurrent.CountDownLatch seen = new java.util.concurrent.CountDownLatch(1);
        org.osgi.framework.ServiceRegistration<ConfigurationListener> r = context().registerService(
                ConfigurationListener.class, e -> {
                    if (pid.equals(e.getPid())) {
                        seen.countDown();
                    }
                }, null);
        try {
            Configuration marker = configAdmin().getConfiguration(pid, "?");
            marker.update(dictionary("at", System.nanoTime()));
            seen.await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            // left in place: deleting it now would race the listeners still receiving this event
            // (FileInstall reads the configuration it is told about)
        } finally {
            r.unregister();
        }
    }

    protected static Dictionary<String, Object> dictionary(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("key/value pairs expected");
        }
        Hashtable<String, Object> d = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            d.put((String) keyValues[i], keyValues[i + 1]);
        }
        return d;
    }

    /**
     * Removes the configurations this test created, so a later test in the same framework starts clean,
     * then releases the services.
     */
    @After
    public void cleanUp() {
        for (Configuration c : created) {
            try {
                c.delete();
            } catch (IOException | IllegalStateException e) {
                // already gone
            }
        }
        created.clear();
        try {
            awaitConfigurationEvents();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        trackers.values().forEach(ServiceTracker::close);
        trackers.clear();
    }

    /* ---------------------------------------------------------------- the pipeline and the store */

    protected Optional<ComponentStatus> status(String type, String name) {
        return pipeline().status().stream().filter(s -> s.type().equals(type) && s.name().equals(name)).findFirst();
    }

    protected long counter(String type, String name, String counter) {
        ComponentStatus s = status(type, name).orElseThrow(() -> new AssertionError(type + " " + name
                + " not in Pipeline.status(): " + pipeline().status()));
        Long v = s.counters().get(counter);
        if (v == null) {
            throw new AssertionError(type + " " + name + " has no counter " + counter + ": " + s);
        }
        return v;
    }

    /** Every stored point of a series, at full resolution. */
    protected TimeSeries raw(String seriesKey) {
        return store().query(seriesKey, 0, System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1), 0);
    }

    /** Points of every series whose name matches {@code glob}. */
    protected long points(String glob) {
        return store().find(glob).stream().mapToLong(i -> raw(i.key()).size()).sum();
    }

    /* ---------------------------------------------------------------- SCR */

    /** The configurations (DTOs) of component {@code name}, in whichever bundle declares it. */
    protected List<ComponentConfigurationDTO> componentConfigurations(String name) {
        ServiceComponentRuntime scr = scr();
        List<ComponentConfigurationDTO> out = new ArrayList<>();
        for (Bundle b : context().getBundles()) {
            ComponentDescriptionDTO d = scr.getComponentDescriptionDTO(b, name);
            if (d != null) {
                out.addAll(scr.getComponentConfigurationDTOs(d));
            }
        }
        return out;
    }

    protected static String describe(Collection<ComponentConfigurationDTO> dtos) {
        StringBuilder b = new StringBuilder("[");
        for (ComponentConfigurationDTO c : dtos) {
            b.append("{id=").append(c.id).append(", state=").append(stateName(c.state))
                    .append(", pid=").append(c.properties.get("service.pid"))
                    .append(", failure=").append(c.failure).append("} ");
        }
        return b.append(']').toString();
    }

    protected static String stateName(int state) {
        return switch (state) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "UNSATISFIED_CONFIGURATION";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "UNSATISFIED_REFERENCE";
            case ComponentConfigurationDTO.SATISFIED -> "SATISFIED";
            case ComponentConfigurationDTO.ACTIVE -> "ACTIVE";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "FAILED_ACTIVATION";
            default -> String.valueOf(state);
        };
    }

    /* ---------------------------------------------------------------- waiting */

    /** Polls {@code condition} every 50 ms until it holds; fails after {@code timeoutMs} with {@code what}. */
    protected static void await(String what, long timeoutMs, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Throwable last = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
                last = null;
            } catch (AssertionError | RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError e = new AssertionError("timed out after " + timeoutMs + " ms waiting for: " + what);
                if (last != null) {
                    e.initCause(last);
                }
                throw e;
            }
            Thread.sleep(50);
        }
    }

    protected static void await(String what, Callable<Boolean> condition) throws Exception {
        await(what, TIMEOUT_MS, condition);
    }

    /** Fails if {@code condition} becomes true within {@code millis} (for "nothing more happens"). */
    protected static void assertStaysFalse(String what, long millis, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            if (Boolean.TRUE.equals(condition.call())) {
                fail(what);
            }
            Thread.sleep(50);
        }
    }
}
