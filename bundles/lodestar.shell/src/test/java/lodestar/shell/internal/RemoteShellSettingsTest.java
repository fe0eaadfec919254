package lodestar.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class RemoteShellSettingsTest {

    private static Optional<RemoteShellSettings> from(Map<String, String> props) {
        return RemoteShellSettings.from(props::get);
    }

    @Test
    void offUnlessThePortIsSet() {
        assertEquals(Optional.empty(), from(Map.of()));
        assertEquals(Optional.empty(), from(Map.of("osgi.shell.telnet.port", " ", "osgi.shell.telnet.ip", "0.0.0.0")));
    }

    @Test
    void defaultsToLoopbackAndTwoConnections() {
        assertEquals(Optional.of(new RemoteShellSettings("127.0.0.1", 6666, 2)),
                from(Map.of("osgi.shell.telnet.port", "6666")));
        assertEquals(Optional.of(new RemoteShellSettings("::1", 7000, 5)), from(Map.of(
                "osgi.shell.telnet.port", " 7000 ", "osgi.shell.telnet.ip", "::1", "osgi.shell.telnet.maxconn", "5")));
    }

    @Test
    void badValuesNameTheProperty() {
        assertEquals("osgi.shell.telnet.port: expected a whole number, got 'telnet'",
                assertThrows(IllegalArgumentException.class,
                        () -> from(Map.of("osgi.shell.telnet.port", "telnet"))).getMessage());
        assertEquals("osgi.shell.telnet.port: must be between 0 and 65535, got 70000",
                assertThrows(IllegalArgumentException.class,
                        () -> from(Map.of("osgi.shell.telnet.port", "70000"))).getMessage());
        assertEquals("osgi.shell.telnet.maxconn: must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> from(Map.of(
                        "osgi.shell.telnet.port", "6666", "osgi.shell.telnet.maxconn", "0"))).getMessage());
    }
}
