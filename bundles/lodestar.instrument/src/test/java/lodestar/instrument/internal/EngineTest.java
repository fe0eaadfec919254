package lodestar.instrument.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EngineTest {

    @Test
    void namesAreCleanedForTheWire() {
        assertEquals("a_b_c_d", Engine.clean("a|b c\nd", "x"));
        assertEquals("orders.total", Engine.clean("orders.total", "x"));
        assertEquals("not_specified", Engine.clean(null, "not_specified"));
        assertEquals("x", Engine.clean("", "x"));
        assertEquals(255, Engine.clean("n".repeat(1000), "x").length());
        assertEquals("k_v_t_1", Engine.clean("k:v#t,1", "x"));
    }
}
