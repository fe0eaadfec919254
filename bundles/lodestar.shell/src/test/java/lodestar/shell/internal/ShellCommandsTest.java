package lodestar.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import lodestar.api.ComponentStatus;
import lodestar.api.State;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.SeriesStore.SeriesInfo;
import lodestar.api.Tags;
import lodestar.api.TimeSeries;

class ShellCommandsTest {

    // 2024-05-01T12:00:00Z
    private static final long NOW = Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();
    private static final ZoneId ZONE = ZoneOffset.ofHours(2);

    private final Fakes.FakePipeline pipeline = new Fakes.FakePipeline();
    private final Fakes.FakeStore store = new Fakes.FakeStore();
    private Fakes.FakeStore current = store;
    private final ShellCommands commands = new ShellCommands(pipeline, () -> current,
            Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), ZONE);

    private static Map<String, Long> counters(Object... kv) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], ((Number) kv[i + 1]).longValue());
        }
        return m;
    }

    @Test
    void statusAlignsOneLinePerComponent() {
        pipeline.status.add(new ComponentStatus("beacon", "system", State.OK, counters("runs", 12, "errors", 0), null));
        pipeline.status.add(new ComponentStatus("sink", "graphite-carbon1", State.FAILED, "backoff",
                counters("queued", 120, "written", 0, "errors", 3), "connection refused\n(retrying)"));
        pipeline.status.add(new ComponentStatus("sink", "store", State.STOPPED, "idle", Map.of(), null));
        assertEquals(String.join("\n",
                "TYPE    NAME              STATE           COUNTERS                       LAST ERROR",
                "beacon  system            ok              runs=12,errors=0",
                "sink    graphite-carbon1  failed/backoff  queued=120,written=0,errors=3  connection refused (retrying)",
                "sink    store             stopped/idle    -",
                ""), commands.status());
    }

    @Test
    void statusWithNothingRunning() {
        assertEquals("no beacons or sinks are running\n", commands.status());
    }

    @Test
    void seriesListsKeyValueAgeKind() {
        store.series.add(new SeriesInfo("cpu.load;host=a", "cpu.load", Tags.of("host", "a"), Kind.GAUGE, NOW - 5_000, 0.25));
        store.series.add(new SeriesInfo("net.bytes", "net.bytes", Tags.EMPTY, Kind.COUNTER, NOW - 185_000, 123456));
        store.series.add(new SeriesInfo("old", "old", Tags.EMPTY, Kind.GAUGE, NOW - 26 * 3_600_000L, Double.NaN));
        assertEquals(String.join("\n",
                "SERIES            VALUE   AGE  KIND",
                "cpu.load;host=a    0.25    5s  gauge",
                "net.bytes        123456  3m5s  counter",
                "old                 NaN  1d2h  gauge",
                ""), commands.series(null));
        assertEquals(null, store.lastGlob);
    }

    @Test
    void seriesPassesTheGlobAndSaysWhenNothingMatches() {
        store.series.add(new SeriesInfo("cpu.load", "cpu.load", Tags.EMPTY, Kind.GAUGE, NOW, 1));
        assertEquals("SERIES    VALUE  AGE  KIND\ncpu.load      1   0s  gauge\n", commands.series("cpu.*"));
        assertEquals("cpu.*", store.lastGlob);
        assertEquals("no series match 'mem.*'\n", commands.series("mem.*"));
        store.series.clear();
        assertEquals("no series stored yet\n", commands.series(""));
    }

    @Test
    void commandsThatNeedTheStoreSaySoWhenItIsGone() {
        current = null;
        assertEquals(ShellCommands.NO_STORE + "\n", commands.series(null));
        assertEquals(ShellCommands.NO_STORE + "\n", commands.query("cpu", null));
    }

    @Test
    void queryPrintsLocalTimeAndValueOverTheLastTenMinutesByDefault() {
        store.points.put("cpu;host=a", new TimeSeries("cpu;host=a",
                new long[] {NOW - 20_000, NOW - 10_000, NOW}, new double[] {1, 2.5, -3}));
        assertEquals(String.join("\n",
                "TIME                 VALUE",
                "2024-05-01T13:59:40      1",
                "2024-05-01T13:59:50    2.5",
                "2024-05-01T14:00:00     -3",
                ""), commands.query("cpu;host=a", null));
        assertEquals(NOW - 10 * 60_000, store.lastFrom);
        assertEquals(NOW, store.lastTo);
        assertEquals(0, store.lastStep);
    }

    @Test
    void queryShowsMillisecondsOnlyWhenAPointHasThem() {
        store.points.put("x", new TimeSeries("x", new long[] {NOW - 1500, NOW}, new double[] {1, 2}));
        assertEquals(String.join("\n",
                "TIME                     VALUE",
                "2024-05-01T13:59:58.500      1",
                "2024-05-01T14:00:00.000      2",
                ""), commands.query("x", "1"));
        assertEquals(NOW - 60_000, store.lastFrom);
    }

    @Test
    void queryRejectsBadMinutesAndSaysWhenThereAreNoPoints() {
        assertEquals("error: minutes: expected a whole number of minutes above 0, got 'ten'\n", commands.query("x", "ten"));
        assertEquals("error: minutes: expected a whole number of minutes above 0, got '0'\n", commands.query("x", "0"));
        assertEquals("no points for 'x' in the last 30 minutes\n", commands.query("x", "30"));
        assertEquals("error: seriesKey: required (see lodestar:series)\n", commands.query(null, null));
    }

    @Test
    void emitSendsAGaugeWithTagsNow() {
        assertEquals("emitted test.answer;dc=x;host=a 42\n", commands.emit("test.answer", "42", "host=a", "dc=x"));
        assertEquals(List.of(new Sample("test.answer", Tags.of("host", "a", "dc", "x"), 42, NOW, Kind.GAUGE)),
                pipeline.emitted);
        assertEquals("emitted t 0.5\n", commands.emit("t", "0.5"));
    }

    @Test
    void emitExplainsBadInputAndEmitsNothing() {
        assertEquals("error: value: expected a number such as 42 or 0.5, got 'abc'\n", commands.emit("t", "abc"));
        assertEquals("error: tag: expected key=value (both non-empty, no ';'), got 'host'\n", commands.emit("t", "1", "host"));
        assertEquals("error: tag: expected key=value (both non-empty, no ';'), got '=a'\n", commands.emit("t", "1", "=a"));
        assertEquals("error: tag: expected key=value (both non-empty, no ';'), got 'host='\n", commands.emit("t", "1", "host="));
        assertEquals("error: name: must not contain blanks, ';' or '=', got 'a;b'\n", commands.emit("a;b", "1"));
        assertEquals("error: name: required\n", commands.emit("", "1"));
        assertTrue(pipeline.emitted.isEmpty());
    }

    @Test
    void collectPrintsEachSample() {
        pipeline.beacons.put("system", List.of(
                new Sample("cpu.load", Tags.of("host", "a"), 0.5, NOW, Kind.GAUGE),
                new Sample("mem.used", Tags.EMPTY, 1024, NOW, Kind.GAUGE)));
        assertEquals("cpu.load;host=a 0.5\nmem.used 1024\n", commands.collect("system"));
        pipeline.beacons.put("quiet", List.of());
        assertEquals("beacon quiet produced no samples\n", commands.collect("quiet"));
    }

    @Test
    void collectOfAnUnknownBeaconListsTheBeacons() {
        pipeline.status.add(new ComponentStatus("sink", "graphite", State.OK, Map.of(), null));
        pipeline.status.add(new ComponentStatus("beacon", "system", State.OK, Map.of(), null));
        pipeline.status.add(new ComponentStatus("beacon", "jvm", State.OK, Map.of(), null));
        assertEquals("no beacon named sys; beacons: jvm, system\n", commands.collect("sys"));
        assertEquals("error: beacon: required; beacons: jvm, system\n", commands.collect(null));
        pipeline.status.clear();
        assertEquals("no beacon named sys; beacons: (none)\n", commands.collect("sys"));
    }

    @Test
    void collectReportsAFailingBeaconOnOneLine() {
        pipeline.collectFailure = new IllegalStateException("disk\nunreadable");
        assertEquals("error: beacon 'system' failed: disk unreadable\n", commands.collect("system"));
    }

    @Test
    void textFormats() {
        assertEquals("42", Text.value(42.0));
        assertEquals("-0.125", Text.value(-0.125));
        assertEquals("1.0E20", Text.value(1e20));
        assertEquals("Infinity", Text.value(Double.POSITIVE_INFINITY));
        assertEquals("0s", Text.age(999));
        assertEquals("59s", Text.age(59_999));
        assertEquals("1m0s", Text.age(60_000));
        assertEquals("2h5m", Text.age(2 * 3_600_000 + 5 * 60_000 + 7_000));
        assertEquals("-2s", Text.age(-2_000));
    }
}
