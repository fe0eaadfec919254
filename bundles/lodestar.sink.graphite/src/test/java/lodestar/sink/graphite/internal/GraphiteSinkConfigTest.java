package lodestar.sink.graphite.internal;

import static lodestar.sink.graphite.internal.Configs.sink;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import lodestar.api.Sample;

class GraphiteSinkConfigTest {

    private static void assertRejected(String property, Object... keyValues) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sink(keyValues));
        assertTrue(e.getMessage().startsWith(property + ":"), e.getMessage());
    }

    @Test
    void defaultsAreValid() {
        sink().deactivate();
        sink("protocol", "Pickle", "port", 2004).deactivate();
    }

    @Test
    void badValuesNameTheProperty() {
        assertRejected("port", "port", 70000);
        assertRejected("port", "port", -1);
        assertRejected("port", "port", 0);
        assertRejected("protocol", "protocol", "udp");
        assertRejected("protocol", "protocol", "");
        assertRejected("host", "host", " ");
        assertRejected("timeout", "timeout", "soon");
        assertRejected("timeout", "timeout", "0s");
    }

    @Test
    void refusesNonFiniteValuesBeforeTheyAreBuffered() {
        // include/exclude are the core runner's job (RunnerProperties), not the sink's
        GraphiteSink all = sink("include", new String[] {"system.**"});
        assertTrue(all.accepts(Sample.gauge("any.thing", 1)));
        assertFalse(all.accepts(Sample.gauge("any.thing", Double.NEGATIVE_INFINITY)));
        assertFalse(all.accepts(Sample.gauge("system.cpu.user", Double.NaN)));
        assertTrue(all.skippedNonFinite() == 2);
        all.deactivate();
    }
}
