package lodestar.support.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;

import org.junit.jupiter.api.Test;

class InstanceNamesTest {

    @Test
    void namedFactoryConfigurationGivesItsName() {
        assertEquals("statsd-edge", InstanceNames.of("statsd", Map.of("service.pid", "lodestar.listener.statsd~edge",
                "service.factoryPid", "lodestar.listener.statsd")));
    }

    @Test
    void fileInstallFileNameGivesTheInstanceWhenThePidDoesNot() {
        Map<String, Object> p = Map.of("service.pid", "lodestar.sink.graphite.3f2a-77", "service.factoryPid", "lodestar.sink.graphite",
                "felix.fileinstall.filename", "file:/opt/lodestar/conf/lodestar.sink.graphite-carbon1.cfg");
        assertEquals("carbon1", InstanceNames.suffix(p));
        assertEquals("graphite-carbon1", InstanceNames.of("graphite", p));
    }

    @Test
    void singleConfigurationHasNoInstance() {
        assertEquals("statsd", InstanceNames.of("statsd", Map.of("service.pid", "lodestar.listener.statsd")));
        assertEquals("statsd", InstanceNames.of("statsd", null));
        assertNull(InstanceNames.suffix(Map.of("felix.fileinstall.filename", "file:/x/lodestar.store.cfg")));
    }

    @Test
    void generatedPidAndEmptyNameHaveNone() {
        assertNull(InstanceNames.suffix(Map.of("service.pid", "lodestar.listener.statsd.7f1c0e2a-1b",
                "service.factoryPid", "lodestar.listener.statsd")));
        assertNull(InstanceNames.suffix(Map.of("service.pid", "lodestar.listener.statsd~")));
        assertEquals("x", InstanceNames.suffix(Map.of("service.pid", new String[] {"p~x"})));
    }
}
