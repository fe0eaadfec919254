package lodestar.listener.graphite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

class LineParserTest {

    private static final long NOW = 1_800_000_000_123L;

    private static Sample parse(String line) throws BadInput {
        return LineParser.parse(line, NOW);
    }

    @Test
    void plainLine() throws BadInput {
        assertEquals(new Sample("servers.web1.load", Tags.EMPTY, 0.75, 1_700_000_000_000L, Kind.GAUGE),
                parse("servers.web1.load 0.75 1700000000"));
    }

    @Test
    void fractionalTimestampAndWhitespace() throws BadInput {
        Sample s = parse("  a.b\t-3e2   1700000000.5  ");
        assertEquals(-300.0, s.value());
        assertEquals(1_700_000_000_500L, s.timestamp());
    }

    @Test
    void withoutTimestampOrMinusOneIsNow() throws BadInput {
        assertEquals(NOW, parse("a 1").timestamp());
        assertEquals(NOW, parse("a 1 -1").timestamp());
    }

    @Test
    void taggedPath() throws BadInput {
        Sample s = parse("disk.used;host=web1;dc=eu-west 42 1700000000");
        assertEquals("disk.used", s.name());
        assertEquals(Tags.of("dc", "eu-west", "host", "web1"), s.tags());
    }

    @Test
    void blankIsSkipped() throws BadInput {
        assertNull(parse("   "));
    }

    @Test
    void badLines() {
        for (String bad : new String[] {"a", "a 1 2 3", "a nan 1", "a NaN 1", "a inf 1", "a 0x10 1", "a 1f 1",
                "a 1e400 1", "a 1 -5", "a 1 soon", "a;k 1 1", "a;=v 1 1", "a;k= 1 1", "a;k=~v 1 1", "a;k!=v 1 1",
                ";k=v 1 1", "a 1 1e20"}) {
            assertThrows(BadInput.class, () -> parse(bad), bad);
        }
    }
}
