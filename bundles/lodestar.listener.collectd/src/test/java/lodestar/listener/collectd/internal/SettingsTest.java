package lodestar.listener.collectd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import lodestar.testkit.Configs;

/** Configuration: defaults, and bad values rejected with a message that starts with the property. */
class SettingsTest {

    @TempDir
    Path dir;

    static Settings of(Object... kv) {
        return Settings.from(Configs.of(CollectdListener.Config.class, kv));
    }

    static void bad(String property, Object... kv) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> of(kv));
        assertTrue(e.getMessage().startsWith(property + ":"), e.getMessage());
    }

    @Test
    void defaults() {
        Settings s = of();
        assertEquals("127.0.0.1", s.bind);
        assertEquals(25826, s.port);
        assertEquals(Settings.Level.NONE, s.securityLevel);
        assertEquals(8L << 20, s.receiveBuffer);
        assertEquals("collectd", s.prefix);
        assertEquals(List.of(), s.typesDb);
    }

    @Test
    void badValues() throws Exception {
        bad("port", "port", 70000);
        bad("securityLevel", "securityLevel", "paranoid");
        bad("authFile", "securityLevel", "sign");
        bad("authFile", "securityLevel", "encrypt", "authFile", dir.resolve("missing").toString());
        bad("receiveBuffer", "receiveBuffer", "lots");
        bad("receiveBuffer", "receiveBuffer", "4GB");
        bad("prefix", "prefix", "a..b");
        bad("maxSeries", "maxSeries", 0);
        bad("seriesTimeout", "seriesTimeout", "0s");
        bad("queueMemory", "queueMemory", "1KB");
        bad("statsInterval", "statsInterval", "often");
    }

    @Test
    void securityLevelsAndAuthFile() throws Exception {
        Path auth = Files.writeString(dir.resolve("auth"), "alice: 12345678\n");
        assertEquals(Settings.Level.SIGN, of("securityLevel", "Sign", "authFile", auth.toString()).securityLevel);
        assertEquals(Settings.Level.ENCRYPT, of("securityLevel", "encrypt", "authFile", auth.toString()).securityLevel);
    }

    @Test
    void typesDbFiles() throws Exception {
        Path t = Files.writeString(dir.resolve("my.db"), "# mine\nmytype  a:GAUGE:0:U, b:COUNTER:U:100\n");
        TypesDb db = TypesDb.load(of("typesDb", new String[] {t.toString()}).typesDb);
        assertEquals(2, db.get("mytype").sources().length);
        assertEquals(100.0, db.get("mytype").sources()[1].max());
        assertTrue(db.size() > 300, "the built-in types.db is there too");
        Path broken = Files.writeString(dir.resolve("broken.db"), "x value:GAUGES:0:U\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TypesDb.load(List.of(broken.toString())));
        assertTrue(e.getMessage().startsWith("typesDb:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TypesDb.load(List.of(dir.resolve("none.db").toString())));
        assertTrue(e.getMessage().startsWith("typesDb:"), e.getMessage());
    }

    @Test
    void instanceNames() {
        assertEquals("collectd", CollectdListener.instanceName(Map.of("service.pid", "lodestar.listener.collectd")));
        assertEquals("collectd-dc1", CollectdListener.instanceName(Map.of("service.pid", "lodestar.listener.collectd~dc1")));
    }
}
