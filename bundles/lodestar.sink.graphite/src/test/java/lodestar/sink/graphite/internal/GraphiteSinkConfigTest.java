package lodestar.sink.graphite.internal;

import static lodestar.sink.graphite.internal.Configs.config;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import lodestar.api.Sample;

class GraphiteSinkConfigTest {

    private static void assertRejected(String property, Object... keyValues) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GraphiteSink(config(keyValues)));
        assertTrue(e.getMessage().startsWith(property + ":"), e.getMessage());
    }

    @Test
    void defaultsAreValid() {
        new GraphiteSink(config()).deactivate();
        new GraphiteSink(config("protocol", "Pickle", "port", 2004)).deactivate();
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
        assertRejected("batchSize", "batchSize", 0);
        assertRejected("flushInterval", "flushInterval", "-1s");
        assertRejected("bufferMemory", "bufferMemory", "lots");
        assertRejected("bufferMemory", "bufferMemory", "0MB");
        assertRejected("retryInitial", "retryInitial", "x");
        assertRejected("retryMax", "retryMax", "100ms");
        assertRejected("retryFactor", "retryFactor", 0.5);
        assertRejected("retryFactor", "retryFactor", Double.NaN);
    }

    @Test
    void acceptsFiltersByGlobAndRefusesNonFiniteValues() {
        GraphiteSink sink = new GraphiteSink(config("include", new String[] {"system.**", "app.*.requests"},
                "exclude", new String[] {"system.disk.*"}));
        assertTrue(sink.accepts(Sample.gauge("system.cpu.user", 1)));
        assertTrue(sink.accepts(Sample.gauge("app.web.requests", 1)));
        assertFalse(sink.accepts(Sample.gauge("app.web.x.requests", 1)), "* stays within a component");
        assertFalse(sink.accepts(Sample.gauge("system.disk.sda", 1)));
        assertTrue(sink.accepts(Sample.gauge("system.disk.sda.reads", 1)));
        assertFalse(sink.accepts(Sample.gauge("other", 1)));
        assertFalse(sink.accepts(Sample.gauge("system.cpu.user", Double.NaN)));
        assertTrue(sink.skippedNonFinite() == 1);
        sink.deactivate();

        GraphiteSink cfgStyle = new GraphiteSink(config("include", new String[] {"a.*, b.**"}));
        assertTrue(cfgStyle.accepts(Sample.gauge("a.x", 1)));
        assertTrue(cfgStyle.accepts(Sample.gauge("b.x.y", 1)));
        assertFalse(cfgStyle.accepts(Sample.gauge("a.x.y", 1)));
        cfgStyle.deactivate();

        GraphiteSink all = new GraphiteSink(config());
        assertTrue(all.accepts(Sample.gauge("any.thing", 1)));
        assertFalse(all.accepts(Sample.gauge("any.thing", Double.NEGATIVE_INFINITY)));
        all.deactivate();
    }
}
