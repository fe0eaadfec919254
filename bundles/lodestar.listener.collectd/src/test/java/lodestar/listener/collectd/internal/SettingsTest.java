package lodestar.listener.collectd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        assertEquals("127.0.0.1", s.bind());
        assertEquals(25826, s.port());
        assertEquals(Settings.Level.NONE, s.securityLevel());
        assertEquals(8L << 20, s.receiveBuffer());
        assertEquals("collectd", s.prefix());
        assertEquals(List.of(), s.typesDb());
        assertEquals(600_000L, s.maxTimeAheadMillis());
    }

    @Test
    void onlyTheAddressReceiveBufferAndQueueSizeNeedANewSocket() {
        Settings s = of("port", 0);
        assertTrue(s.sameSocket(of("port", 0, "prefix", "other", "securityLevel", "none", "maxSeries", 5, "hostInName", false)));
        assertFalse(s.sameSocket(of("port", 1234)));
        assertFalse(s.sameSocket(of("port", 0, "bind", "0.0.0.0")));
        assertFalse(s.sameSocket(of("port", 0, "receiveBuffer", "1MB")));
        assertFalse(s.sameSocket(of("port", 0, "queueMemory", "1MB")));
        assertEquals(4242, s.withPort(4242).port());
        assertEquals(s.withPort(4242), of("port", 4242), "a copy with only the port changed");
    }

    /** statsInterval is gone (the core emits every listener's counters): an old .cfg that sets it still works. */
    @Test
    void anOldConfigurationWithStatsIntervalStillWorks() {
        assertEquals(of(), of("statsInterval", "10s"));
        assertEquals(of(), of("statsInterval", "often"), "not read, so not refused either");
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
        bad("maxNewSeries", "maxNewSeries", -1);
        bad("newSeriesInterval", "newSeriesInterval", "never");
        bad("seriesTimeout", "seriesTimeout", "0s");
        bad("maxTimeAhead", "maxTimeAhead", "0s");
        bad("maxTimeAhead", "maxTimeAhead", "a while");
        bad("queueMemory", "queueMemory", "1KB");
    }

    @Test
    void securityLevelsAndAuthFile() throws Exception {
        Path auth = Files.writeString(dir.resolve("auth"), "alice: 12345678\n");
        assertEquals(Settings.Level.SIGN, of("securityLevel", "Sign", "authFile", auth.toString()).securityLevel());
        assertEquals(Settings.Level.ENCRYPT, of("securityLevel", "encrypt", "authFile", auth.toString()).securityLevel());
    }

    @Test
    void typesDbFiles() throws Exception {
        Path t = Files.writeString(dir.resolve("my.db"), "# mine\nmytype  a:GAUGE:0:U, b:COUNTER:U:100\n");
        TypesDb db = TypesDb.load(of("typesDb", new String[] {t.toString()}).typesDb());
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
