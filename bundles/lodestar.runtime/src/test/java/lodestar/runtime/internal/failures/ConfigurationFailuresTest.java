package lodestar.runtime.internal.failures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import lodestar.api.ComponentStatus;
import lodestar.api.Monitored;
import lodestar.api.State;

class ConfigurationFailuresTest {

    /** What SCR keeps as the failure: the stack trace of the exception it caught. */
    private static String trace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private static ComponentConfigurationDTO config(String component, int state, String failure, Map<String, Object> props) {
        ComponentConfigurationDTO c = new ComponentConfigurationDTO();
        c.description = new ComponentDescriptionDTO();
        c.description.name = component;
        c.state = state;
        c.failure = failure;
        c.properties = new HashMap<>(props);
        c.properties.put("component.name", component);
        return c;
    }

    private static final Map<String, Object> BAD_STATSD = Map.of("service.pid", "lodestar.listener.statsd~bad",
            "service.factoryPid", "lodestar.listener.statsd",
            "felix.fileinstall.filename", "file:/srv/lodestar/conf/lodestar.listener.statsd-bad.cfg", "port", 70000);

    private static String portFailure() {
        return trace(new InvocationTargetException(new IllegalArgumentException("port: must be between 0 and 65535, got 70000")));
    }

    @Test
    void aBadValueIsOneFailureNamingTheFileAndTheProperty() {
        Failure f = Failure.of(config("lodestar.listener.statsd", ComponentConfigurationDTO.FAILED_ACTIVATION, portFailure(), BAD_STATSD));
        assertEquals("port: must be between 0 and 65535, got 70000", f.reason());
        assertTrue(f.badValue());
        assertEquals(Path.of("/srv/lodestar/conf/lodestar.listener.statsd-bad.cfg"), f.file());
        assertEquals("Configuration /srv/lodestar/conf/lodestar.listener.statsd-bad.cfg", f.subject());
        assertEquals("lodestar.listener.statsd-bad.cfg: port: must be between 0 and 65535, got 70000", f.lastError());
        assertEquals("listener", f.type());
        assertEquals("statsd-bad", f.name());
    }

    @Test
    void anythingButABadValueKeepsTheExceptionsName() {
        Failure f = Failure.of(config("lodestar.sink.graphite", ComponentConfigurationDTO.FAILED_ACTIVATION,
                trace(new RuntimeException("wrapped", new NullPointerException("host is null"))),
                Map.of("service.pid", "lodestar.sink.graphite.5a1c", "service.factoryPid", "lodestar.sink.graphite")));
        assertFalse(f.badValue());
        assertEquals("NullPointerException: host is null", f.reason());
        assertEquals("Configuration lodestar.sink.graphite.5a1c", f.subject(), "made without a file");
        assertEquals("sink", f.type());
        assertEquals("graphite-" + Integer.toHexString("lodestar.sink.graphite.5a1c".hashCode() & 0xfffff), f.name(),
                "a generated PID gets the core's short hash");
        Failure store = Failure.of(config("lodestar.store", ComponentConfigurationDTO.FAILED_ACTIVATION,
                trace(new IllegalArgumentException("maxMemory: must be positive\nsecond line")), Map.of("name", "main")));
        assertEquals("sink", store.type());
        assertEquals("main", store.name(), "the name property wins");
        assertEquals("maxMemory: must be positive second line", store.reason(), "one line");
        assertEquals("Component lodestar.store", store.subject());
    }

