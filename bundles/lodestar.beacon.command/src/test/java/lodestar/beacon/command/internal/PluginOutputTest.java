package lodestar.beacon.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import lodestar.beacon.command.internal.PluginOutput.Perf;

/** The first line of a Nagios plugin: message and performance data. */
class PluginOutputTest {

    @Test
    void messageOnly() {
        PluginOutput o = PluginOutput.parse("DISK OK - free space: / 3326 MB (56%);\nsecond line\n");
        assertEquals("DISK OK - free space: / 3326 MB (56%);", o.message());
        assertTrue(o.perf().isEmpty());
    }

    @Test
    void emptyOutput() {
        assertEquals("", PluginOutput.parse("").message());
        assertEquals("", PluginOutput.parse(null).message());
    }

    @Test
    void perfDataItems() {
        PluginOutput o = PluginOutput.parse(
                "OK - load average: 0.10 | load1=0.100;5.000;10.000;0; load5=0.2;;;; 'disk used'=80%;90;95 time=0.01s c=17c\n");
        assertEquals("OK - load average: 0.10", o.message());
        assertEquals(List.of(new Perf("load1", 0.1, ""), new Perf("load5", 0.2, ""), new Perf("disk used", 80, "%"),
                new Perf("time", 0.01, "s"), new Perf("c", 17, "c")), o.perf());
        assertTrue(o.perf().get(4).counter());
    }

    @Test
    void quotedLabelWithAQuoteAndBadItemsSkipped() {
        List<Perf> p = PluginOutput.perf(" 'it''s'=1MB garbage =5 x=U y=abc z=-2.5 ");
        assertEquals(List.of(new Perf("it's", 1, "MB"), new Perf("z", -2.5, "")), p);
    }
}
