package lodestar.support.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import lodestar.api.ComponentStatus;
import lodestar.api.State;

class ListenerStatusTest {

    private final NetTesting t = new NetTesting();
    private final ListenerHealth health = new ListenerHealth(t.log);

    @Test
    void commonCountersComeFirstInOneOrderThenTheProtocolsOwn() {
        TcpConnections tcp = new TcpConnections(new TcpConnections.Limits(5, 60_000, 1 << 20), t.log);
        ComponentStatus s = new ListenerStatus("graphite-edge", health)
                .counter("lines", 9).port(2003).gauge("held", 4).tcp(tcp).badInput(2).packets(7).samples(6).build();
        assertEquals("listener", s.type());
        assertEquals("graphite-edge", s.name());
        assertEquals(List.of("packets", "samples", "bad_input", "connections", "open_connections", "refused_connections",
                "replaced_connections", "idle_timeouts", "buffer_evictions", "buffered_bytes", "accept_errors", "restarts", "port",
                "lines", "held"), List.copyOf(s.counters().keySet()));
        assertEquals(Set.of("open_connections", "buffered_bytes", "port", "held"), s.gauges());
        assertEquals(7L, s.counters().get("packets"));
        assertEquals(2003L, s.counters().get("port"));
        assertEquals(State.OK, s.state());
        assertEquals("ok", s.detail());
        assertNull(s.lastError());
    }

    @Test
    void inputsThatBrokeAHandlerAreBadInput() {
        health.inputFailed("datagram from x", new IllegalStateException("bug"));
        ComponentStatus s = new ListenerStatus("l", health).badInput(3).build();
        assertEquals(4L, s.counters().get("bad_input"));
        assertEquals(State.OK, s.state(), "an input is not the listener");
    }

    @Test
    void anExceptionQuotingInputIsReportedShortAndEscaped() {
        NumberFormatException huge = new NumberFormatException("For input string: \"\u001b[2J" + "9".repeat(1_000_000) + "\"");
        health.inputFailed("datagram from x", huge);
        String e = health.lastError();
        assertTrue(e.length() < 600, "" + e.length());
        assertTrue(e.startsWith("failed to handle datagram from x: java.lang.NumberFormatException: For input string: \"\\x1b[2J999"), e);
        assertTrue(e.contains("...(" + huge.toString().length() + " characters) at "), e);
        assertTrue(t.logged.stream().allMatch(l -> l.length() < 1200 && !l.contains("\u001b")), t.logged.toString());
    }

    @Test
    void stoppedOverFailedOverDegradedOverOk() {
        Object receiver = new Object();
        assertEquals(State.DEGRADED, new ListenerStatus("l", health).degraded(true, "dropping").build().state());
        assertEquals("dropping", new ListenerStatus("l", health).degraded(true, "dropping").build().detail());
        health.down(receiver, "UDP receiver: socket closed under the receiver");
        ComponentStatus failed = new ListenerStatus("l", health).degraded(true, "dropping").build();
        assertEquals(State.FAILED, failed.state());
        assertEquals("receiver-failed", failed.detail());
        assertEquals("UDP receiver: socket closed under the receiver", failed.lastError());
        ComponentStatus closed = new ListenerStatus("l", health).stopped(true, "closed").build();
        assertEquals(State.STOPPED, closed.state());
        assertEquals("closed", closed.detail());
        health.reopened(receiver);
        ComponentStatus back = new ListenerStatus("l", health).build();
        assertEquals(State.OK, back.state());
        assertEquals(1L, back.counters().get("restarts"));
        assertEquals("UDP receiver: socket closed under the receiver", back.lastError());
    }
}
