package lodestar.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;

import lodestar.api.Kind;
import lodestar.api.State;
import lodestar.api.Pipeline;
import lodestar.api.Sample;
import lodestar.api.Tags;

/** A bad value takes down only the component it configures, with a failure that names the property. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BadConfigurationIT extends LodestarTestSupport {

    private long next = System.currentTimeMillis() - 300_000;
    private String alive;

    @Configuration
    public Option[] config() {
        return lodestar();
    }

    @org.junit.Before
    public void announce() {
        System.out.println("BadConfigurationIT: the SCR and FrameworkEvent ERRORs with stack traces that follow"
                + " (port 70000, protocol 'carrier-pigeon', interval '-5s') are provoked on purpose");
    }

    @Test
    public void badGraphiteConfigurationsFailAloneAndNameTheProperty() throws Exception {
        await("sink store running", () -> status("sink", "store").isPresent());
        this.alive = "itest.alive.graphite";
        int alive = emitAndAwaitStored(0);

        configureFactory("lodestar.sink.graphite", "bad1", "host", "127.0.0.1", "port", 70000);
        configureFactory("lodestar.sink.graphite", "bad2", "host", "127.0.0.1", "port", 2003,
                "protocol", "carrier-pigeon");

        ComponentConfigurationDTO bad1 = awaitFailed("lodestar.sink.graphite", "lodestar.sink.graphite~bad1");
        ComponentConfigurationDTO bad2 = awaitFailed("lodestar.sink.graphite", "lodestar.sink.graphite~bad2");
        assertFailureNames(bad1, "port");
        assertFailureNames(bad2, "protocol");
        assertFalse(status("sink", "graphite-bad1").isPresent());
        assertFalse(status("sink", "graphite-bad2").isPresent());

        // the rest carries on
        alive = emitAndAwaitStored(alive);
        assertTrue(status("beacon", "system").isPresent());
        assertEquals(State.OK, status("sink", "store").get().state());
        assertEquals("ok", status("sink", "store").get().detail());
    }

    @Test
    public void badRunnerSettingsFailOnlyThatSinkNamedUntilFixed() throws Exception {
        await("sink store running", () -> status("sink", "store").isPresent());
        this.alive = "itest.alive.runner";
        int alive = emitAndAwaitStored(0);

        org.osgi.service.cm.Configuration c = configureFactory("lodestar.sink.graphite", "badrunner", "host", "127.0.0.1",
                "port", 2003, "batchSize", "lots");
        await("sink graphite-badrunner failed", () -> status("sink", "graphite-badrunner")
                .map(s -> s.state() == lodestar.api.State.FAILED).orElse(false));
        lodestar.api.ComponentStatus st = status("sink", "graphite-badrunner").get();
        assertEquals("invalid-settings", st.detail());
        assertTrue(st.lastError(), st.lastError().startsWith("batchSize: "));
        // the sink component itself is fine: only its runner settings are the core's to refuse
        assertTrue(componentConfigurations("lodestar.sink.graphite").stream()
                .anyMatch(d -> d.state == ComponentConfigurationDTO.ACTIVE));
        alive = emitAndAwaitStored(alive);
        assertEquals(lodestar.api.State.OK, status("sink", "store").get().state());

        c.update(dictionary("host", "127.0.0.1", "port", 2003, "batchSize", "10"));
        await("sink graphite-badrunner running", () -> status("sink", "graphite-badrunner")
                .map(s -> !"invalid-settings".equals(s.detail())).orElse(false));
        c.delete();
        await("sink graphite-badrunner gone", () -> status("sink", "graphite-badrunner").isEmpty());
        emitAndAwaitStored(alive);
    }

    @Test
    public void badBeaconIntervalTakesOnlyThatBeaconDownUntilFixed() throws Exception {
        await("beacon system scheduled", () -> status("beacon", "system").isPresent());
        this.alive = "itest.alive.beacon";
        int alive = emitAndAwaitStored(0);

        org.osgi.service.cm.Configuration c = configure("lodestar.beacon.system", "interval", "-5s");
        await("beacon system gone from the pipeline", () -> status("beacon", "system").isEmpty());
        await("lodestar.beacon.system not ACTIVE", () -> {
            List<ComponentConfigurationDTO> dtos = componentConfigurations("lodestar.beacon.system");
            return !dtos.isEmpty() && dtos.stream().noneMatch(d -> d.state == ComponentConfigurationDTO.ACTIVE);
        });
        componentConfigurations("lodestar.beacon.system").stream()
                .filter(d -> d.state == ComponentConfigurationDTO.FAILED_ACTIVATION)
                .forEach(d -> assertFailureNames(d, "interval"));

        alive = emitAndAwaitStored(alive);
        assertTrue(status("sink", "store").isPresent());

        c.update(dictionary("interval", "1s"));
        await("beacon system back at 1s", () -> status("beacon", "system")
                .map(s -> s.counters().get("interval_ms")).orElse(0L) == 1000L);
        await("lodestar.beacon.system ACTIVE", () -> componentConfigurations("lodestar.beacon.system").stream()
                .anyMatch(d -> d.state == ComponentConfigurationDTO.ACTIVE));
        emitAndAwaitStored(alive);
    }

    /** Emits one more sample of this test's {@code itest.alive.*} series and waits for the store to have it. */
    private int emitAndAwaitStored(int stored) throws Exception {
        Pipeline p = pipeline();
        p.emit(new Sample(alive, Tags.EMPTY, stored + 1, next += 1000, Kind.GAUGE));
        await("the store receives " + alive + " #" + (stored + 1), () -> raw(alive).size() == stored + 1);
        return stored + 1;
    }

    private ComponentConfigurationDTO awaitFailed(String component, String pid) throws Exception {
        await(pid + " FAILED_ACTIVATION; now " + describe(componentConfigurations(component)),
                () -> find(component, pid).map(d -> d.state == ComponentConfigurationDTO.FAILED_ACTIVATION).orElse(false));
        return find(component, pid).orElseThrow();
    }

    private Optional<ComponentConfigurationDTO> find(String component, String pid) {
        return componentConfigurations(component).stream()
                .filter(d -> pid.equals(d.properties.get("service.pid"))).findFirst();
    }

    private static void assertFailureNames(ComponentConfigurationDTO dto, String property) {
        assertNotNull("SCR reports the failure", dto.failure);
        assertTrue("failure names '" + property + "': " + dto.failure, dto.failure.contains(property + ":"));
    }
}
