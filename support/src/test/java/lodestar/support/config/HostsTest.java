package lodestar.support.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class HostsTest {

    @Test
    void theShortNameIsTheNameUpToItsFirstDot() {
        assertEquals("web-1", Hosts.shorten("web-1.dc1.example.com"));
        assertEquals("web-1", Hosts.shorten("web-1"));
        assertEquals(".hidden", Hosts.shorten(".hidden"), "a leading dot is not a domain");
        assertEquals("localhost", Hosts.shorten(null));
        assertEquals("localhost", Hosts.shorten(" "));
    }

    @Test
    void thisMachineHasAShortName() {
        String h = Hosts.shortName();
        assertFalse(h.isBlank());
        assertFalse(h.indexOf('.') > 0, h);
    }
}
