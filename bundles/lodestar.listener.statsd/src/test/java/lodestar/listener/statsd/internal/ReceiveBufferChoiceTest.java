package lodestar.listener.statsd.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import lodestar.testkit.Configs;

/** A capped default receive buffer is said at INFO, a capped choice of the operator's is a warning. */
class ReceiveBufferChoiceTest {

    @Test
    void theDefaultIsNotTheOperatorsChoiceAnotherSizeIs() {
        assertFalse(StatsdListener.receiveBufferConfigured(Configs.of(StatsdListener.Config.class)));
        assertFalse(StatsdListener.receiveBufferConfigured(Configs.of(StatsdListener.Config.class, "receiveBuffer", "8mb")));
        assertTrue(StatsdListener.receiveBufferConfigured(Configs.of(StatsdListener.Config.class, "receiveBuffer", "64MB")));
        assertTrue(StatsdListener.receiveBufferConfigured(Configs.of(StatsdListener.Config.class, "receiveBuffer", "1MB")));
    }
}
