package lodestar.support.filter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NameFilterTest {

    @Test
    void starStaysWithinAComponentDoubleStarCrosses() {
        assertTrue(NameFilter.glob("sys.*.user").accepts("sys.cpu.user"));
        assertFalse(NameFilter.glob("sys.*.user").accepts("sys.a.b.user"));
        assertTrue(NameFilter.glob("sys.**").accepts("sys.a.b.user"));
        assertFalse(NameFilter.glob("sys.**").accepts("system.a"));
    }

    @Test
    void questionMarkIsOneCharacterButNotADot() {
        assertTrue(NameFilter.glob("sys.cp?").accepts("sys.cpu"));
        assertFalse(NameFilter.glob("sys.cp?").accepts("sys.cp."));
        assertFalse(NameFilter.glob("sys.cp?").accepts("sys.cpuu"));
    }

    @Test
    void everythingElseIsLiteral() {
        assertTrue(NameFilter.glob("a+b(c)[d]$").accepts("a+b(c)[d]$"));
        assertFalse(NameFilter.glob("a.b").accepts("axb"));
        assertTrue(NameFilter.glob("cpu;dc=a,b").accepts("cpu;dc=a,b"), "one glob: a comma is literal");
    }

    @Test
    void includeThenExcludeAndCommaSeparatedEntries() {
        NameFilter f = NameFilter.of(new String[] {"sys.**, app.requests"}, new String[] {"sys.*.idle"});
        assertTrue(f.accepts("sys.cpu.user"));
        assertTrue(f.accepts("app.requests"));
        assertFalse(f.accepts("sys.cpu.idle"));
        assertFalse(f.accepts("app.errors"));
        assertTrue(NameFilter.of(null, new String[] {"x"}).accepts("y"));
        assertTrue(NameFilter.of(new String[0], new String[] {" "}).passesAll());
    }
}
