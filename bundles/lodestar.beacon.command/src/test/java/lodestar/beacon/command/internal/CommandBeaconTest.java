package lodestar.beacon.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import lodestar.api.CheckResult;
import lodestar.api.CheckStatus;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.testkit.Configs;

/** Real processes through the component, as the core would call it. */
class CommandBeaconTest {

    private final List<CommandBeacon> made = new ArrayList<>();

    @AfterEach
    void deactivate() {
        made.forEach(CommandBeacon::deactivate);
    }

    private CommandBeacon beacon(Object... keyValues) {
        CommandBeacon b = new CommandBeacon(Configs.of(CommandBeacon.Config.class, keyValues));
        made.add(b);
        return b;
    }

    private static Map<String, Sample> collect(CommandBeacon b) {
        Map<String, Sample> m = new LinkedHashMap<>();
        b.collect(s -> m.put(s.name(), s));
        return m;
    }

    @Test
    void exitCodesMapAsNagiosPlugins() {
        int[] codes = {0, 1, 2, 3, 4, 255};
        CheckStatus[] expected = {CheckStatus.OK, CheckStatus.WARNING, CheckStatus.CRITICAL, CheckStatus.UNKNOWN,
                CheckStatus.UNKNOWN, CheckStatus.UNKNOWN};
        for (int i = 0; i < codes.length; i++) {
            CommandBeacon b = beacon("command", new String[] {"exit " + codes[i]}, "shell", true, "name", "code");
            Map<String, Sample> m = collect(b);
            Sample status = m.get("check.code.status");
            assertEquals(Kind.STATUS, status.kind());
            assertEquals(expected[i].code(), status.value(), "exit " + codes[i]);
            assertEquals(expected[i], b.result().status());
            assertEquals(codes[i], b.result().value());
            assertEquals("exit code " + codes[i], b.result().message());
            assertTrue(m.get("check.code.duration_ms").value() >= 0);
        }
    }

    @Test
    void directArgvWithoutShell() {
        CommandBeacon b = beacon("command", new String[] {"sh", "-c", "echo 'CRITICAL - down | rt=12ms;50;100 n=3c'; exit 2"});
        assertEquals("sh", b.check());
        assertNull(b.result(), "no result before the first run");
        Map<String, Sample> m = collect(b);
        assertEquals(2, m.get("check.sh.status").value());
        assertEquals("CRITICAL - down", b.result().message());
        assertEquals(12, m.get("check.sh.perf.rt").value());
        assertEquals(Kind.GAUGE, m.get("check.sh.perf.rt").kind());
        assertEquals(Kind.COUNTER, m.get("check.sh.perf.n").kind());
    }

    @Test
    void noShellMeansNoInterpolation() {
        CommandBeacon b = beacon("command", new String[] {"echo", "$HOME;", "`id`"}, "name", "lit");
        collect(b);
        assertEquals("$HOME; `id`", b.result().message());
    }

    @Test
    void signalIsUnknown() {
        CommandBeacon b = beacon("command", new String[] {"kill -9 $$"}, "shell", true, "name", "sig");
        collect(b);
        assertEquals(CheckStatus.UNKNOWN, b.result().status());
        assertEquals(137, b.result().value());
    }

    @Test
    void timeoutIsCriticalAndKillsTheTree(@TempDir Path dir) throws Exception {
        Path pid = dir.resolve("child.pid");
        CommandBeacon b = beacon("command", new String[] {"sleep 5 & echo $! > '" + pid + "'; sleep 5"}, "shell", true,
                "timeout", "300ms", "name", "slow");
        long t0 = System.nanoTime();
        Map<String, Sample> m = collect(b);
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(took < 2500, "returned after " + took + " ms");
        CheckResult r = b.result();
        assertEquals(CheckStatus.CRITICAL, r.status());
        assertTrue(r.message().startsWith("timed out after 300ms"), r.message());
        assertEquals(2, m.get("check.slow.status").value());
        assertTrue(m.get("check.slow.duration_ms").value() >= 300);
        long child = Long.parseLong(Files.readString(pid).trim());
        assertTrue(waitDead(child), "background child " + child + " survived");
    }

    @Test
    void sleepWithShortTimeout() {
        CommandBeacon b = beacon("command", new String[] {"sleep", "5"}, "timeout", "200ms");
        collect(b);
        assertEquals(CheckStatus.CRITICAL, b.result().status());
        assertEquals("sleep", b.result().check());
    }

    @Test
    void missingProgramIsUnknown() {
        CommandBeacon b = beacon("command", new String[] {"/nonexistent/check_x"});
        Map<String, Sample> m = collect(b);
        assertEquals(CheckStatus.UNKNOWN, b.result().status());
        assertTrue(b.result().message().startsWith("cannot run:"), b.result().message());
        assertEquals(3, m.get("check.check_x.status").value());
    }

