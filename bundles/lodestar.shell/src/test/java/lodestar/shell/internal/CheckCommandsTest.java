package lodestar.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import lodestar.api.Check;
import lodestar.api.CheckResult;
import lodestar.api.CheckStatus;

class CheckCommandsTest {

    private static final long NOW = Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();

    private final Map<Check, String> checks = new LinkedHashMap<>();
    private final CheckCommands commands = new CheckCommands(() -> checks,
            Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

    private static Check fixed(CheckResult r) {
        return () -> r;
    }

    @Test
    void oneAlignedLinePerCheckSortedByName() {
        checks.put(fixed(new CheckResult("shop", CheckStatus.CRITICAL, "connection to 10.0.0.5:443 refused",
                Double.NaN, NOW - 10_000, NOW - 185_000)), "lodestar.beacon.http~shop");
        checks.put(fixed(new CheckResult("api", CheckStatus.OK, "200 OK in 12ms, 1234 bytes", 12.25,
                NOW - 2_000, NOW - 2 * 3_600_000L)), "lodestar.beacon.http~api");
        checks.put(fixed(new CheckResult("disk", CheckStatus.WARNING, "exit 1:\nDISK WARNING - 91% used", 1,
                NOW, NOW - 5_000)), "disk");
        checks.put(fixed(null), "lodestar.beacon.http~new");
        assertEquals(String.join("\n",
                "CHECK                     STATUS     FOR  VALUE  MESSAGE",
                "api                       OK        2h0m  12.25  200 OK in 12ms, 1234 bytes",
                "disk                      WARNING     5s      1  exit 1: DISK WARNING - 91% used",
                "lodestar.beacon.http~new  PENDING      -      -  not run yet",
                "shop                      CRITICAL  3m5s      -  connection to 10.0.0.5:443 refused",
                ""), commands.checks());
    }

    @Test
    void noChecks() {
        assertEquals("no checks are running\n", commands.checks());
    }

    @Test
    void aCheckThatThrowsIsShownNotFatal() {
        checks.put(() -> {
            throw new IllegalStateException("broken\nbadly");
        }, "odd");
        assertEquals(String.join("\n",
                "CHECK  STATUS   FOR  VALUE  MESSAGE",
                "odd    UNKNOWN    -      -  error: result() failed: broken badly",
                ""), commands.checks());
    }

    @Test
    void nameFromServiceProperties() {
        assertEquals("shop", LodestarCommands.checkName(Map.of("name", "shop", "service.pid", "x~y")));
        assertEquals("x~y", LodestarCommands.checkName(Map.of("name", " ", "service.pid", "x~y")));
        assertEquals("c", LodestarCommands.checkName(Map.of("component.name", "c")));
        assertEquals("check", LodestarCommands.checkName(Map.of()));
    }
}
