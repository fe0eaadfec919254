package lodestar.web.graphite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Graphite's per-component globs, matched without regular expressions. */
class PathGlobTest {

    static boolean m(String glob, String value) {
        return ComponentGlob.compile(glob, glob).matches(value);
    }

    @Test
    void wildcardsAsFnmatch() {
        assertTrue(m("*", ""));
        assertTrue(m("*", "anything-at_all"));
        assertTrue(m("web*", "web12"));
        assertFalse(m("web*", "db1"));
        assertTrue(m("*1", "web1"));
        assertTrue(m("w*b*1", "wxxbyy1"));
        assertFalse(m("w*b*1", "wxxbyy2"));
        assertTrue(m("web?", "web1"));
        assertFalse(m("web?", "web12"));
        assertTrue(m("cpu-[0-7]", "cpu-3"));
        assertFalse(m("cpu-[0-7]", "cpu-8"));
        assertTrue(m("[!a]b", "xb"));
        assertFalse(m("[!a]b", "ab"));
        assertTrue(m("[abc_-]x", "-x"));
        assertTrue(m("a.b", "a.b"), "a dot inside a component (a tagged name's tail) is literal");
    }

    @Test
    void bracesExpandAndNest() {
        assertTrue(m("{web,db}1", "db1"));
        assertFalse(m("{web,db}1", "app1"));
        assertTrue(m("{web{1,2},db*}", "web2"));
        assertTrue(m("{web{1,2},db*}", "db77"));
        assertFalse(m("{web{1,2},db*}", "web3"));
        assertTrue(m("x{,y}", "x"), "an empty alternative");
        assertTrue(m("{a,b}{c,d}", "bd"));
        BadRequest many = assertThrows(BadRequest.class, () -> m("{0,1,2,3}{0,1,2,3}{0,1,2,3}{0,1,2,3}{0,1}", "0"));
        assertTrue(many.getMessage().contains("more than 256"), many.getMessage());
        assertThrows(BadRequest.class, () -> m("{a,b", "a"));
        assertThrows(BadRequest.class, () -> m("a}", "a"));
        assertThrows(BadRequest.class, () -> m("[ab", "a"));
    }

    @Test
    void manyStarsAgainstALongNameStillAnswer() {
        // a regex engine backtracks exponentially here; the wildcard walk is length x glob steps
        String glob = "*a".repeat(40) + "*b";
        assertFalse(m(glob, "a".repeat(2000)));
        assertTrue(m(glob, "a".repeat(2000) + "b"));
    }

    @Test
    void pathsSplitAtDotsOutsideBracesAndTagsStayWithTheLastNode() {
        assertEquals(List.of("a", "{b.c,d}", "e"), PathGlob.split("a.{b.c,d}.e"));
        assertEquals(List.of("cpu", "user;host=a.b"), PathGlob.nodes("cpu.user;host=a.b"));
        PathGlob g = PathGlob.compile("servers.{web,db}*.cpu");
        assertTrue(g.matchesAll(List.of("servers", "web1", "cpu")));
        assertFalse(g.matchesAll(List.of("servers", "web1", "mem")));
        assertFalse(g.matchesAll(List.of("servers", "web1")));
        assertEquals("servers.*.cpu", g.storeGlob());
        assertEquals("servers.web?.cpu", PathGlob.compile("servers.web?.cpu").storeGlob());
    }
}
