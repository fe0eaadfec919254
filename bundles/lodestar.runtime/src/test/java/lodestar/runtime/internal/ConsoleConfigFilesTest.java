package lodestar.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

class ConsoleConfigFilesTest {

    @TempDir
    Path dir;
    private File conf;
    /** What ConfigurationAdmin holds, by PID. */
    private final Map<String, Dictionary<String, Object>> configurations = new HashMap<>();
    private ConfigWriteBack writeBack;
    private ConsoleConfigFiles files;

    @BeforeEach
    void setUp() throws Exception {
        conf = Files.createDirectories(dir.resolve("conf")).toFile().getCanonicalFile();
        ConfigurationAdmin cm = configAdmin();
        writeBack = new ConfigWriteBack(context(), cm);
        files = new ConsoleConfigFiles(cm, writeBack, conf);
    }

    private Dictionary<String, Object> save(String factoryPid, String pid, Map<String, Object> props) throws Exception {
        Dictionary<String, Object> d = new Hashtable<>(props);
        files.updateConfiguration(factoryPid, pid, d);
        return d;
    }

    @Test
    void aNewInstanceIsNamedAfterItsNamePropertyElseNumbered() throws Exception {
        Dictionary<String, Object> named = save("lodestar.beacon.http", ConsoleConfigFiles.NEW_FACTORY_PID,
                Map.of("url", "http://x", "name", "api"));
        assertEquals(new File(conf, "lodestar.beacon.http-api.cfg").toURI().toString(), named.get(CfgFile.FILENAME));
        // the same name again (the first not written yet): the file is taken, so a number
        Dictionary<String, Object> second = save("lodestar.beacon.http", ConsoleConfigFiles.NEW_FACTORY_PID,
                Map.of("url", "http://y", "name", "api"));
        assertEquals(new File(conf, "lodestar.beacon.http-1.cfg").toURI().toString(), second.get(CfgFile.FILENAME));
        Files.writeString(conf.toPath().resolve("lodestar.beacon.http-2.cfg"), "url=http://z\n");
        Dictionary<String, Object> third = save("lodestar.beacon.http", ConsoleConfigFiles.NEW_FACTORY_PID,
                Map.of("url", "http://w", "name", "../../etc/passwd"));
        assertEquals(new File(conf, "lodestar.beacon.http-3.cfg").toURI().toString(), third.get(CfgFile.FILENAME),
                "a name that is no file name is not used; an existing file is skipped");
    }

    @Test
    void aSingleConfigurationGetsItsPidsFileUnlessThereIsOne() throws Exception {
        Dictionary<String, Object> jvm = save(null, "lodestar.beacon.jvm", Map.of("interval", "5s"));
        assertEquals(new File(conf, "lodestar.beacon.jvm.cfg").toURI().toString(), jvm.get(CfgFile.FILENAME));
        Files.writeString(conf.toPath().resolve("lodestar.beacon.log.cfg"), "# the operator's\n");
        assertNull(save(null, "lodestar.beacon.log", Map.of("interval", "5s")).get(CfgFile.FILENAME));
    }

    @Test
    void onlyLodestarConfigurationsWithoutAFileGetOne() throws Exception {
        assertNull(save(null, "org.apache.felix.webconsole.internal.servlet.OsgiManager", Map.of("username", "admin"))
                .get(CfgFile.FILENAME), "the console's own configuration holds its password: never written to conf/");
        configurations.put("lodestar.sink.graphite~edit", new Hashtable<>(Map.of("service.pid", "lodestar.sink.graphite~edit",
                CfgFile.FILENAME, "file:/somewhere/lodestar.sink.graphite-edit.cfg")));
        assertNull(save("lodestar.sink.graphite", "lodestar.sink.graphite~edit", Map.of("port", 2003)).get(CfgFile.FILENAME),
                "it has its file; the console puts the property back itself");
        Dictionary<String, Object> unwatched = new Hashtable<>(Map.of("interval", "5s"));
        new ConsoleConfigFiles(configAdmin(), writeBack, null).updateConfiguration(null, "lodestar.beacon.jvm", unwatched);
        assertNull(unwatched.get(CfgFile.FILENAME), "FileInstall does not watch conf/: nothing to name");
    }

    @Test
    void theFileInstallLinkIsNoFieldOfTheForm() throws Exception {
        List<String> names = new ArrayList<>(List.of("url", CfgFile.FILENAME, "name"));
        files.filterProperties("lodestar.beacon.http", "lodestar.beacon.http~api", names);
        assertEquals(List.of("url", "name"), names);
    }

    private BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> null);
    }

    private ConfigurationAdmin configAdmin() {
        return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ConfigurationAdmin.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("listConfigurations")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    String filter = (String) args[0];
                    List<Configuration> found = new ArrayList<>();
                    configurations.forEach((pid, props) -> {
                        if (filter == null || filter.equals("(service.pid=" + pid + ")")) {
                            found.add(configuration(props));
                        }
                    });
                    return found.isEmpty() ? null : found.toArray(new Configuration[0]);
                });
    }

    private Configuration configuration(Dictionary<String, Object> props) {
        return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Configuration.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getProperties" -> new Hashtable<>(toMap(props));
                    case "getPid" -> props.get("service.pid");
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Map<String, Object> toMap(Dictionary<String, Object> d) {
        Map<String, Object> m = new HashMap<>();
        for (var e = d.keys(); e.hasMoreElements();) {
            String k = e.nextElement();
            m.put(k, d.get(k));
        }
        return m;
    }

    @Test
    void aCreatedFileSaysWhatTheConfigurationSaysAndFileInstallReadsItBack() throws Exception {
        Path file = conf.toPath().resolve("lodestar.beacon.command-marker.cfg");
        CfgFile cfg = new CfgFile(file, StandardCharsets.ISO_8859_1, (n, k, v) -> v);
        Map<String, Object> props = new HashMap<>();
        props.put("service.pid", "lodestar.beacon.command.1234");
        props.put("service.factoryPid", "lodestar.beacon.command");
        props.put(CfgFile.FILENAME, file.toUri().toString());
        props.put("command", new String[] {"touch /tmp/x"});
        props.put("interval", "1s");
        props.put("password", "pw");
        assertTrue(cfg.create(props, "Made in the web console"));
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("# Made in the web console\n"), text);
        assertFalse(text.contains("service.pid") || text.contains(CfgFile.FILENAME) || text.contains("factoryPid"), text);
        org.apache.felix.utils.properties.TypedProperties read = new org.apache.felix.utils.properties.TypedProperties((n, k, v) -> v);
        read.load(new java.io.StringReader(text));
        assertEquals("1s", read.get("interval"));
        assertTrue(java.util.Arrays.equals(new String[] {"touch /tmp/x"}, (Object[]) read.get("command")), String.valueOf(read.get("command")));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                "a file with a secret is the owner's");
        assertFalse(cfg.create(Map.of("interval", "2s"), "again"), "an existing file is never replaced");
        assertEquals(text, Files.readString(file, StandardCharsets.ISO_8859_1));
    }
}
