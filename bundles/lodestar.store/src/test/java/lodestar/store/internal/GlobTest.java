package lodestar.store.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GlobTest {

    private static boolean m(String glob, String name) {
        return Glob.compile(glob).matches(name, name);
    }

    @Test
    void starStaysWithinOneComponent() {
        assertTrue(m("cpu.*", "cpu.user"));
        assertFalse(m("cpu.*", "cpu.core0.user"));
        assertTrue(m("cpu.*.user", "cpu.core0.user"));
        assertTrue(m("*.user", "cpu.user"));
        assertFalse(m("*.user", "a.cpu.user"));
        assertTrue(m("cpu.c*e0.user", "cpu.core0.user"));
        assertTrue(m("cpu.*", "cpu."));
    }

    @Test
    void doubleStarCrossesComponents() {
        assertTrue(m("cpu.**", "cpu.core0.user"));
        assertTrue(m("cpu.**", "cpu.user"));
        assertTrue(m("**.user", "a.b.c.user"));
        assertTrue(m("**", "anything.at.all"));
        assertFalse(m("cpu.**", "mem.used"));
        assertFalse(m("cpu.**", "cpu"));
    }

    @Test
    void questionMarkIsOneCharacter() {
        assertTrue(m("disk.sd?.read", "disk.sda.read"));
        assertFalse(m("disk.sd?.read", "disk.sdaa.read"));
        assertFalse(m("disk.sd?.read", "disk.sd.read"));
        assertFalse(m("a?b", "a.b"));
    }

    @Test
    void nullOrEmptyMatchesAllAndOtherCharactersAreLiteral() {
        assertTrue(m(null, "x.y"));
        assertTrue(m("", "x.y"));
        assertTrue(m("  ", "x.y"));
        assertFalse(m("cpu.user", "cpuXuser"));
        assertTrue(m("a+b(c)[d]$", "a+b(c)[d]$"));
        assertTrue(m("cpu.user", "cpu.user"));
        assertFalse(m("cpu.user", "cpu.user2"));
    }

    @Test
    void aGlobWithSemicolonMatchesTheWholeKey() {
        Glob g = Glob.compile("cpu.user;host=a*");
        assertTrue(g.matches("cpu.user", "cpu.user;host=alpha"));
        assertFalse(g.matches("cpu.user", "cpu.user;host=beta"));
        assertTrue(Glob.compile("cpu.user").matches("cpu.user", "cpu.user;host=beta"));
    }
}
