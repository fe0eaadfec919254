package lodestar.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.felix.utils.properties.TypedProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CfgFileTest {

    private static final String SYSTEM = "# Lodestar: the system beacon\n"
            + "# interval=10s\n"
            + "interval=10s\n"
            + "\n"
            + "# which groups to collect\n"
            + "groups=cpu,memory\n";

    @TempDir
    Path dir;

    /** Reads a file the way FileInstall does (TypedProperties, ISO-8859-1, no substitution needed here). */
    private static Map<String, Object> asFileInstallReadsIt(Path file) throws IOException {
        TypedProperties p = new TypedProperties((name, key, value) -> value);
        p.load(new StringReader(Files.readString(file, StandardCharsets.ISO_8859_1)));
        return new HashMap<>(p);
    }

    private CfgFile cfg(Path file) {
        return new CfgFile(file, StandardCharsets.ISO_8859_1, (name, key, value) -> value);
    }

    private Map<String, Object> configurationOf(Path file, Map<String, Object> changes) throws IOException {
        Map<String, Object> c = asFileInstallReadsIt(file);
        c.put("service.pid", "lodestar.beacon.system");
        c.put(CfgFile.FILENAME, file.toUri().toString());
        c.putAll(changes);
        return c;
    }

    @Test
    void aConfigurationThatSaysWhatTheFileSaysLeavesTheFileUntouched() throws Exception {
        Path file = Files.writeString(dir.resolve("lodestar.beacon.system.cfg"), SYSTEM, StandardCharsets.ISO_8859_1);
        Object inode = Files.getAttribute(file, "unix:ino");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(1_000_000));

        assertFalse(cfg(file).save(configurationOf(file, Map.of())));

        assertEquals(SYSTEM, Files.readString(file, StandardCharsets.ISO_8859_1));
        assertEquals(inode, Files.getAttribute(file, "unix:ino"));
        // FileInstall's scan looks at the modification time: an untouched file is not read again
        assertEquals(1_000_000, Files.getLastModifiedTime(file).toMillis());
    }

    @Test
    void aChangedValueIsWrittenInPlaceKeepingCommentsAndOtherLines() throws Exception {
        Path file = Files.writeString(dir.resolve("lodestar.beacon.system.cfg"), SYSTEM, StandardCharsets.ISO_8859_1);

        assertTrue(cfg(file).save(configurationOf(file, Map.of("interval", "3s"))));

        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("# Lodestar: the system beacon\n# interval=10s\n"), text);
        assertTrue(text.contains("# which groups to collect\n"), text);
        assertEquals(Map.of("interval", "3s", "groups", "cpu,memory"), asFileInstallReadsIt(file));
        assertFalse(text.contains("service.pid") || text.contains(CfgFile.FILENAME), "bookkeeping written:\n" + text);
        assertFalse(Files.exists(dir.resolve(".lodestar.beacon.system.cfg.saving")), "temporary file left behind");
    }

    @Test
    void aPropertyTheConfigurationNoLongerHasLeavesTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("lodestar.beacon.system.cfg"), SYSTEM, StandardCharsets.ISO_8859_1);
        Map<String, Object> c = configurationOf(file, Map.of());
        c.remove("groups");

        assertTrue(cfg(file).save(c));

        assertEquals(Map.of("interval", "10s"), asFileInstallReadsIt(file));
    }

    @Test
    void typedValuesFromTheConsoleReadBackWithTheirTypes() throws Exception {
        Path file = Files.writeString(dir.resolve("lodestar.listener.statsd-a.cfg"), "port=8125\n", StandardCharsets.ISO_8859_1);

        assertTrue(cfg(file).save(Map.of("port", 9125, "percentThreshold", new String[] {"90", "99"}, "legacyNamespace", true)));

        Map<String, Object> back = asFileInstallReadsIt(file);
        assertEquals(9125, back.get("port"));
        assertEquals(true, back.get("legacyNamespace"));
        assertArrayEquals(new Object[] {"90", "99"}, (Object[]) back.get("percentThreshold"));
        // and read back, they compare equal: no second write
        assertFalse(cfg(file).save(back));
    }

    @Test
    void theFileKeepsItsModeAndASymbolicLinkStaysALink() throws Exception {
        Path real = Files.writeString(Files.createDirectories(dir.resolve("managed")).resolve("influx.cfg"),
                "url=http://127.0.0.1:8086\npassword=secret\n", StandardCharsets.ISO_8859_1);
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(dir.resolve("lodestar.sink.influxdb-a.cfg"), real);

        assertTrue(cfg(link).save(Map.of("url", "http://127.0.0.1:8087", "password", "secret")));

        assertTrue(Files.isSymbolicLink(link));
        assertEquals("http://127.0.0.1:8087", asFileInstallReadsIt(real).get("url"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
    }

    @Test
    void anXmlPropertiesFileIsNotRewritten() throws Exception {
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE properties SYSTEM \"http://java.sun.com/dtd/properties.dtd\">"
                + "<properties><entry key=\"interval\">10s</entry></properties>";
        Path file = Files.writeString(dir.resolve("lodestar.beacon.system.cfg"), xml, StandardCharsets.ISO_8859_1);

        assertFalse(cfg(file).save(Map.of("interval", "3s")));
        assertEquals(xml, Files.readString(file, StandardCharsets.ISO_8859_1));
    }

    @Test
    void theFilenamePropertyNamesTheFile() {
        Path p = Path.of("/var/lib/lodestar/conf/lodestar.core.cfg");
        assertEquals(p, CfgFile.of(p.toUri().toString()));
        assertEquals(p, CfgFile.of(p.toString()));
        assertNull(CfgFile.of(null));
        assertNull(CfgFile.of(42));
        assertTrue(CfgFile.isConfiguration(p));
        assertFalse(CfgFile.isConfiguration(Path.of("/x/lodestar.sink.graphite-carbon.cfg.sample")));
    }

    /**
     * What failed in CI with FileInstall's in-place rewrite: a reader running while the file is saved read it
     * truncated. Saved by renaming a complete file over the old one, every read sees one whole version.
     */
    @Test
    void aReaderDuringSavesAlwaysSeesOneWholeVersion() throws Exception {
        StringBuilder text = new StringBuilder("# many properties, so that writing one takes a while\n");
        Map<String, Object> a = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            text.append("key").append(i).append("=value-a-").append(i).append('\n');
            a.put("key" + i, "value-a-" + i);
        }
        Path file = Files.writeString(dir.resolve("big.cfg"), text, StandardCharsets.ISO_8859_1);
        Map<String, Object> b = new HashMap<>();
        a.forEach((k, v) -> b.put(k, ((String) v).replace("-a-", "-b-")));

        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        List<String> torn = new ArrayList<>();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                try {
                    Map<String, Object> seen = asFileInstallReadsIt(file);
                    reads.incrementAndGet();
                    if (!seen.equals(a) && !seen.equals(b)) {
                        torn.add(seen.size() + " properties");
                        return;
                    }
                } catch (IOException e) {
                    torn.add(e.toString());
                    return;
                }
            }
        });
        reader.start();
        try {
            for (int i = 0; i < 200 && torn.isEmpty(); i++) {
                assertTrue(cfg(file).save(i % 2 == 0 ? b : a));
            }
        } finally {
            done.set(true);
            reader.join(10_000);
        }
        assertEquals(List.of(), torn);
        assertTrue(reads.get() > 0, "the reader never ran");
    }

    @Test
    void aDeletedConfigurationTakesItsFileOnlyIfTheFileIsStillTheVersionItWasMadeFrom() throws Exception {
        Path file = Files.writeString(dir.resolve("lodestar.sink.graphite-a.cfg"), "port=2003\n");
        CfgFile cfg = cfg(file);
        CfgFile.Version seen = cfg.version();
        assertEquals(CfgFile.Deletion.DELETED, cfg.deleteIf(seen));
        assertFalse(Files.exists(file));
        assertEquals(CfgFile.Deletion.ABSENT, cfg.deleteIf(seen));

        // rm then cp by a tool: FileInstall deletes the configuration, and by the time that event arrives the
        // new file is there; it is the newer word and stays
        Files.writeString(file, "port=2003\n");
        CfgFile.Version before = cfg.version();
        Files.delete(file);
        Files.writeString(file, "port=2004\n");
        assertEquals(CfgFile.Deletion.CHANGED, cfg.deleteIf(before));
        assertEquals("port=2004\n", Files.readString(file));
        assertEquals(CfgFile.Deletion.CHANGED, cfg.deleteIf(null));
        assertTrue(Files.exists(file));
    }

    @Test
    void anEditIsAChangeSinceTheVersionSeenAndASaveIsNot() throws Exception {
        Path file = Files.writeString(dir.resolve("lodestar.beacon.system.cfg"), SYSTEM, StandardCharsets.ISO_8859_1);
        CfgFile cfg = cfg(file);
        CfgFile.Version seen = cfg.version();
        assertFalse(cfg.changedSince(seen));
        // an operator's editor writing the same length within the same clock tick still makes a new inode or
        // time; here: a new text of another length
        Files.writeString(file, SYSTEM + "prefix=edited\n", StandardCharsets.ISO_8859_1);
        assertTrue(cfg.changedSince(seen));
        CfgFile.Version edited = cfg.version();
        assertTrue(cfg.save(configurationOf(file, Map.of("interval", "5s"))));
        assertTrue(cfg.changedSince(edited), "a save is a new version too");
        assertTrue(cfg.changedSince(null));
    }

    @Test
    void filterValuesAreEscaped() {
        assertEquals("lodestar.sink.graphite~a\\(1\\)\\*\\\\", Configurations.escape("lodestar.sink.graphite~a(1)*\\"));
    }
}