    @Test
    void stderrIsTheMessageWhenStdoutIsEmpty() {
        CommandBeacon b = beacon("command", new String[] {"echo no route >&2; exit 1"}, "shell", true, "name", "e");
        collect(b);
        assertEquals("exit code 1: no route", b.result().message());
    }

    @Test
    void sinceTracksTheTimeInTheCurrentStatus(@TempDir Path dir) throws Exception {
        Path code = dir.resolve("code");
        Files.writeString(code, "0");
        CommandBeacon b = beacon("command", new String[] {"exit $(cat '" + code + "')"}, "shell", true, "name", "flap");
        collect(b);
        CheckResult first = b.result();
        Thread.sleep(20);
        collect(b);
        CheckResult second = b.result();
        assertEquals(CheckStatus.OK, second.status());
        assertEquals(first.since(), second.since(), "same status: since is kept");
        assertTrue(second.inStatusFor() >= 20);
        Files.writeString(code, "2");
        collect(b);
        CheckResult third = b.result();
        assertEquals(CheckStatus.CRITICAL, third.status());
        assertEquals(third.timestamp(), third.since(), "a new status starts now");
    }

    @Test
    void largeOutputDoesNotBlockTheChild() {
        CommandBeacon b = beacon("command", new String[] {"head -c 2000000 /dev/zero | tr '\\0' x; echo; echo done >&2"},
                "shell", true, "name", "big", "timeout", "5s");
        collect(b);
        assertEquals(CheckStatus.OK, b.result().status());
    }

    @Test
    void nonZeroCriticalMapsEveryFailureToCritical() {
        int[] codes = {0, 1, 2, 3, 255};
        CheckStatus[] expected = {CheckStatus.OK, CheckStatus.CRITICAL, CheckStatus.CRITICAL, CheckStatus.CRITICAL,
                CheckStatus.CRITICAL};
        for (int i = 0; i < codes.length; i++) {
            CommandBeacon b = beacon("command", new String[] {"exit " + codes[i]}, "shell", true, "name", "code",
                    "exitCodes", "nonzero-critical");
            Map<String, Sample> m = collect(b);
            assertEquals(expected[i].code(), m.get("check.code.status").value(), "exit " + codes[i]);
            assertEquals(expected[i], b.result().status());
            assertEquals(codes[i], b.result().value());
        }
    }

    @Test
    void falseIsCriticalAsInPharosWithADisplayNameOfWords() {
        CommandBeacon b = beacon("command", new String[] {"false"}, "name", "Is True?", "exitCodes", "nonzero-critical");
        Map<String, Sample> m = collect(b);
        assertEquals(CheckStatus.CRITICAL.code(), m.get("check.Is_True.status").value(), m.toString());
        assertTrue(m.containsKey("check.Is_True.duration_ms"));
        assertEquals("Is True?", b.result().check());
        assertEquals(CheckStatus.CRITICAL, b.result().status());
    }

    @Test
    void metricNamesStaySanitized() {
        assertEquals("Is_True", CommandBeacon.metricName("Is True?"));
        assertEquals("disk.root_fs", CommandBeacon.metricName("disk. root fs!"));
        assertEquals("db-1.load", CommandBeacon.metricName("db-1.load"));
        assertEquals("caf", CommandBeacon.metricName("café"));
        assertEquals("", CommandBeacon.metricName("?!"));
    }

    @Test
    void badConfigurationNamesTheProperty() {
        assertStarts("command: must not be empty", () -> beacon());
        assertStarts("command: must not be empty", () -> beacon("command", new String[] {""}));
        assertStarts("timeout:", () -> beacon("command", new String[] {"true"}, "timeout", "0"));
        assertStarts("interval:", () -> beacon("command", new String[] {"true"}, "interval", "often"));
        assertStarts("name:", () -> beacon("command", new String[] {"true"}, "name", "?!"));
        assertStarts("name:", () -> beacon("command", new String[] {"true"}, "name", "a\nb"));
        assertStarts("exitCodes:", () -> beacon("command", new String[] {"true"}, "exitCodes", "pharos"));
        assertStarts("ssh_host:", () -> beacon("command", new String[] {"true"}, "ssh__host", "-oProxyCommand=sh"));
    }

    @Test
    void sshArgvThroughTheComponent() {
        CommandBeacon b = beacon("command", new String[] {"/usr/lib/nagios/plugins/check_disk -w 20%"}, "ssh__host", "web01");
        assertEquals(List.of("ssh", "-o", "BatchMode=yes", "web01", "--", "/usr/lib/nagios/plugins/check_disk", "-w", "20%"),
                b.argv());
        assertEquals("check_disk-web01", b.check());
    }

    private static void assertStarts(String prefix, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().startsWith(prefix), x.getMessage());
    }

    private static boolean waitDead(long pid) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                Thread.sleep(50);
            } else {
                return true;
            }
        }
        return false;
    }
}
