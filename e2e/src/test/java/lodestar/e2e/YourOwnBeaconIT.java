package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import lodestar.testkit.LodestarProcess;

/**
 * Hot deploy of a beacon, as a user does it: the example beacon's jar is
 * dropped into a running platform's deploy/, its metric shows in {@code lodestar:series}; the jar is
 * deleted, the beacon goes, and the host metrics carry on. The README's "Write your own beacon" commands
 * themselves, from a fresh clone, are {@link FreshCloneIT}'s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class YourOwnBeaconIT {

    private final Path home = LodestarProcess.tempDir();
    private LodestarProcess lodestar;

    @BeforeAll
    void start() throws Exception {
        lodestar = new LodestarProcess(LodestarProcess.builtJar(), home, List.of("-Xmx256m"));
        lodestar.config("lodestar.beacon.example.cfg", Map.of("interval", "500ms", "prefix", "mine"));
        lodestar.config("lodestar.beacon.system.cfg", Map.of("interval", "1s"));
        lodestar.start();
    }

    @AfterAll
    void stop() throws Exception {
        lodestar.close();
    }

    private static Path exampleJar() throws Exception {
        Path target = Path.of(System.getProperty("lodestar.example.dir", "../bundles/lodestar.beacon.example/target"));
        try (Stream<Path> s = Files.list(target)) {
            return s.filter(p -> p.getFileName().toString().matches("lodestar\\.beacon\\.example-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("build bundles/lodestar.beacon.example first"));
        }
    }

    private String seriesUntil(String glob, boolean present, long timeoutMillis) throws Exception {
        long end = System.currentTimeMillis() + timeoutMillis;
        String out;
        do {
            out = lodestar.shell("lodestar:series '" + glob + "'");
            if (out.contains("mine.dice") == present) {
                return out;
            }
            Thread.sleep(500);
        } while (System.currentTimeMillis() < end);
        return out;
    }

    private String lastValueTime(String key) throws Exception {
        return lodestar.shell("lodestar:query '" + key + "' 1");
    }

    @Test
    void aJarDroppedIntoDeployDeliversAndStopsWhenDeleted() throws Exception {
        assertTrue(lodestar.awaitReady(60_000), lodestar.output());
        Path dropped = home.resolve("deploy").resolve("lodestar.beacon.example.jar");
        Files.copy(exampleJar(), dropped, StandardCopyOption.REPLACE_EXISTING);
        String series = seriesUntil("mine.**", true, 30_000);
        assertTrue(series.contains("mine.dice"), "after the drop:\n" + series + "\n" + lodestar.output());

        Files.delete(dropped);
        assertTrue(lodestar.awaitOutput("beacon example removed", 30_000), "the beacon went:\n" + lodestar.output());
        Thread.sleep(1500); // what the beacon emitted before it went reaches the store within the store's flush interval
        int before = lastValueTime("mine.dice").split("\n").length;
        Thread.sleep(2500);
        int after = lastValueTime("mine.dice").split("\n").length;
        assertTrue(after <= before, "no new mine.dice points after the delete: " + before + " then " + after);
        String system = lodestar.shell("lodestar:series 'system.**'");
        assertFalse(system.isBlank(), "host metrics carry on");
        assertTrue(system.contains(".memory.total"), system);
    }
}
