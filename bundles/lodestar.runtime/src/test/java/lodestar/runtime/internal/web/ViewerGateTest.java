package lodestar.runtime.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ViewerGateTest {

    static final String ADDRESS = "192.0.2.7";

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static ViewerGate gate(boolean loginRequired, String password) {
        return new ViewerGate(loginRequired, "viewer", password, Set.of("admin"), new LoginThrottle(3, 60_000, 100));
    }

    @Test
    void loopbackNeedsNoLoginButStaysReadOnly() {
        ViewerGate g = gate(false, "secret");
        assertTrue(g.decide("GET", null, ADDRESS, 0).passes());
        assertTrue(g.decide("HEAD", null, ADDRESS, 0).passes());
        for (String m : new String[] {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "get2", null}) {
            assertEquals(405, g.decide(m, null, ADDRESS, 0).status(), String.valueOf(m));
        }
    }

    @Test
    void widerBindingAsksForTheViewerCredential() {
        ViewerGate g = new ViewerGate(true, "viewer", "secret", Set.of("admin"), new LoginThrottle(10, 60_000, 100));
        assertEquals(401, g.decide("GET", null, ADDRESS, 0).status());
        assertEquals("no-credentials", g.decide("GET", null, ADDRESS, 0).reason());
        assertEquals(401, g.decide("GET", basic("viewer", "wrong"), ADDRESS, 0).status());
        assertEquals(401, g.decide("GET", basic("viewer", "secret "), ADDRESS, 1).status());
        assertTrue(g.decide("GET", basic("viewer", "secret"), ADDRESS, 2).passes());
        assertTrue(g.decide("get", basic("viewer", "secret"), ADDRESS, 2).passes(), "methods are case-insensitive");
        assertEquals(405, g.decide("POST", basic("viewer", "secret"), ADDRESS, 3).status(), "read-only even when logged in");
        assertEquals(401, g.decide("GET", "Bearer secret", ADDRESS, 4).status());
        assertEquals(401, g.decide("GET", "Basic !!!", ADDRESS, 4).status());
    }

    @Test
    void theAdminsCredentialIsRefusedEvenWithTheRightPassword() {
        // an operator who gave the viewer the admin's password: the name alone is refused
        ViewerGate g = new ViewerGate(true, "viewer", "same", Set.of("admin", "root"), new LoginThrottle(10, 60_000, 100));
        ViewerGate.Verdict v = g.decide("GET", basic("admin", "same"), ADDRESS, 0);
        assertEquals(401, v.status());
        assertEquals("admin-credential", v.reason());
        assertEquals(401, g.decide("GET", basic("root", "same"), ADDRESS, 0).status());
        assertTrue(g.decide("GET", basic("viewer", "same"), ADDRESS, 0).passes());
    }

    @Test
    void aLockedContextRefusesEveryLogin() {
        ViewerGate g = gate(true, null);
        assertEquals(401, g.decide("GET", basic("viewer", ""), ADDRESS, 0).status());
        assertEquals(401, g.decide("GET", basic("viewer", "null"), "192.0.2.8", 0).status());
    }

    @Test
    void failedLoginsAreThrottledPerAddressWithTheConsolesThrottle() {
        ViewerGate g = gate(true, "secret");
        for (int i = 0; i < 2; i++) {
            assertEquals(401, g.decide("GET", basic("viewer", "guess" + i), ADDRESS, 0).status());
        }
        ViewerGate.Verdict third = g.decide("GET", basic("viewer", "guess2"), ADDRESS, 0);
        assertEquals(401, third.status());
        assertTrue(third.reason().endsWith("now-throttled"), third.reason());
        // throttled: even the right password waits, and the answer says how long
        ViewerGate.Verdict waiting = g.decide("GET", basic("viewer", "secret"), ADDRESS, 1000);
        assertEquals(429, waiting.status());
        assertTrue(waiting.retryAfterMillis() >= 1000, "Retry-After: " + waiting.retryAfterMillis());
        // another address is not affected
        assertTrue(g.decide("GET", basic("viewer", "secret"), "192.0.2.99", 1000).passes());
        // one try back after window / maxFailures (20 s): the right password ends the throttling
        assertTrue(g.decide("GET", basic("viewer", "secret"), ADDRESS, 21_000).passes());
        assertTrue(g.decide("GET", basic("viewer", "secret"), ADDRESS, 21_001).passes());
        // loopback-open contexts never count anything
        ViewerGate open = gate(false, "secret");
        for (int i = 0; i < 10; i++) {
            assertTrue(open.decide("GET", basic("viewer", "wrong"), ADDRESS, 0).passes());
        }
    }

    @Test
    void whatCountsAsLoopback() {
        for (String h : new String[] {"127.0.0.1", "localhost", "::1", "[::1]", "127.1.2.3", " LOCALHOST "}) {
            assertTrue(ViewerGate.isLoopback(h), h);
        }
        for (String h : new String[] {null, "", "0.0.0.0", "::", "192.168.1.5", "example.com", "127.0.0.1.example.com"}) {
            assertFalse(ViewerGate.isLoopback(h), String.valueOf(h));
        }
    }

    @Test
    void basicCredentialsAreDecodedOrRefused() {
        String[] c = ViewerGate.basic(basic("viewer", "a:b:c"));
        assertEquals("viewer", c[0]);
        assertEquals("a:b:c", c[1], "only the first colon splits");
        assertEquals(null, ViewerGate.basic("Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes())));
        assertEquals(null, ViewerGate.basic("Digest x"));
    }
}