    @Test
    void aFailureIsShownWhileItLastsThenGoes() {
        List<ComponentConfigurationDTO> now = new ArrayList<>();
        List<Monitored> registered = new ArrayList<>();
        ConfigurationFailures failures = new ConfigurationFailures(scr(now), part -> {
            registered.add(part);
            return () -> registered.remove(part);
        }, false);

        now.add(config("lodestar.listener.statsd", ComponentConfigurationDTO.FAILED_ACTIVATION, portFailure(), BAD_STATSD));
        failures.scan();
        failures.scan(); // SCR tries again: still one
        assertEquals(1, registered.size());
        ComponentStatus s = registered.get(0).status();
        assertEquals("listener", s.type());
        assertEquals("statsd-bad", s.name());
        assertEquals(State.FAILED, s.state());
        assertEquals("invalid-settings", s.detail());
        assertEquals("lodestar.listener.statsd-bad.cfg: port: must be between 0 and 65535, got 70000", s.lastError());

        // another bad value: the same part says the new reason
        now.set(0, config("lodestar.listener.statsd", ComponentConfigurationDTO.FAILED_ACTIVATION,
                trace(new IllegalArgumentException("bind: not an address: 'x'")), BAD_STATSD));
        failures.scan();
        assertEquals(1, registered.size());
        assertEquals("lodestar.listener.statsd-bad.cfg: bind: not an address: 'x'", registered.get(0).status().lastError());

        // fixed: the component runs, the part goes
        now.set(0, config("lodestar.listener.statsd", ComponentConfigurationDTO.ACTIVE, null, BAD_STATSD));
        failures.scan();
        assertTrue(registered.isEmpty());
        assertTrue(failures.failures().isEmpty());
    }

    @Test
    void aFailedConfigurationThatChangesWithoutSCRTryingAgainIsRestarted() {
        List<ComponentConfigurationDTO> now = new ArrayList<>();
        List<String> calls = new ArrayList<>();
        ConfigurationFailures failures = new ConfigurationFailures(scr(now, calls), part -> () -> { }, false);
        String trace = portFailure();
        now.add(config("lodestar.listener.statsd", ComponentConfigurationDTO.FAILED_ACTIVATION, trace, BAD_STATSD));
        failures.scan();
        failures.scan();
        assertTrue(calls.isEmpty(), "nothing changed: nothing to retry");

        // the file is fixed: SCR updates the values but keeps the failure (it called @Modified on no instance)
        Map<String, Object> fixed = new HashMap<>(BAD_STATSD);
        fixed.put("port", 0);
        ComponentConfigurationDTO stale = config("lodestar.listener.statsd", ComponentConfigurationDTO.FAILED_ACTIVATION, trace, fixed);
        stale.description = now.get(0).description;
        now.set(0, stale);
        failures.scan();
        assertEquals(List.of("disable lodestar.listener.statsd", "enable lodestar.listener.statsd"), calls);
        failures.scan();
        assertEquals(2, calls.size(), "once per change");

        // a component without @Modified that SCR made again with a new failure is not restarted
        ComponentConfigurationDTO retried = config("lodestar.listener.statsd", ComponentConfigurationDTO.FAILED_ACTIVATION,
                trace(new IllegalArgumentException("port: must be between 0 and 65535, got 70000")), Map.of("service.pid",
                        "lodestar.listener.statsd~bad", "service.factoryPid", "lodestar.listener.statsd", "port", 70000));
        retried.description = stale.description;
        now.set(0, retried);
        failures.scan();
        assertEquals(2, calls.size(), "SCR tried it again itself: " + calls);
    }

