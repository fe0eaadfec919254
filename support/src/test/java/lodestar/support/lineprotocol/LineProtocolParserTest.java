package lodestar.support.lineprotocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

class LineProtocolParserTest {

    private final LineProtocolParser ms = new LineProtocolParser(TimeUnit.MILLISECONDS);

    private static String line(LineProtocol.MeasurementFrom from, Sample s) {
        Bytes b = new Bytes(16);
        new LineProtocol(from).append(s, b);
        String t = b.toString();
        return t.substring(0, t.length() - 1);
    }

    @Test
    void readsBackWhatTheEncoderWrites() {
        Sample s = new Sample("disk used,/ root", Tags.of("host", "a b", "path", "x=y,z"), 12.5, 1700000000123L, Kind.GAUGE);
        assertEquals(List.of(s), ms.parse(line(LineProtocol.MeasurementFrom.NAME, s)));
        Sample p = new Sample("system.cpu.user", Tags.of("host", "h1"), -3, 1700000000000L, Kind.GAUGE);
        assertEquals(List.of(p), ms.parse(line(LineProtocol.MeasurementFrom.PARENT, p)));
    }

    @Test
    void oneSamplePerNumericFieldAndPrecision() {
        List<Sample> got = new LineProtocolParser(TimeUnit.NANOSECONDS)
                .parse("cpu,host=a user=1.5,sys=2i,idle=3u,name=\"x, y\",up=true 1700000000000000000");
        assertEquals(List.of(new Sample("cpu.user", Tags.of("host", "a"), 1.5, 1700000000000L, Kind.GAUGE),
                new Sample("cpu.sys", Tags.of("host", "a"), 2, 1700000000000L, Kind.GAUGE),
                new Sample("cpu.idle", Tags.of("host", "a"), 3, 1700000000000L, Kind.GAUGE)), got);
    }

    @Test
    void refusesWhatIsNotLineProtocol() {
        for (String bad : new String[] {"", "cpu", "cpu value=", "cpu,host value=1", "cpu value=abc",
                "cpu value=1 12x", "cpu s=\"only a string\"", "cpu value=\"open"}) {
            assertThrows(IllegalArgumentException.class, () -> ms.parse(bad), bad);
        }
    }
}
