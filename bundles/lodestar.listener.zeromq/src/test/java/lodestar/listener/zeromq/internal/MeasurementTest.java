package lodestar.listener.zeromq.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class MeasurementTest {

    private static Measurement parse(String s) throws Measurement.Malformed {
        return Measurement.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void zibratosSixFields() throws Exception {
        Measurement m = parse("info|Timer|checkout|0.012345|1764930000|shop");
        assertEquals(new Measurement("info", Measurement.Type.TIMER, "checkout", 0.012345, 1764930000L, "shop"), m);
    }

    @Test
    void olderPublishersFourFieldsGetTheDefaultSource() throws Exception {
        Measurement m = parse("warning|Counter|orders|1");
        assertEquals("not_specified", m.source());
        assertEquals(-1, m.timestampSeconds());
        assertEquals(1.0, m.value());
    }

    @Test
    void typesMatchLooselyAsZibratosWorkers() throws Exception {
        assertEquals(Measurement.Type.COUNTER, parse("info|counters|a|1").type());
        assertEquals(Measurement.Type.GAUGE, parse("info|gauges|a|1").type());
        assertEquals(Measurement.Type.TIMER, parse("info|timer|a|1").type());
        assertEquals(Measurement.Type.GAUGE, parse("info|Gauge|a|-2.5e3").type());
    }

    @Test
    void malformedMessagesAreRefusedWithAReason() {
        String[] bad = {"", "info", "info|Counter|a", "info|Counter|a|1|2|3|4", "info|Meter|a|1", "info|Counter|a|NaN",
            "info|Counter|a|Infinity", "info|Counter|a|0x10", "info|Counter|a|1d", "info|Counter||1", "|Counter|a|1",
            "info|Counter|a b|1", "info|Counter|a|1|now", "info|Timer|a|-1", "info|Counter|a|1|1|so urce",
            "info|Counter|a;b=c|1", "info|Counter|a|1e", "info|Counter|a|.", "info|Counter|a|1e999"};
        for (String b : bad) {
            assertThrows(Measurement.Malformed.class, () -> parse(b), b);
        }
        byte[] invalidUtf8 = {'i', '|', 'C', 'o', 'u', 'n', 't', 'e', 'r', '|', (byte) 0xff, '|', '1'};
        assertThrows(Measurement.Malformed.class, () -> Measurement.parse(invalidUtf8));
    }
}
