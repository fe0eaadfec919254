package lodestar.runtime.internal.failures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;

import org.junit.jupiter.api.Test;

class ScrLoggerTest {

    @Test
    void aFailureCausedByABadValueIsRecognisedThroughItsWrappers() {
        Exception scr = new InvocationTargetException(new IllegalArgumentException("port: must be between 0 and 65535"));
        assertTrue(ScrLogger.isBadConfiguration(scr));
        assertTrue(ScrLogger.isBadConfiguration("arg", new RuntimeException(scr)));
        assertFalse(ScrLogger.isBadConfiguration(new InvocationTargetException(new NullPointerException())));
        assertFalse(ScrLogger.isBadConfiguration("no exception"));
        assertFalse(ScrLogger.isBadConfiguration());
    }

    @Test
    void dsLoglevelNamesAndNumbers() {
        assertEquals(ScrLog.Level.ERROR, ScrLog.Level.of(null));
        assertEquals(ScrLog.Level.WARN, ScrLog.Level.of("warning"));
        assertEquals(ScrLog.Level.DEBUG, ScrLog.Level.of("4"));
        assertEquals(ScrLog.Level.INFO, ScrLog.Level.of(" Info "));
        assertEquals(ScrLog.Level.ERROR, ScrLog.Level.of("nonsense"));
    }

    @Test
    void onlyWhatDsLoglevelAllowsIsLogged() {
        ScrLogger errorsOnly = (ScrLogger) new ScrLog(ScrLog.Level.ERROR).getLogger("x");
        assertTrue(errorsOnly.isErrorEnabled());
        assertFalse(errorsOnly.isWarnEnabled());
        assertFalse(errorsOnly.isInfoEnabled());
    }
}
