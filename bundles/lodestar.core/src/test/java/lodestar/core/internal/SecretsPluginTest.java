package lodestar.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Hashtable;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SecretsPluginTest {

    private static Map<String, Object> processed(Map<String, Object> configuration) {
        Hashtable<String, Object> d = new Hashtable<>(configuration);
        new SecretsPlugin().modifyConfiguration(null, d);
        return Map.copyOf(d);
    }

    @Test
    void lodestarConfigurationsReachDsWithoutTheirSecrets() {
        assertEquals(Map.of("service.pid", "lodestar.sink.influxdb~a", "service.factoryPid", "lodestar.sink.influxdb",
                "username", "bob"), processed(Map.of("service.pid", "lodestar.sink.influxdb~a", "service.factoryPid",
                "lodestar.sink.influxdb", "username", "bob", "password", "p", "token", "t")));
        assertEquals(Map.of("service.pid", "lodestar.beacon.http"),
                processed(Map.of("service.pid", "lodestar.beacon.http", "proxyPassword", "p")));
    }

    @Test
    void otherConfigurationsAreLeftAlone() {
        Map<String, Object> console = Map.of("service.pid", "org.apache.felix.webconsole.internal.servlet.OsgiManager",
                "username", "admin", "password", "{sha-256}abc");
        assertEquals(console, processed(console), "the web console needs its own password");
    }
}
