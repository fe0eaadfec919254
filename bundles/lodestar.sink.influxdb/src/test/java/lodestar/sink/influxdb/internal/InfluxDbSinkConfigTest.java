package lodestar.sink.influxdb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import lodestar.testkit.Configs;
import lodestar.support.secrets.Secrets;

class InfluxDbSinkConfigTest {

    private static InfluxDbSink sink(Object... keyValues) {
        Map<String, Object> props = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        InfluxDbSink s = new InfluxDbSink(Configs.of(InfluxDbSink.Config.class, props), Secrets.of(props));
        s.deactivate();
        return s;
    }

    private static void fails(String messageStart, Object... keyValues) {
        String m = assertThrows(IllegalArgumentException.class, () -> sink(keyValues)).getMessage();
        assertTrue(m.startsWith(messageStart), m);
    }

    @Test
    void defaults() {
        assertEquals("http://127.0.0.1:8086/write?db=x&precision=ms", sink("database", "x").writeUri().toString());
        assertEquals("http://h:9/influx/api/v2/write?bucket=b&precision=ms",
                sink("url", "http://h:9/influx/", "bucket", "b").writeUri().toString());
    }

    @Test
    void invalidValuesNameTheProperty() {
        fails("database: required", "database", " ");
        fails("database: set either", "database", "d", "bucket", "b");
        fails("url: must be an http", "url", "ftp://x", "database", "d");
        fails("url: must be an http", "url", "localhost:8086", "database", "d");
        fails("url: not a URL", "url", "http://a b", "database", "d");
        fails("url: must not have a query", "url", "http://h/?db=x", "database", "d");
        fails("token: only for InfluxDB 2.x", "database", "d", "token", "t");
        fails("org: only for InfluxDB 2.x", "database", "d", "org", "o");
        fails("username: only for InfluxDB 1.x", "bucket", "b", "username", "u");
        fails("retentionPolicy: only for InfluxDB 1.x", "bucket", "b", "retentionPolicy", "r");
        fails("username: required when password", "database", "d", "password", "p");
        fails("timeout: ", "database", "d", "timeout", "0s");
        fails("timeout: ", "database", "d", "timeout", "soon");
        fails("maxLinesPerRequest: must be at least 1", "database", "d", "maxLinesPerRequest", 0);
        fails("measurementFrom: ", "database", "d", "measurementFrom", "all");
    }
}
