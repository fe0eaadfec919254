package lodestar.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;

import lodestar.api.Beacon;
import lodestar.api.Pipeline;
import lodestar.api.SeriesStore;
import lodestar.api.Sink;

/** The bundles find each other: core, store, system beacon, all through DS. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WiringIT extends LodestarTestSupport {

    @Configuration
    public Option[] config() {
        return lodestar();
    }

    @Test
    public void everyBundleIsActive() {
        for (String bsn : List.of("lodestar.api", "lodestar.core", "lodestar.store", "lodestar.beacon.system",
                "lodestar.sink.graphite", "org.apache.felix.scr", "org.apache.felix.configadmin")) {
            Bundle b = installed(bsn).orElseThrow(() -> new AssertionError(bsn + " not installed"));
            assertEquals(bsn + " state", Bundle.ACTIVE, b.getState());
        }
    }

    @Test
    public void servicesAreRegisteredByTheRightComponents() throws Exception {
        assertNotNull(pipeline());

        ServiceReference<SeriesStore> store = context().getServiceReference(SeriesStore.class);
        assertNotNull("SeriesStore", store);
        assertEquals("lodestar.store", store.getProperty("component.name"));
        assertEquals("lodestar.store", store.getBundle().getSymbolicName());
        List<String> storeTypes = Arrays.asList((String[]) store.getProperty("objectClass"));
        assertTrue("store is a Sink too: " + storeTypes, storeTypes.contains(Sink.class.getName()));
        assertEquals(1, context().getServiceReferences(Sink.class, "(component.name=lodestar.store)").size());

        await("system beacon registered", () -> !context()
                .getServiceReferences(Beacon.class, "(component.name=lodestar.beacon.system)").isEmpty());
        ServiceReference<Beacon> beacon = context()
                .getServiceReferences(Beacon.class, "(component.name=lodestar.beacon.system)").iterator().next();
        assertEquals("lodestar.beacon.system", beacon.getBundle().getSymbolicName());

        // the core holds (and so activated) both
        for (String component : List.of("lodestar.core", "lodestar.store", "lodestar.beacon.system")) {
            await(component + " ACTIVE", () -> componentConfigurations(component).stream()
                    .anyMatch(c -> c.state == ComponentConfigurationDTO.ACTIVE));
        }
        // a factory sink without configuration has no instance
        assertTrue(describe(componentConfigurations("lodestar.sink.graphite")),
                componentConfigurations("lodestar.sink.graphite").stream()
                        .noneMatch(c -> c.state == ComponentConfigurationDTO.ACTIVE));
    }

    @Test
    public void pipelineStatusListsTheSystemBeaconAndTheStore() throws Exception {
        Pipeline p = pipeline();
        await("beacon system and sink store in Pipeline.status()",
                () -> status("beacon", "system").isPresent() && status("sink", "store").isPresent());
        assertEquals("core", p.status().get(0).name());
        assertEquals("pipeline", p.status().get(0).type());
        assertEquals("default interval 10s", 10_000L, counter("beacon", "system", "interval_ms"));
        assertTrue("nothing but the store sinks yet: " + p.status(),
                p.status().stream().filter(s -> s.type().equals("sink")).allMatch(s -> s.name().equals("store")));
    }
}
