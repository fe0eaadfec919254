package lodestar.listener.kafka.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

class RecordDecoderTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void autoTellsJsonFromLineProtocol() {
        RecordDecoder d = new RecordDecoder("auto", "ns", 1024);
        List<Sample> out = new ArrayList<>();
        d.decode(b("{\"name\":\"a\",\"value\":1,\"timestamp\":5,\"kind\":\"delta\"}"), out);
        d.decode(b("cpu,host=h user=2 1700000000000000000\n# comment\ncpu,host=h sys=3 1700000000000000000\n"), out);
        assertEquals(List.of(new Sample("a", Tags.EMPTY, 1, 5, Kind.DELTA),
                new Sample("cpu.user", Tags.of("host", "h"), 2, 1700000000000L, Kind.GAUGE),
                new Sample("cpu.sys", Tags.of("host", "h"), 3, 1700000000000L, Kind.GAUGE)), out);
    }

    @Test
    void aBadRecordAddsNothing() {
        RecordDecoder d = new RecordDecoder("line", "ms", 64);
        List<Sample> out = new ArrayList<>();
        assertThrows(IllegalArgumentException.class, () -> d.decode(b("a value=1 1\nb value=x 2"), out));
        assertThrows(IllegalArgumentException.class, () -> d.decode(null, out));
        assertThrows(IllegalArgumentException.class, () -> d.decode(new byte[] {(byte) 0xff, 'a'}, out));
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> d.decode(new byte[65], out));
        assertTrue(big.getMessage().contains("maxRecordSize"));
        assertTrue(out.isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new RecordDecoder("avro", "ms", 64));
        assertThrows(IllegalArgumentException.class, () -> new RecordDecoder("auto", "min", 64));
    }
}
