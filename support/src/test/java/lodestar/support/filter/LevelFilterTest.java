package lodestar.support.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

class LevelFilterTest {

    private static Sample at(String level) {
        return Sample.of("app.requests", level == null ? Tags.of("host", "a") : Tags.of("host", "a", "level", level), 1, 0, Kind.GAUGE);
    }

    @Test
    void onlyListedLevelsPassAndSamplesWithoutALevelAlwaysDo() {
        LevelFilter f = LevelFilter.of("critical, error");
        assertTrue(f.accepts(at("critical")));
        assertTrue(f.accepts(at("ERROR")), "case-insensitive");
        assertFalse(f.accepts(at("debug")));
        assertFalse(f.accepts(at("")));
        assertTrue(f.accepts(at(null)), "no level tag: levels do not apply");
        assertEquals(Set.of("critical", "error"), f.levels());
        assertFalse(f.passesAll());
    }

    @Test
    void nothingListedPassesEverything() {
        assertSame(LevelFilter.ALL, LevelFilter.of());
        assertSame(LevelFilter.ALL, LevelFilter.of((String[]) null));
        assertSame(LevelFilter.ALL, LevelFilter.of(" ", ",", null));
        assertTrue(LevelFilter.ALL.accepts(at("debug")));
        assertTrue(LevelFilter.ALL.passesAll());
    }
}
