package lodestar.runtime.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import lodestar.testkit.Configs;

class ConsoleGuardTest {

    private static GuardSettings settings(Map<String, ?> values) {
        return GuardSettings.from(Configs.of(ConsoleGuard.Config.class, values));
    }

    @Test
    void settingsHaveWorkingDefaultsAndRefuseBadValuesByName() {
        GuardSettings d = settings(Map.of());
        assertEquals(10, d.maxFailedLogins());
        assertEquals(60_000, d.failedLoginWindowMillis());
        assertEquals(Set.of(), d.allowedOrigins());
        assertEquals(Set.of("https://metrics.example.com"),
                settings(Map.of("allowedOrigins", new String[] {"HTTPS://Metrics.Example.com:443/", " "})).allowedOrigins());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> settings(Map.of("maxFailedLogins", 0)))
                .getMessage().startsWith("maxFailedLogins: "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> settings(Map.of("failedLoginWindow", "0s")))
                .getMessage().startsWith("failedLoginWindow: "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> settings(Map.of("allowedOrigins", new String[] {"metrics.example.com"})))
                .getMessage().startsWith("allowedOrigins: 'metrics.example.com' is not an origin"));
    }

    @Test
    void queryParametersAreReadFromTheAddressOnly() {
        assertEquals("true", ConsoleRequests.queryParameter("a=1&post=true", "post"));
        assertEquals("a b", ConsoleRequests.queryParameter("lodestar-csrf-token=a+b", "lodestar-csrf-token"));
        assertEquals("true", ConsoleRequests.queryParameter("p%6Fst=true", "post"), "an escaped name is the same name");
        assertEquals("", ConsoleRequests.queryParameter("post", "post"));
        assertNull(ConsoleRequests.queryParameter("poster=true", "post"));
        assertNull(ConsoleRequests.queryParameter(null, "post"));
        assertNull(ConsoleRequests.queryParameter("%zz=1", "post"), "a bad escape is no parameter");
    }

    @Test
    void theUserOfABasicLoginIsWhatTheLogShows() {
        String header = "Basic " + Base64.getEncoder().encodeToString("admin:secret:with:colons".getBytes());
        assertEquals("admin", ConsoleRequests.user(header));
        assertEquals("?", ConsoleRequests.user("Bearer abc"));
        assertEquals("?", ConsoleRequests.user("Basic !!!"));
    }

    @Test
    void theStatusPrintersAreWhatIsMasked() {
        assertTrue(ConsoleRequests.isStatusPrinter("/status-Services.txt"));
        assertTrue(ConsoleRequests.isStatusPrinter("/status-Configurations/configuration-status-20260101-000000.zip"));
        assertTrue(ConsoleRequests.isStatusPrinter("/config"));
        assertTrue(ConsoleRequests.isStatusPrinter("/config.zip"));
        assertFalse(ConsoleRequests.isStatusPrinter("/configMgr"), "the configuration editor posts back what it shows");
        assertFalse(ConsoleRequests.isStatusPrinter("/bundles"));
    }
}
