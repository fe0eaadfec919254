package lodestar.beacon.script.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import lodestar.api.ComponentStatus;
import lodestar.api.State;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.testkit.Configs;

/** Real scripts (sh, python3) written into a temp folder and run through the component. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class ScriptBeaconTest {

    @TempDir
    Path home;

    private final List<ScriptBeacon> made = new ArrayList<>();
    private final List<Sample> out = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void deactivate() {
        made.forEach(ScriptBeacon::deactivate);
    }

    private ScriptBeacon beacon(Object... keyValues) {
        ScriptBeacon b = new ScriptBeacon(Configs.of(ScriptBeacon.Config.class, keyValues), home);
        made.add(b);
        return b;
    }

    private Path scripts() throws IOException {
        return Files.createDirectories(home.resolve("scripts"));
    }

    private static Path script(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private Map<String, Sample> byName() {
        synchronized (out) {
            return out.stream().collect(Collectors.toMap(Sample::seriesKey, s -> s, (a, b) -> b));
        }
    }

    @Test
    void runsEveryScriptAndCountsWhatHappened() throws Exception {
        Path dir = scripts();
        Path pidFile = home.resolve("child.pid");
        script(dir, "good.sh", "#!/bin/sh\necho 'good.graphite 1.5'\necho 'good.puypuy 7 disk stack'\n");
        script(dir, "good.py", "#!" + python3() + "\nprint('# format: influx')\n"
                + "print('py,host=h\\\\ 1 used=3i,free=0.5,note=\"x y\"')\n");
        script(dir, "mixed.sh", "#!/bin/sh\necho 'mixed.a 1'\necho 'this is some garbage'\necho 'mixed.b 2'\n"
                + "echo 'mixed.c not-a-number'\necho 'warning from mixed' >&2\necho 'mixed.d 4'\n");
        script(dir, "slow.sh", "#!/bin/sh\necho 'slow.before 1'\nsleep 30 &\necho $! > '" + pidFile + "'\nsleep 30\n");
        script(dir, "fails.sh", "#!/bin/sh\necho 'fails.partial 9'\necho 'something broke' >&2\nexit 3\n");
        // no #!: the JDK runs it with /bin/sh, as execvp does
        script(dir, "noshebang", "echo 'x 1'\n");
        script(dir, "badinterpreter", "#!/nonexistent/interpreter\necho 'y 1'\n");
        Files.writeString(dir.resolve("not-executable.sh"), "#!/bin/sh\necho 'nope 1'\n");
        script(dir, ".hidden.sh", "#!/bin/sh\necho 'hidden 1'\n");
        script(dir, "backup.sh~", "#!/bin/sh\necho 'backup 1'\n");

        ScriptBeacon b = beacon("timeout", "1500ms");
        long t0 = System.nanoTime();
        b.collect(out::add);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 4_000, "collect took " + ms + " ms");

        Map<String, Sample> m = byName();
        assertEquals(1.5, m.get("good.graphite").value());
        assertEquals(Kind.GAUGE, m.get("good.puypuy;check_type=disk").kind());
        assertEquals(3, m.get("py.used;host=h 1").value(), "escaped space in a tag value");
        assertEquals(0.5, m.get("py.free;host=h 1").value());
        assertEquals(1, m.get("mixed.a").value());
        assertEquals(2, m.get("mixed.b").value());
        assertEquals(4, m.get("mixed.d").value(), "good lines after bad ones still count");
        assertEquals(9, m.get("fails.partial").value(), "lines of a failing script are taken");
        assertTrue(m.containsKey("slow.before"), "lines printed before the timeout are taken");
        assertEquals(1, m.get("x").value());
        for (String never : new String[] {"nope", "hidden", "backup", "y"}) {
            assertFalse(m.containsKey(never), never);
        }

        assertStats(b, "good.sh", 1, 2, 0, 0, 0);
        assertStats(b, "good.py", 1, 1, 0, 0, 0);
        assertStats(b, "mixed.sh", 1, 5, 2, 0, 0);
        assertStats(b, "slow.sh", 1, 1, 0, 1, 0);
        assertStats(b, "fails.sh", 1, 1, 0, 0, 1);
        assertStats(b, "noshebang", 1, 1, 0, 0, 0);
        assertStats(b, "badinterpreter", 1, 0, 0, 0, 1);

        long child = Long.parseLong(Files.readString(pidFile).trim());
        assertTrue(dead(child), "the timed-out script's child " + child + " was killed");

        ComponentStatus st = b.status();
        assertEquals("script", st.type());
        assertEquals(dir.toString(), st.name());
        assertEquals(State.FAILED, st.state());
        assertEquals("failing", st.detail());
        assertEquals(7L, st.counters().get("scripts"));
        assertEquals(7L, st.counters().get("runs"));
        assertEquals(2L, st.counters().get("bad_lines"));
        assertEquals(1L, st.counters().get("timeouts"));
        assertEquals(2L, st.counters().get("failures"));
        assertEquals(1L, st.counters().get("mixed.sh.runs"));
    }

    /** The interpreter itself where it is known: a version manager's shim can take most of a second to start. */
    private static String python3() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "/usr/bin/env python3";
    }

    private static void assertStats(ScriptBeacon b, String script, long runs, long lines, long bad, long timeouts, long failures) {
        ScriptStats s = b.stats(script);
        assertEquals(List.of(runs, lines, bad, timeouts, failures),
                java.util.Arrays.stream(s.values()).boxed().toList(), script + " runs, lines, bad_lines, timeouts, failures");
    }

    @Test
    void aBackgroundProcessHoldingStdoutAfterExitDoesNotHangTheRun() throws Exception {
        Path pidFile = home.resolve("bg.pid");
        script(scripts(), "leaves.sh", "#!/bin/sh\necho 'left.a 1'\nsleep 20 &\necho $! > '" + pidFile + "'\n");
        ScriptBeacon b = beacon("timeout", "500ms");
        try {
            // JDK 17 closes a process's stdout when the process exits (so the run simply ends); newer JDKs keep
            // the pipe open while the background process holds it, and the deadline then ends the run
            Exception thrown = null;
            try {
                b.collect(out::add);
            } catch (Exception e) {
                thrown = e;
            }
            assertEquals(1, byName().get("left.a").value(), "the line printed before exiting is taken either way");
            if (thrown == null) {
                assertStats(b, "leaves.sh", 1, 1, 0, 0, 0);
            } else {
                assertTrue(thrown.getMessage().contains("kept its output open"), thrown.getMessage());
                assertStats(b, "leaves.sh", 1, 1, 0, 1, 0);
            }
        } finally {
            ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void namesAreNotInterpreted() throws Exception {
        Path dir = scripts();
        // run through a shell in the scripts folder, this name would create the files 'pwned' and 'pwned2' there
        script(dir, "odd name;touch pwned;$(touch pwned2).sh", "#!/bin/sh\necho \"odd 1\"\n");
        ScriptBeacon b = beacon();
        b.collect(out::add);
        assertEquals(1, byName().get("odd").value());
        assertFalse(Files.exists(dir.resolve("pwned")));
        assertFalse(Files.exists(dir.resolve("pwned2")));
    }

    @Test
    void puypuyRateAcrossRunsWithARealScript() throws Exception {
        Path dir = scripts();
        Path counter = home.resolve("counter");
        Files.writeString(counter, "0");
        script(dir, "count.sh", "#!/bin/sh\nn=$(cat '" + counter + "')\nn=$((n + 100))\necho $n > '" + counter + "'\n"
                + "echo \"req.total $n web rate\"\n");
        ScriptBeacon b = beacon("prefix", "p");
        b.collect(out::add);
        assertTrue(out.isEmpty(), "first sample: no rate yet");
        Thread.sleep(200);
        b.collect(out::add);
        Sample s = byName().get("p.req.total;check_type=web");
        assertEquals(Kind.RATE, s.kind());
        assertTrue(s.value() > 50 && s.value() < 600, "about 100 per 0.2 s, got " + s.value());
        Files.writeString(counter, "-1000");
        out.clear();
        b.collect(out::add);
        assertTrue(out.isEmpty(), "a reset emits nothing");
    }

    @Test
    void everyScriptFailingFailsTheRun() throws Exception {
        script(scripts(), "bad.sh", "#!/bin/sh\nexit 1\n");
        ScriptBeacon b = beacon();
        Exception e = assertThrows(Exception.class, () -> b.collect(out::add));
        assertTrue(e.getMessage().contains("every script"), e.getMessage());
        assertEquals("script bad.sh: exited with code 1 (0 samples taken)", b.status().lastError());
    }

    @Test
    void onlyFilesMatchingThePatternRunAsPuyPuysCheckFiles() throws Exception {
        Path dir = scripts();
        script(dir, "check_mysql.py", "#!/bin/sh\necho 'mysql.connections 3 mysql stack'\n");
        script(dir, "check_disk", "#!/bin/sh\necho 'disk.used 40 disk stack'\n");
        script(dir, "helper.sh", "#!/bin/sh\necho 'helper.ran 1'\n");
        script(dir, "lib_check_x", "#!/bin/sh\necho 'lib.ran 1'\n");
        ScriptBeacon b = beacon("pattern", "check_*", "format", "auto");
        b.collect(out::add);
        Map<String, Sample> m = byName();
        assertEquals(3, m.get("mysql.connections;check_type=mysql").value(), m.toString());
        assertEquals(40, m.get("disk.used;check_type=disk").value());
        assertFalse(m.containsKey("helper.ran"));
        assertFalse(m.containsKey("lib.ran"));
        assertEquals(2, m.size(), m.toString());
    }

    @Test
    void aBadPatternNamesTheProperty() throws Exception {
        scripts();
        for (String bad : new String[] {"", "../*", "check_{a"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> beacon("pattern", bad));
            assertTrue(e.getMessage().startsWith("pattern:"), e.getMessage());
        }
    }

    @Test
    void anEmptyFolderIsIdle() throws Exception {
        scripts();
        ScriptBeacon b = beacon();
        b.collect(out::add);
        assertTrue(out.isEmpty());
        assertEquals(State.STOPPED, b.status().state());
        assertEquals("idle", b.status().detail());
    }

    @Test
    void folderIsResolvedAgainstTheHomeOrTakenAbsolute() throws Exception {
        Path other = Files.createDirectories(home.resolve("x/checks"));
        assertEquals(other, beacon("folder", "x/checks").folder());
        assertEquals(other, beacon("folder", other.toString()).folder());
        assertEquals(home.toAbsolutePath().normalize(), ScriptBeacon.home(home.toString()));
        assertEquals(Path.of(".").toAbsolutePath().normalize(), ScriptBeacon.home(null));
    }

    @Test
    void badConfigurationNamesTheProperty() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> beacon("folder", "/no/such/folder"));
        assertEquals("folder: /no/such/folder does not exist", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> beacon()); // default scripts/ not created
        assertTrue(e.getMessage().startsWith("folder: ") && e.getMessage().endsWith("scripts does not exist"), e.getMessage());
        Files.writeString(home.resolve("file"), "");
        assertStarts("folder:", () -> beacon("folder", "file"));
        assertStarts("folder:", () -> beacon("folder", " "));
        scripts();
        assertStarts("timeout:", () -> beacon("timeout", "0s"));
        assertStarts("interval:", () -> beacon("interval", "x"));
        assertStarts("format:", () -> beacon("format", "json"));
        assertStarts("prefix:", () -> beacon("prefix", "a..b"));
        assertStarts("parallel:", () -> beacon("parallel", 0));
        assertStarts("parallel:", () -> beacon("parallel", 65));
    }

    @Test
    void aBareTagFreeLineKeepsNoTags() throws Exception {
        script(scripts(), "t.sh", "#!/bin/sh\necho 'a.b 1'\n");
        beacon().collect(out::add);
        assertEquals(Tags.EMPTY, out.get(0).tags());
    }

    private static void assertStarts(String prefix, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().startsWith(prefix), x.getMessage());
    }

    private static boolean dead(long pid) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
