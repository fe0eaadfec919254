package lodestar.beacon.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import lodestar.api.CheckStatus;

/** Configuration parsing and validation: every error names its property. */
class SettingsTest {

    static HttpCheck.Config config(Object... kv) {
        return lodestar.testkit.Configs.of(HttpCheck.Config.class, kv);
    }

    private static String error(Object... kv) {
        return assertThrows(IllegalArgumentException.class, () -> Settings.from(config(kv), Map.of())).getMessage();
    }

    @Test
    void defaults() {
        Settings s = Settings.from(config("url", "https://example.com/health?x=1"), Map.of());
        assertEquals("GET", s.method());
        assertEquals(10_000, s.intervalMillis());
        assertEquals(5_000, s.timeoutMillis());
        assertEquals("0ms,1s,3s", s.thresholds().toString());
        assertTrue(s.expectedStatus().accepts(200) && s.expectedStatus().accepts(399));
        assertFalse(s.expectedStatus().accepts(404));
        assertNull(s.bodyRegex());
        assertTrue(s.followRedirects());
        assertEquals(5, s.maxRedirects());
        assertFalse(s.insecure());
        assertEquals("example_com", s.name());
    }

    @Test
    void badValuesNameTheirProperty() {
        assertTrue(error("url", "").startsWith("url:"));
        assertTrue(error("url", "http://exa mple.com/").startsWith("url:"));
        assertTrue(error("url", "ftp://example.com/").startsWith("url:"));
        assertTrue(error("url", "example.com").startsWith("url:"));
        assertTrue(error("url", "http:///path").startsWith("url:"));
        assertTrue(error("url", "http://u:p@example.com/").startsWith("url:"));
        assertTrue(error("url", "http://a/", "bodyRegex", "(unclosed").startsWith("bodyRegex:"));
        assertTrue(error("url", "http://a/", "thresholds", "1s,500ms,2s").startsWith("thresholds:"));
        assertTrue(error("url", "http://a/", "thresholds", "1s,2s").startsWith("thresholds:"));
        assertTrue(error("url", "http://a/", "thresholds", "0,fast,2s").startsWith("thresholds:"));
        assertTrue(error("url", "http://a/", "expectedStatus", "2xx").startsWith("expectedStatus:"));
        assertTrue(error("url", "http://a/", "expectedStatus", "399-200").startsWith("expectedStatus:"));
        assertTrue(error("url", "http://a/", "timeout", "0").startsWith("timeout:"));
        assertTrue(error("url", "http://a/", "interval", "-1s").startsWith("interval:"));
        assertTrue(error("url", "http://a/", "method", "GE T").startsWith("method:"));
        assertTrue(error("url", "http://a/", "name", "?!").startsWith("name:"));
        assertTrue(error("url", "http://a/", "headers", new String[] {"NoColon"}).startsWith("headers:"));
        assertTrue(error("url", "http://a/", "headers", new String[] {"X: a\r\nEvil: 1"}).startsWith("headers:"));
        assertTrue(error("url", "http://a/", "headers", new String[] {"Connection: keep-alive"}).startsWith("headers:"));
        assertTrue(error("url", "http://a/", "maxRedirects", -1).startsWith("maxRedirects:"));
    }

    @Test
    void aDisplayNameOfWordsKeepsMetricNamesSanitized() {
        Settings s = Settings.from(config("url", "http://a/", "name", "Is Google Up?"), Map.of());
        assertEquals("Is Google Up?", s.name());
        assertEquals("Is_Google_Up", s.metric());
        assertEquals("a_b", Settings.from(config("url", "http://a/", "name", "a.b"), Map.of()).metric());
        assertEquals("shop", Settings.from(config("url", "http://a/", "name", "shop"), Map.of()).metric());
    }

    @Test
    void nameComesFromConfigThenInstanceThenHost() {
        HttpCheck.Config c = config("url", "http://[::1]:8080/");
        assertEquals("__1", Settings.from(c, Map.of()).name());
        assertEquals("shop", Settings.from(c, Map.of("felix.fileinstall.filename", "file:/x/conf/lodestar.beacon.http-shop.cfg")).name());
        assertEquals("api", Settings.from(c, Map.of("service.pid", "lodestar.beacon.http~api")).name());
        assertEquals("front", Settings.from(config("url", "http://a/", "name", "front"),
                Map.of("service.pid", "lodestar.beacon.http~api")).name());
    }

    @Test
    void expectedStatusListsAndRanges() {
        StatusRanges r = StatusRanges.parse("200, 204,300-302");
        assertTrue(r.accepts(200) && r.accepts(204) && r.accepts(301));
        assertFalse(r.accepts(201) || r.accepts(303));
    }

    @Test
    void thresholdsFollowPharos() {
        Thresholds t = Thresholds.parse("1ms,100ms,1s");
        assertEquals(CheckStatus.WARNING, t.classify(0.5)); // suspiciously fast
        assertEquals(CheckStatus.WARNING, t.classify(1));
        assertEquals(CheckStatus.OK, t.classify(1.1));
        assertEquals(CheckStatus.OK, t.classify(99.9));
        assertEquals(CheckStatus.WARNING, t.classify(100));
        assertEquals(CheckStatus.CRITICAL, t.classify(1000));
        Thresholds noFloor = Thresholds.parse("0,100ms,1s");
        assertEquals(CheckStatus.OK, noFloor.classify(0.01));
        assertEquals(CheckStatus.OK, Thresholds.parse("").classify(1e9));
    }
}
