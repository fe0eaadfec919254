package lodestar.support.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

class SampleJsonTest {

    private static String json(Sample s) {
        return SampleJson.append(new StringBuilder(), s).toString();
    }

    @Test
    void writesTheDocumentedShape() {
        assertEquals("{\"name\":\"system.cpu.user\",\"tags\":{\"host\":\"a\"},\"value\":12.5,\"timestamp\":1700000000000,"
                + "\"kind\":\"counter\"}", json(new Sample("system.cpu.user", Tags.of("host", "a"), 12.5,
                        1700000000000L, Kind.COUNTER)));
    }

    @Test
    void roundTripsKindsOddTextAndNonFiniteValues() {
        for (Sample s : new Sample[] {
            new Sample("a\"b\\c\n", Tags.of("k\u00e9", "v \ud83d\ude00", "level", "info"), 1e300, 1L, Kind.DELTA),
            new Sample("n", Tags.EMPTY, Double.NaN, 5L, Kind.GAUGE),
            new Sample("n", Tags.EMPTY, Double.NEGATIVE_INFINITY, 5L, Kind.RATE),
            new Sample("n", Tags.EMPTY, 42, 1700000000000L, Kind.STATUS)}) {
            assertEquals(s, SampleJson.parse(json(s)));
        }
    }

    @Test
    void refusesWhatIsNotASample() {
        for (String bad : new String[] {"", "[]", "{}", "{\"name\":\"\",\"value\":1}", "{\"name\":\"a\"}",
                "{\"name\":\"a\",\"value\":\"1\"}", "{\"name\":\"a\",\"value\":1,\"kind\":\"x\"}",
                "{\"name\":\"a\",\"value\":1,\"tags\":{\"k\":1}}", "{\"name\":\"a\",\"value\":1,\"timestamp\":1.5}"}) {
            assertThrows(IllegalArgumentException.class, () -> SampleJson.parse(bad), bad);
        }
    }
}
