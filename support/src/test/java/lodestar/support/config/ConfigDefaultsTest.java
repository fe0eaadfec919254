package lodestar.support.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

import org.junit.jupiter.api.Test;

class ConfigDefaultsTest {

    @Retention(RetentionPolicy.RUNTIME)
    @interface Config {
        String receiveBuffer() default "8MB";

        int port() default 8125;

        String noDefault();
    }

    @Config(noDefault = "x")
    static class Defaults {
    }

    @Config(receiveBuffer = " 8mb ", port = 9125, noDefault = "x")
    static class SameBufferOtherPort {
    }

    @Config(receiveBuffer = "16MB", noDefault = "x")
    static class BiggerBuffer {
    }

    private static Config of(Class<?> c) {
        return c.getAnnotation(Config.class);
    }

    @Test
    void theDefaultIsNotAChoiceAndAnyOtherValueIs() {
        assertFalse(ConfigDefaults.chosen(of(Defaults.class), "receiveBuffer"));
        assertFalse(ConfigDefaults.chosen(of(Defaults.class), "port"));
        assertFalse(ConfigDefaults.chosen(of(SameBufferOtherPort.class), "receiveBuffer"), "the default, spelled otherwise");
        assertTrue(ConfigDefaults.chosen(of(SameBufferOtherPort.class), "port"));
        assertTrue(ConfigDefaults.chosen(of(BiggerBuffer.class), "receiveBuffer"));
    }

    @Test
    void anAttributeWithoutDefaultOrUnknownCountsAsChosen() {
        assertTrue(ConfigDefaults.chosen(of(Defaults.class), "noDefault"));
        assertTrue(ConfigDefaults.chosen(of(Defaults.class), "noSuchAttribute"));
    }
}
