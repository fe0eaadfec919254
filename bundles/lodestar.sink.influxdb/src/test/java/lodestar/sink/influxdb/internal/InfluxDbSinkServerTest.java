package lodestar.sink.influxdb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import lodestar.testkit.InfluxProcess;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Sink;
import lodestar.api.Tags;
import lodestar.support.json.Json;
import lodestar.testkit.Configs;
import lodestar.testkit.sinks.SinkCompatibilityKit;
import lodestar.support.secrets.Secrets;

/**
 * The sink against a real InfluxDB 1.x (Debian's influxd, started here on loopback): the shared sink
 * compatibility kit, with the data read back through InfluxDB's /query API, plus what is particular to
 * InfluxDB (escaping round trips, a real partial-write refusal, gzip, measurementFrom).
 */
class InfluxDbSinkServerTest extends SinkCompatibilityKit {

    static final String DB = "lodestar";

    @TempDir
    static Path dir;
    static InfluxProcess influx;
    private final List<InfluxDbSink> sinks = new ArrayList<>();

    @BeforeAll
    static void startInflux() throws Exception {
        influx = new InfluxProcess(dir.resolve("influx"));
        influx.start();
        influx.createDatabase(DB);
    }

    @AfterAll
    static void stopInflux() throws Exception {
        if (influx != null) {
            influx.close();
        }
    }

    @AfterEach
    void deactivateSinks() {
        sinks.forEach(InfluxDbSink::deactivate);
    }

    InfluxDbSink sink(Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put("url", influx.url());
        props.put("database", DB);
        props.put("timeout", "5s");
        props.put("maxLinesPerRequest", 1000); // the kit's 2500-sample batch goes in three requests
        props.putAll(extra);
        InfluxDbSink s = new InfluxDbSink(Configs.of(InfluxDbSink.Config.class, props), Secrets.of(props));
        sinks.add(s);
        return s;
    }

    @Override
    protected Sink createSink(Map<String, Object> extraConfig) {
        return sink(extraConfig);
    }

    /** One series of an InfluxQL answer. */
    record Series(String name, Map<String, String> tags, List<String> columns, List<List<Object>> values) {
    }

    /** Every series whose measurement matches {@code regex}, all fields, grouped by every tag. */
    static List<Series> select(String regex) throws Exception {
        String json = influx.query(DB, "SELECT * FROM /" + regex + "/ GROUP BY *");
        List<Series> out = new ArrayList<>();
        Map<String, Object> result = Json.object(Json.array(Json.object(Json.parse(json)).get("results")).get(0));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> series = (List<Map<String, Object>>) result.getOrDefault("series", List.of());
        for (Map<String, Object> s : series) {
            Map<String, String> tags = new LinkedHashMap<>();
            @SuppressWarnings("unchecked")
            Map<String, Object> t = (Map<String, Object>) s.getOrDefault("tags", Map.of());
            t.forEach((k, v) -> {
                if (v != null && !v.toString().isEmpty()) {
                    tags.put(k, v.toString()); // GROUP BY * reports a tag a series lacks as ""
                }
            });
            @SuppressWarnings("unchecked")
            List<String> columns = (List<String>) s.get("columns");
            @SuppressWarnings("unchecked")
            List<List<Object>> values = (List<List<Object>>) s.get("values");
            out.add(new Series((String) s.get("name"), tags, columns, values));
        }
        return out;
    }

    @Override
    protected List<Stored> readBack(String prefix, int expectedCount) throws Exception {
        return readBackMatching("^" + prefix + "\\.", expectedCount);
    }

    private List<Stored> readBackMatching(String regex, int expectedCount) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<Stored> got;
        do {
            got = new ArrayList<>();
            for (Series s : select(regex)) {
                int ti = s.columns().indexOf("time");
                int vi = s.columns().indexOf("value");
                if (vi < 0) {
                    continue;
                }
                for (List<Object> row : s.values()) {
                    if (row.get(vi) != null) {
                        got.add(new Stored(s.name(), s.tags(), ((Number) row.get(vi)).doubleValue(),
                                ((Number) row.get(ti)).longValue()));
                    }
                }
            }
            if (got.size() >= expectedCount) {
                return got;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return got;
    }

    @Override
    protected void breakBackend() throws Exception {
        influx.stop();
    }

    @Override
    protected void repairBackend() throws Exception {
        influx.start();
    }

    private long t0() {
        long t = System.currentTimeMillis() - 30_000;
        return t - t % 1000 + 123;
    }

    @Test
    void escapedMeasurementsTagsAndFieldsReadBackExactly() throws Exception {
        InfluxDbSink sink = sink(Map.of("measurementFrom", "parent"));
        long t = t0();
        Tags tags = Tags.of("path", "C:\\dir with space,a=b", "k ey,=", "v\"q", "empty", "");
        sink.write(List.of(Sample.of(prefix + ".we ird,meas=x.fi eld,=", tags, 2.5, t, Kind.GAUGE)));
        List<Series> got = select("^" + prefix + "\\.");
        assertEquals(1, got.size(), got.toString());
        Series s = got.get(0);
        assertEquals(prefix + ".we ird,meas=x", s.name());
        assertEquals(Map.of("path", "C:\\dir with space,a=b", "k ey,=", "v\"q"), s.tags());
        assertEquals(List.of("time", "fi eld,="), s.columns());
        assertEquals(List.of(List.of(t, 2.5)), s.values()); // epoch=ms: a whole number of milliseconds
    }

    @Test
    void aPartialWriteRefusedByInfluxIsCountedAndDoesNotThrow() throws Exception {
        // an integer field first, so InfluxDB refuses our float for it: 400 partial write, field type conflict
        assertEquals(204, influx.writeRaw(DB, prefix + ".conflict value=1i " + t0() + "\n"));
        InfluxDbSink sink = sink(Map.of());
        long t = t0() + 1000;
        sink.write(List.of(Sample.of(prefix + ".conflict", Tags.EMPTY, 2, t, Kind.GAUGE),
                Sample.of(prefix + ".fine", Tags.EMPTY, 3, t, Kind.GAUGE)));
        assertEquals(1, sink.rejectedPoints());
        List<Stored> fine = readBackMatching("^" + prefix + "\\.fine$", 1);
        assertEquals(List.of(new Stored(prefix + ".fine", Map.of(), 3, t)), fine);
    }

    @Test
    void gzipAndMeasurementFromFirst() throws Exception {
        InfluxDbSink sink = sink(Map.of("gzip", true, "measurementFrom", "first", "maxLinesPerRequest", 2));
        long t = t0();
        List<Sample> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(Sample.of(prefix + ".m" + i + ".x", Tags.of("i", "" + i), i, t, Kind.COUNTER));
        }
        sink.write(batch);
        List<Series> got = select("^" + prefix + "$");
        assertEquals(5, got.size(), got.toString()); // one measurement, five series (tag i), fields m0.x..m4.x
        double sum = 0;
        for (Series s : got) {
            if (s.name().equals(prefix)) {
                int i = Integer.parseInt(s.tags().get("i"));
                sum += ((Number) s.values().get(0).get(s.columns().indexOf("m" + i + ".x"))).doubleValue();
            }
        }
        assertEquals(10, sum);
    }
}
