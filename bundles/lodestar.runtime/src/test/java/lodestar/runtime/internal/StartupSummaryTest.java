package lodestar.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import lodestar.api.ComponentStatus;
import lodestar.api.State;

class StartupSummaryTest {

    private static ComponentStatus part(String type, String name, Map<String, Long> counters) {
        return new ComponentStatus(type, name, State.OK, counters, null);
    }

    @Test
    void consolePasswordPortsAndTheWayToTheShell() {
        List<String> lines = StartupSummary.lines("http://127.0.0.1:8080/system/console", "/h/data/webconsole.password",
                "127.0.0.1:8080", null, List.of(
                        part("listener", "statsd-default", Map.of("packets", 0L, "port", 8125L)),
                        part("listener", "collectd-lan", Map.of("port", 25826L)),
                        part("sink", "graphite-carbon", Map.of("port", 2003L)),
                        part("listener", "zeromq", Map.of("packets", 1L))));
        assertEquals(List.of(
                "Ready: web console http://127.0.0.1:8080/system/console, user admin, password in /h/data/webconsole.password",
                "Ready: listening on HTTP 127.0.0.1:8080, collectd-lan 25826, statsd-default 8125",
                "Ready: shell: the g! prompt when started on a terminal; for scripts start with ./lodestar -Dosgi.shell.telnet.port=6666,"
                        + " then ./lodestar shell 'lodestar:status'"), lines);
    }

    @Test
    void withTheRemoteShellOnAndTheOperatorsCredentials() {
        List<String> lines = StartupSummary.lines("http://127.0.0.1:9090/system/console", null, "127.0.0.1:9090", "6666",
                List.of());
        assertEquals(List.of(
                "Ready: web console http://127.0.0.1:9090/system/console (credentials configured by the operator)",
                "Ready: listening on HTTP 127.0.0.1:9090, remote shell 127.0.0.1:6666",
                "Ready: shell: the g! prompt when started on a terminal; from elsewhere ./lodestar shell 'lodestar:status'"
                        + " (or telnet 127.0.0.1 6666)"), lines);
    }
}