    @Test
    void aFailureRenewedWithTheOldValuesBeforeTheFixStillRestartsAComponentWithModified() {
        // the start-up summary asks for every Monitored service: SCR tries the failed configuration again with its
        // old values (a new trace), and only then is the file fixed
        List<ComponentConfigurationDTO> now = new ArrayList<>();
        List<String> calls = new ArrayList<>();
        ConfigurationFailures failures = new ConfigurationFailures(scr(now, calls), part -> () -> { }, false);
        now.add(config("lodestar.listener.statsd", ComponentConfigurationDTO.FAILED_ACTIVATION, portFailure(), BAD_STATSD));
        now.get(0).description.modified = "modified";
        failures.scan();
        Map<String, Object> fixed = new HashMap<>(BAD_STATSD);
        fixed.put("port", 0);
        ComponentConfigurationDTO renewed = config("lodestar.listener.statsd", ComponentConfigurationDTO.FAILED_ACTIVATION,
                trace(new IllegalArgumentException("port: must be between 0 and 65535, got 70000")), fixed);
        renewed.description = now.get(0).description;
        now.set(0, renewed);
        failures.scan();
        assertEquals(List.of("disable lodestar.listener.statsd", "enable lodestar.listener.statsd"), calls);

        // renewed with the same values, then fixed: a scan between the two, as in the e2e test
        calls.clear();
        ConfigurationFailures second = new ConfigurationFailures(scr(now, calls), part -> () -> { }, false);
        now.set(0, config("lodestar.listener.statsd", ComponentConfigurationDTO.FAILED_ACTIVATION, portFailure(), BAD_STATSD));
        second.scan();
        ComponentConfigurationDTO again = config("lodestar.listener.statsd", ComponentConfigurationDTO.FAILED_ACTIVATION,
                trace(new IllegalStateException("port: must be between 0 and 65535, got 70000")), BAD_STATSD);
        now.set(0, again);
        second.scan();
        assertTrue(calls.isEmpty(), "same values tried again: nothing to restart " + calls);
        ComponentConfigurationDTO stale = config("lodestar.listener.statsd", ComponentConfigurationDTO.FAILED_ACTIVATION, again.failure, fixed);
        stale.description = again.description;
        now.set(0, stale);
        second.scan();
        assertEquals(List.of("disable lodestar.listener.statsd", "enable lodestar.listener.statsd"), calls);
    }

    @Test
    void aScanThatFailsDoesNotStopTheNext() {
        List<ComponentConfigurationDTO> now = new ArrayList<>();
        boolean[] broken = {true};
        ServiceComponentRuntime real = scr(now);
        ServiceComponentRuntime flaky = (ServiceComponentRuntime) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServiceComponentRuntime.class}, (proxy, method, args) -> {
                    if (broken[0]) {
                        throw new IllegalStateException("SCR is stopping");
                    }
                    return method.invoke(real, args);
                });
        List<Monitored> registered = new ArrayList<>();
        ConfigurationFailures failures = new ConfigurationFailures(flaky, part -> {
            registered.add(part);
            return () -> registered.remove(part);
        }, true);
        try {
            now.add(config("lodestar.listener.statsd", ComponentConfigurationDTO.FAILED_ACTIVATION, portFailure(), BAD_STATSD));
            sleep(2_500);
            assertTrue(registered.isEmpty());
            broken[0] = false;
            long end = System.currentTimeMillis() + 5_000;
            while (registered.isEmpty() && System.currentTimeMillis() < end) {
                sleep(50);
            }
            assertEquals(1, registered.size(), "scanning went on after the failures");
        } finally {
            try {
                failures.deactivate();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        assertTrue(registered.isEmpty(), "deactivated: nothing left registered");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ServiceComponentRuntime scr(List<ComponentConfigurationDTO> configs) {
        return scr(configs, new ArrayList<>());
    }

    /** SCR with one description per component of {@code configs}; enabling and disabling are noted in {@code calls}. */
    private static ServiceComponentRuntime scr(List<ComponentConfigurationDTO> configs, List<String> calls) {
        return (ServiceComponentRuntime) Proxy.newProxyInstance(ConfigurationFailuresTest.class.getClassLoader(),
                new Class<?>[] {ServiceComponentRuntime.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "disableComponent", "enableComponent" -> {
                        calls.add(method.getName().replace("Component", "") + " " + ((ComponentDescriptionDTO) args[0]).name);
                        yield null;
                    }
                    case "getComponentDescriptionDTOs" -> {
                        List<ComponentConfigurationDTO> snapshot = List.copyOf(configs);
                        yield snapshot.stream().map(c -> c.description).distinct().toList();
                    }
                    case "getComponentConfigurationDTOs" -> List.copyOf(configs).stream()
                            .filter(c -> c.description == args[0]).toList();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
