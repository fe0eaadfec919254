package lodestar.runtime.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import lodestar.testkit.Configs;

class ViewerSettingsTest {

    private static ViewerAccess.Settings settings(Object... kv) {
        return ViewerAccess.Settings.from(Configs.of(ViewerAccess.Config.class, kv));
    }

    @Test
    void defaults() {
        ViewerAccess.Settings s = settings();
        assertFalse(s.always());
        assertEquals(10, s.maxFailedLogins());
        assertEquals(60_000, s.windowMillis());
        assertTrue(settings("login", "always", "failedLoginWindow", "5m").always());
    }

    @Test
    void badValuesNameTheProperty() {
        for (Object[] bad : new Object[][] {{"login", "never"}, {"maxFailedLogins", 0}, {"failedLoginWindow", "0s"},
                {"failedLoginWindow", "soon"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings(bad));
            assertTrue(e.getMessage().startsWith(bad[0] + ":"), e.getMessage());
        }
    }

    @Test
    void everyAnswerOfTheContextCarriesTheSecurityHeaders() {
        assertEquals("nosniff", ViewerAccess.HEADERS.get("X-Content-Type-Options"));
        assertEquals("SAMEORIGIN", ViewerAccess.HEADERS.get("X-Frame-Options"));
        assertTrue(ViewerAccess.HEADERS.get("Content-Security-Policy").startsWith("default-src 'self'"));
    }
}
