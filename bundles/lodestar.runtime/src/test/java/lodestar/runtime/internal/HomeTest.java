package lodestar.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HomeTest {

    @TempDir
    Path dir;

    private static final Function<String, InputStream> BUNDLE_RESOURCES =
            name -> Home.class.getResourceAsStream("/defaults/" + name);

    @Test
    void createsTheMissingFoldersOnly() throws IOException {
        Files.createDirectories(dir.resolve("data"));
        Home home = new Home(dir);
        List<Path> created = home.createFolders();
        assertEquals(List.of(dir.resolve("conf"), dir.resolve("deploy"), dir.resolve("scripts")), created);
        for (String f : Home.FOLDERS) {
            assertTrue(Files.isDirectory(dir.resolve(f)), f);
        }
        assertEquals(List.of(), home.createFolders(), "second start: nothing to do");
    }

    @Test
    void homeDefaultsToTheCurrentDirectory() {
        assertEquals(Path.of("").toAbsolutePath(), Home.of(null).root());
        assertEquals(Path.of("").toAbsolutePath(), Home.of(" ").root());
        assertEquals(dir.toAbsolutePath(), Home.of(dir.toString()).root());
        assertEquals(dir.toAbsolutePath(), Home.of(dir + "/conf/..").root());
    }

    @Test
    void writesEveryDefaultOnFirstStart() throws IOException {
        Home home = new Home(dir);
        List<Path> written = home.writeDefaults(BUNDLE_RESOURCES);
        assertEquals(Home.DEFAULTS.size(), written.size());
        String beacon = Files.readString(dir.resolve("conf/lodestar.beacon.system.cfg"));
        assertTrue(beacon.lines().anyMatch("interval=10s"::equals), beacon);
        // the Graphite sample must not create a sink: not a .cfg
        assertTrue(Files.exists(dir.resolve("conf/lodestar.sink.graphite-carbon.cfg.sample")));
        assertTrue(Files.notExists(dir.resolve("conf/lodestar.sink.graphite-carbon.cfg")));
        // core and store ship fully commented: the components' own defaults apply
        for (String f : List.of("lodestar.core.cfg", "lodestar.store.cfg")) {
            assertTrue(Files.readAllLines(dir.resolve("conf").resolve(f)).stream()
                    .allMatch(l -> l.isBlank() || l.startsWith("#")), f);
        }
        try (var files = Files.list(dir.resolve("conf"))) {
            assertEquals(Home.DEFAULTS.size(), files.count(), "no temporary files left");
        }
    }

    @Test
    void aDefaultRenamedToOffStaysOff() throws IOException {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("lodestar.listener.statsd-default.cfg.off"), "port=8125\n");
        List<Path> written = new Home(dir).writeDefaults(BUNDLE_RESOURCES);
        assertEquals(Home.DEFAULTS.size() - 1, written.size());
        assertTrue(Files.notExists(conf.resolve("lodestar.listener.statsd-default.cfg")));
    }

    @Test
    void theDefaultStatsdListenerHasItsPortFromTheFrameworkAndTakesTcp() throws IOException {
        new Home(dir).writeDefaults(BUNDLE_RESOURCES);
        String cfg = Files.readString(dir.resolve("conf/lodestar.listener.statsd-default.cfg"));
        assertTrue(cfg.contains("\nport=${lodestar.statsd.port}\n"), cfg);
        assertTrue(cfg.contains("\ntcp=true\n"), cfg);
        assertTrue(cfg.contains("\nbind=127.0.0.1\n"), cfg);
    }

    @Test
    void neverOverwritesAnOperatorsFile() throws IOException {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("lodestar.beacon.system.cfg"), "interval=1m\n");
        List<Path> written = new Home(dir).writeDefaults(BUNDLE_RESOURCES);
        assertEquals(Home.DEFAULTS.size() - 1, written.size());
        assertEquals("interval=1m\n", Files.readString(conf.resolve("lodestar.beacon.system.cfg")));
        assertEquals(List.of(), new Home(dir).writeDefaults(BUNDLE_RESOURCES), "second start: nothing to do");
    }

    @Test
    void aMissingResourceIsAnError() {
        Home home = new Home(dir);
        assertThrows(IOException.class, () -> home.writeDefaults(name -> null));
        assertThrows(IOException.class, () -> home.writeDefaults(
                name -> name.contains("store") ? null : new ByteArrayInputStream("#\n".getBytes(StandardCharsets.UTF_8))));
    }
}
