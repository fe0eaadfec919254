package lodestar.beacon.log.internal;

import lodestar.testkit.Recorder;
import lodestar.api.State;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import lodestar.api.ComponentStatus;
import lodestar.api.Kind;

/** The beacon on real files being appended to, rotated and truncated. */
class LogBeaconTest {

    @TempDir
    Path dir;

    private LogBeacon beacon;

    @AfterEach
    void close() {
        if (beacon != null) {
            beacon.deactivate();
        }
    }

    private static LogBeacon.Config config(Object... kv) {
        return lodestar.testkit.Configs.of(LogBeacon.Config.class, kv);
    }

    private LogBeacon start(Object... kv) {
        beacon = new LogBeacon(config(kv), Map.of("service.pid", "lodestar.beacon.log~app"), dir);
        return beacon;
    }

    private static void append(Path f, String text) throws IOException {
        Files.writeString(f, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private Recorder collect() {
        Recorder r = new Recorder();
        beacon.collect(r);
        return r;
    }

    private static final String[] PATTERNS = {"errors=ERROR", "slow=took (?<value>\\d+(\\.\\d+)?)ms"};

    @Test
    void countsNewLinesOnlyFromTheEndByDefault() throws IOException {
        Path f = dir.resolve("app.log");
        append(f, "ERROR old one\nERROR old two\n");
        start("path", new String[] {"*.log"}, "patterns", PATTERNS);
        append(f, "INFO fine\nERROR new\nINFO took 20ms\nERROR took 5.5ms\n");
        Recorder r = collect();
        assertEquals(2, r.value("log.errors.count"));
        assertEquals(Kind.DELTA, r.byName().get("log.errors.count").kind());
        assertEquals(2, r.value("log.slow.count"));
        assertEquals(25.5, r.value("log.slow.sum"));
        assertEquals(20, r.value("log.slow.max"));
        assertEquals(5.5, r.value("log.slow.last"));
        assertEquals(Kind.GAUGE, r.byName().get("log.slow.max").kind());

        Recorder quiet = collect();
        assertEquals(0, quiet.value("log.errors.count"), "a count covers one interval");
        assertEquals(0, quiet.value("log.slow.count"));
        assertFalse(quiet.has("log.slow.sum"), "no values, no sum/max/last");

        ComponentStatus s = beacon.status();
        assertEquals("log", s.type());
        assertEquals("log-app", s.name());
        assertEquals(4L, s.counters().get("lines"));
        assertEquals(3L, s.counters().get("matches"));
        assertEquals(1L, s.counters().get("files"));
    }

    @Test
    void fromBeginningReadsWhatIsThere() throws IOException {
        Path f = dir.resolve("app.log");
        append(f, "ERROR a\nERROR b\n");
        start("path", new String[] {dir.resolve("app.log").toString()}, "patterns", PATTERNS, "fromBeginning", true,
                "prefix", "app.logs");
        assertEquals(2, collect().value("app.logs.errors.count"));
    }

    @Test
    void aLineSplitAcrossTwoWritesCountsOnceWhenComplete() throws IOException {
        Path f = dir.resolve("app.log");
        append(f, "");
        start("path", new String[] {"app.log"}, "patterns", PATTERNS);
        append(f, "ERROR first\nERR");
        assertEquals(1, collect().value("log.errors.count"), "the partial line waits");
        append(f, "OR second, took 7ms\r\n");
        Recorder r = collect();
        assertEquals(1, r.value("log.errors.count"));
        assertEquals(7, r.value("log.slow.last"));
        assertEquals(2L, beacon.status().counters().get("lines"));
    }

    @Test
    void rotationByRenameAndRecreateLosesNothing() throws IOException {
        Path f = dir.resolve("app.log");
        append(f, "");
        start("path", new String[] {"app.log"}, "patterns", PATTERNS);
        append(f, "ERROR 1\n");
        assertEquals(1, collect().value("log.errors.count"));
        append(f, "ERROR 2 written before the rotation\n");
        Files.move(f, dir.resolve("app.log.1"));
        append(dir.resolve("app.log.1"), "ERROR 3 written late to the old file\n");
        append(f, "ERROR 4 in the new file\n");
        assertEquals(3, collect().value("log.errors.count"));
        append(dir.resolve("app.log.1"), "ERROR 5 even later\n");
        append(f, "ERROR 6\n");
        assertEquals(2, collect().value("log.errors.count"), "the old file is drained until it stops growing");
        assertEquals(0, collect().value("log.errors.count"));
        ComponentStatus s = beacon.status();
        assertEquals(1L, s.counters().get("rotations"));
        assertEquals(1L, s.counters().get("files"), "the drained old file is let go");
    }

    @Test
    void truncationRereadsFromTheStart() throws IOException {
        Path f = dir.resolve("app.log");
        append(f, "");
        start("path", new String[] {"app.log"}, "patterns", PATTERNS);
        append(f, "ERROR a long line before the truncation\nERROR b\n");
        assertEquals(2, collect().value("log.errors.count"));
        Files.writeString(f, "ERROR c\n", StandardOpenOption.TRUNCATE_EXISTING);
        assertEquals(1, collect().value("log.errors.count"));
        assertEquals(1L, beacon.status().counters().get("truncations"));
    }

    @Test
    void newFilesMatchingTheGlobAreReadFromTheirStart() throws IOException {
        Files.createDirectories(dir.resolve("a/b"));
        start("path", new String[] {dir + "/**/*.log"}, "patterns", PATTERNS);
        assertEquals(0L, beacon.status().counters().get("files"));
        assertEquals(State.DEGRADED, beacon.status().state());
        assertEquals("no-files", beacon.status().detail());
        append(dir.resolve("a/b/new.log"), "ERROR x\nERROR y\n");
        append(dir.resolve("a/b/other.txt"), "ERROR not followed\n");
        assertEquals(2, collect().value("log.errors.count"));
        Files.delete(dir.resolve("a/b/new.log"));
        assertEquals(0, collect().value("log.errors.count"));
        assertEquals(0L, beacon.status().counters().get("files"));
    }

    @Test
    void badValuesAreCountedNotExtracted() throws IOException {
        Path f = dir.resolve("app.log");
        append(f, "");
        start("path", new String[] {"app.log"}, "patterns", new String[] {"v=v=(?<value>\\S+)"});
        append(f, "v=12\nv=abc\n");
        Recorder r = collect();
        assertEquals(2, r.value("log.v.count"));
        assertEquals(12, r.value("log.v.sum"));
        assertEquals(1L, beacon.status().counters().get("badValues"));
    }

    @Test
    void badConfigurationNamesTheProperty() {
        String[] p = {"x.log"};
        assertTrue(error("path", p, "patterns", new String[] {"e=(unclosed"}).startsWith("patterns:"));
        assertTrue(error("path", p, "patterns", new String[] {"noequals"}).startsWith("patterns:"));
        assertTrue(error("path", p, "patterns", new String[] {"a=x", "a=y"}).startsWith("patterns:"));
        assertTrue(error("path", p, "patterns", new String[0]).startsWith("patterns:"));
        assertTrue(error("path", new String[0], "patterns", PATTERNS).startsWith("path:"));
        assertTrue(error("path", p, "patterns", PATTERNS, "interval", "0").startsWith("interval:"));
        assertTrue(error("path", p, "patterns", PATTERNS, "prefix", "a b").startsWith("prefix:"));
        assertTrue(error("path", new String[] {"/tmp/[x.log"}, "patterns", PATTERNS).startsWith("path:"));
    }

    private String error(Object... kv) {
        return assertThrows(IllegalArgumentException.class, () -> new LogBeacon(config(kv), Map.of(), dir)).getMessage();
    }
}
