package lodestar.sink.graphite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

import lodestar.api.Tags;

class GraphiteNamesTest {

    private final GraphiteNames plain = new GraphiteNames("", false);

    @Test
    void cleanNamesPassUnchanged() {
        assertEquals("servers.web1.cpu.user", plain.path("servers.web1.cpu.user", Tags.EMPTY));
        assertEquals("a-b_c:d@e+f%g", plain.path("a-b_c:d@e+f%g", Tags.EMPTY));
    }

    @Test
    void whitespaceSlashesAndTagCharactersBecomeUnderscores() {
        assertEquals("disk._var_log.used_bytes", plain.path("disk./var/log.used bytes", Tags.EMPTY));
        assertEquals("a_b.c_d.e_f", plain.path("a\\b.c;d.e=f", Tags.EMPTY));
        assertEquals("tab_nl_cr_nbsp_em_x", plain.path("tab\tnl\ncr\rnbsp\u00a0em\u2003x", Tags.EMPTY));
        assertEquals("c1_del_", plain.path("c1\u0085del\u007f", Tags.EMPTY));
    }

    @Test
    void emptyComponentsCollapseAndLeadingTildeGoes() {
        assertEquals("a.b.c", plain.path("..a...b.c.", Tags.EMPTY));
        assertEquals("x.y", plain.path("~~x.y", Tags.EMPTY));
        assertEquals("x.~y", plain.path("x.~y", Tags.EMPTY));
        assertNull(plain.path("...", Tags.EMPTY));
        assertNull(plain.path("~", Tags.EMPTY));
    }

    @Test
    void nonAsciiIsKeptAsUtf8() {
        assertEquals("température.café.日本.\uD83D\uDE00", plain.path("température.café.日本.\uD83D\uDE00", Tags.EMPTY));
        assertEquals("lone_surrogate", plain.path("lone\uD800surrogate", Tags.EMPTY));
    }

    @Test
    void prefixIsSanitizedAndJoinedWithOneDot() {
        GraphiteNames p = new GraphiteNames("lodestar.web 1.", false);
        assertEquals("lodestar.web_1.cpu", p.path("cpu", Tags.EMPTY));
        assertEquals("lodestar.web_1.cpu", p.path(".cpu", Tags.EMPTY));
        assertNull(p.path("..", Tags.EMPTY), "the prefix alone is not a name");
    }

    @Test
    void tagsGraphite11Style() {
        assertEquals("cpu.user;dc=eu-west;host=web1.example",
                plain.path("cpu.user", Tags.of("host", "web1.example", "dc", "eu-west")));
        assertEquals("m;a_b_c_d=x=y!^;k=_tilde~", plain.path("m", Tags.of("a;b!c^d", "x=y!^", "k", "~tilde~")));
        assertEquals("m;k=a_b_c_d", plain.path("m", Tags.of("k", "a b/c;d")));
        assertEquals("m;z=1", plain.path("m", Tags.of("empty", "", "z", "1")), "empty values are left out");
        assertEquals("m;_name=x", plain.path("m", Tags.of("name", "x")), "Carbon reserves 'name'");
        assertEquals("a_b;k=v", plain.path("a;b", Tags.of("k", "v")), "';' in the name is not a tag");
    }

    @Test
    void tagsAsPathInKeyOrder() {
        GraphiteNames p = new GraphiteNames("pfx", true);
        assertEquals("pfx.cpu.user.eu-west.web1_example",
                p.path("cpu.user", Tags.of("host", "web1.example", "dc", "eu-west")));
        assertEquals("pfx.m.x_y.z", p.path("m", Tags.of("a", "x y", "b", "", "c", "z")));
    }

    @Test
    void overlongPathsAreRefused() {
        String longName = "a".repeat(GraphiteNames.MAX_PATH_BYTES + 1);
        assertNull(plain.path(longName, Tags.EMPTY));
        assertEquals(GraphiteNames.MAX_PATH_BYTES, plain.path(longName.substring(1), Tags.EMPTY).length());
        ByteBuf b = new ByteBuf(16);
        b.put('x');
        plain.append(b, longName, Tags.EMPTY);
        assertEquals("x", b.toString(), "a refused name leaves the buffer as it was");
    }
}
