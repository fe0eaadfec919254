package lodestar.web.graphite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import lodestar.api.Tags;
import lodestar.support.json.Json;

/** /render and /metrics/find over a real store: shapes, globs, each function, bounds and bad input. */
class RenderTest {

    @TempDir
    Path home;
    StoreFixture fx;
    /** a "now" on a minute boundary, a little after the data */
    long now;
    long t0;
    Renderer renderer;
    StoreSource source;

    @BeforeEach
    void setUp() {
        fx = new StoreFixture(home);
        now = System.currentTimeMillis() / 60_000 * 60;
        t0 = now - 600; // ten minutes of 10 s points: 60 values
        double[] up = new double[60];
        double[] flat = new double[60];
        double[] counter = new double[60];
        for (int i = 0; i < 60; i++) {
            up[i] = i;
            flat[i] = 2.5;
            counter[i] = 100 + 30 * i;
        }
        counter[30] = 10; // a counter reset
        fx.write("servers.web1.cpu", t0, 10, up);
        fx.write("servers.web2.cpu", t0, 10, flat);
        fx.write("servers.db1.cpu", t0, 10, flat);
        fx.write("servers.web1.requests", t0, 10, counter);
        fx.write("servers.web1.disk.used", t0, 10, flat);
        fx.write("tagged.load", Tags.of("host", "a"), t0, 10, flat);
        fx.write("tagged.load", Tags.of("host", "b"), t0, 10, up);
        source = new StoreSource(fx.store, () -> now * 1000);
        renderer = new Renderer(source, new Limits(5, 500, 100, 100_000, 100), ZoneOffset.UTC);
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    List<Map<String, Object>> renderRange(String from, String until, Integer maxDataPoints, String... targets) {
        String json = renderer.render(new Renderer.Request(List.of(targets), from, until, maxDataPoints, false), now * 1000).toString();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : Json.array(Json.parse(json))) {
            out.add(Json.object(o));
        }
        return out;
    }

    List<Map<String, Object>> render(String... targets) {
        return renderRange(Long.toString(t0 - 1), Long.toString(now), null, targets);
    }

    static List<Object> values(Map<String, Object> series) {
        List<Object> v = new ArrayList<>();
        for (Object p : Json.array(series.get("datapoints"))) {
            Object x = Json.array(p).get(0);
            v.add(x == null ? null : ((Number) x).doubleValue());
        }
        return v;
    }

    static List<Long> times(Map<String, Object> series) {
        List<Long> v = new ArrayList<>();
        for (Object p : Json.array(series.get("datapoints"))) {
            v.add(((Number) Json.array(p).get(1)).longValue());
        }
        return v;
    }

    @Test
    void aPlainSeriesComesBackAtItsStepWithWhispersBounds() {
        List<Map<String, Object>> r = render("servers.web1.cpu");
        assertEquals(1, r.size());
        assertEquals("servers.web1.cpu", r.get(0).get("target"));
        assertEquals(Map.of("name", "servers.web1.cpu"), r.get(0).get("tags"));
        List<Long> ts = times(r.get(0));
        // from = t0 - 1: the first slot after it is t0; until = now: the slot of now is included (empty)
        assertEquals(t0, ts.get(0));
        assertEquals(now, ts.get(ts.size() - 1));
        assertEquals(61, ts.size());
        List<Object> v = values(r.get(0));
        assertEquals(0.0, v.get(0));
        assertEquals(59.0, v.get(59));
        assertEquals(null, v.get(60));
    }

    @Test
    void globsBracesAndBracketsPickTheSameSeriesAsGraphite() {
        assertEquals(List.of("servers.db1.cpu", "servers.web1.cpu", "servers.web2.cpu"), targets(render("servers.*.cpu")));
        assertEquals(List.of("servers.web1.cpu", "servers.web2.cpu"), targets(render("servers.web?.cpu")));
        assertEquals(List.of("servers.db1.cpu", "servers.web2.cpu"), targets(render("servers.{db1,web2}.cpu")));
        assertEquals(List.of("servers.web2.cpu"), targets(render("servers.web[2-9].cpu")));
        assertEquals(List.of("servers.web1.cpu"), targets(render("servers.web[!2].cpu")));
        assertEquals(List.of("servers.web1.cpu", "servers.web1.requests"), targets(render("servers.web1.{cpu,req*}")));
        assertEquals(List.of(), targets(render("servers.nothing.cpu")));
        // a plain name gives every tagged series of it, named as Graphite 1.1 names tagged series
        List<Map<String, Object>> tagged = render("tagged.load");
        assertEquals(List.of("tagged.load;host=a", "tagged.load;host=b"), targets(tagged));
        assertEquals(Map.of("name", "tagged.load", "host", "a"), tagged.get(0).get("tags"));
        assertEquals(List.of("tagged.load;host=b"), targets(render("tagged.load;host=b")));
    }

    @Test
    void sumAndAverageCombineRowByRowAndNameTheExpressions() {
        Map<String, Object> sum = render("sumSeries(servers.web*.cpu)").get(0);
        assertEquals("sumSeries(servers.web*.cpu)", sum.get("target"));
        assertEquals(Map.of("name", "sumSeries(servers.web*.cpu)", "aggregatedBy", "sum"), sum.get("tags"));
        assertEquals(2.5, values(sum).get(0));
        assertEquals(59 + 2.5, values(sum).get(59));
        assertEquals(null, values(sum).get(60));
        Map<String, Object> avg = render("averageSeries(servers.web1.cpu, servers.db1.cpu)").get(0);
        assertEquals("averageSeries(servers.web1.cpu,servers.db1.cpu)", avg.get("target"));
        assertEquals((10 + 2.5) / 2, values(avg).get(10));
        assertEquals(1, render("sum(servers.*.cpu)").size());
        assertEquals(List.of(), render("sumSeries(servers.none.*)"));
    }

    @Test
    void scaleAliasAndAliasByNode() {
        Map<String, Object> s = render("scale(servers.web1.cpu,0.5)").get(0);
        assertEquals("scale(servers.web1.cpu,0.5)", s.get("target"));
        assertEquals("0.5", Json.object(s.get("tags")).get("scale")); // graphite-web's tags are strings
        assertEquals(5.0, values(s).get(10));
        assertEquals("scale(servers.web1.cpu,10)", render("scale(servers.web1.cpu,10)").get(0).get("target"));
        assertEquals("scale(servers.web1.cpu,1.23457e+06)", render("scale(servers.web1.cpu,1234567)").get(0).get("target"));
        assertEquals(List.of("cpu of web"), targets(render("alias(servers.web1.cpu, 'cpu of web')")));
        assertEquals(List.of("db1", "web1", "web2"), targets(render("aliasByNode(servers.*.cpu, 1)")));
        assertEquals(List.of("db1.cpu", "web1.cpu", "web2.cpu"), targets(render("aliasByNode(servers.*.cpu,1,-1)")));
        // a function-made name: the nodes come from its first path expression
        assertEquals(List.of("servers.web1"), targets(render("aliasByNode(scale(servers.web1.cpu,2),0,1)")));
        assertEquals(List.of("b"), targets(render("aliasByNode(tagged.load;host=b,'host')")));
    }

    @Test
    void perSecondIsANonNegativeDerivativeOverTheStep() {
        Map<String, Object> p = render("perSecond(servers.web1.requests)").get(0);
        assertEquals("perSecond(servers.web1.requests)", p.get("target"));
        assertEquals("1", Json.object(p.get("tags")).get("perSecond"));
        List<Object> v = values(p);
        assertEquals(null, v.get(0));
        assertEquals(3.0, v.get(1));
        assertEquals(null, v.get(30)); // the reset
        assertEquals(((100 + 30 * 31) - 10) / 10.0, v.get(31));
        // with maxValue the wrap is counted
        List<Object> w = values(render("perSecond(servers.web1.requests, 10000)").get(0));
        assertEquals(Functions.round6((10000 + 1 + 10 - (100 + 30 * 29)) / 10.0), w.get(30));
    }

    @Test
    void summarizeBucketsByIntervalAlignedToTheIntervalOrToFrom() {
        Map<String, Object> s = renderRange(Long.toString(t0 - 1), Long.toString(now - 1), null, "summarize(servers.web1.cpu, '1min')").get(0);
        assertEquals("summarize(servers.web1.cpu, \"1min\", \"sum\")", s.get("target"));
        assertEquals("1min", Json.object(s.get("tags")).get("summarize"));
        List<Object> v = values(s);
        List<Long> ts = times(s);
        assertEquals(t0, ts.get(0));
        assertEquals(0.0 + 1 + 2 + 3 + 4 + 5, v.get(0));
        // the bucket of until's slot (now .. now + 1min) has no point: graphite-web keeps it, as null
        assertEquals(11, v.size());
        assertEquals(9.0 * 6 * 6 + 15, v.get(9));
        assertEquals(null, v.get(10));
        List<Object> max = values(renderRange(Long.toString(t0 - 1), Long.toString(now - 1), null, "summarize(servers.web1.cpu,'2min','max')").get(0));
        // the first 2 min bucket starts on the 2 min grid, at or before t0: its last value is the one before its end
        long bucket = t0 - t0 % 120;
        assertEquals((double) ((bucket + 120 - t0) / 10 - 1), max.get(0));
        List<Object> last = values(renderRange(Long.toString(t0 - 1), Long.toString(now - 1), null, "summarize(servers.web1.cpu,'1min','last')").get(0));
        assertEquals(5.0, last.get(0));
        List<Object> avg = values(renderRange(Long.toString(t0 - 1), Long.toString(now - 1), null, "summarize(servers.web1.cpu,'1min','avg')").get(0));
        assertEquals(2.5, avg.get(0));
        // alignToFrom: buckets start at the series' start (t0 + 10 here), not on the minute
        Map<String, Object> a = renderRange(Long.toString(t0), Long.toString(now - 1), null, "summarize(servers.web1.cpu,'1min','sum',true)").get(0);
        assertEquals("summarize(servers.web1.cpu, \"1min\", \"sum\", true)", a.get("target"));
        assertEquals(t0 + 10, times(a).get(0));
        assertEquals(1.0 + 2 + 3 + 4 + 5 + 6, values(a).get(0));
    }

    @Test
    void maxDataPointsConsolidatesByAveragingAsGraphiteWebDoes() {
        Map<String, Object> r = renderRange(Long.toString(t0 - 1), Long.toString(now), 20, "servers.web1.cpu").get(0);
        List<Long> ts = times(r);
        // 61 slots over 600 s into at most 20 points: groups of 4 values (40 s), start nudged onto the 40 s grid
        assertTrue(ts.size() <= 20, ts.toString());
        for (int i = 1; i < ts.size(); i++) {
            assertEquals(40, ts.get(i) - ts.get(i - 1));
        }
        assertEquals(0, ts.get(0) % 40);
        List<Object> v = values(r);
        long firstSlot = ts.get(0);
        // each consolidated value is the mean of four slots starting one slot before its timestamp: graphite-web
        // drops one value fewer than its nudge spans (range(1, valuesToLose)); the differential test holds us to it
        int k = (int) ((firstSlot - t0) / 10) - 1;
        assertEquals((k + (k + 1) + (k + 2) + (k + 3)) / 4.0, v.get(0));
        Map<String, Object> one = renderRange(Long.toString(t0 - 1), Long.toString(now), 1, "servers.web1.cpu").get(0);
        assertEquals(List.of(29.5), values(one));
    }

    @Test
    void relativeAndAbsoluteTimes() {
        List<Map<String, Object>> r = renderRange("-10min", "now", null, "servers.web1.cpu");
        assertEquals(t0 + 10, times(r.get(0)).get(0));
        String hhmm = java.time.Instant.ofEpochSecond(t0 - 60).atZone(ZoneOffset.UTC)
                .format(java.time.format.DateTimeFormatter.ofPattern("HH:mm_yyyyMMdd"));
        assertEquals(t0 - 60 + 10, times(renderRange(hhmm, "now", null, "servers.web1.cpu").get(0)).get(0));
        assertEquals(now - 3600, TimeParser.parse("from", "-1h", now * 1000, ZoneOffset.UTC));
        assertEquals(now - 15 * 60, TimeParser.parse("from", "-15min", now * 1000, ZoneOffset.UTC));
        assertEquals(now - 7 * 86400, TimeParser.parse("from", "-7d", now * 1000, ZoneOffset.UTC));
        assertEquals(now - 5400, TimeParser.parse("from", "now-1h30min", now * 1000, ZoneOffset.UTC));
        assertEquals(1_700_000_000L, TimeParser.parse("from", "1700000000", now * 1000, ZoneOffset.UTC));
        assertEquals(1_764_936_000L, TimeParser.parse("from", "12:00_20251205", now * 1000, ZoneOffset.UTC));
        assertEquals(1_764_892_800L, TimeParser.parse("from", "20251205", now * 1000, ZoneOffset.UTC));
    }

    @Test
    void findListsOneLevelBranchesFirst() {
        List<Finder.Node> top = source.children(PathGlob.compile("servers.*"), 100);
        assertEquals(List.of("servers.db1", "servers.web1", "servers.web2"), top.stream().map(Finder.Node::path).toList());
        assertTrue(top.stream().noneMatch(Finder.Node::leaf));
        String tree = Finder.treeJson(new StringBuilder(), "servers.web1.*", source.children(PathGlob.compile("servers.web1.*"), 100)).toString();
        assertEquals("[{\"text\": \"disk\", \"id\": \"servers.web1.disk\", \"allowChildren\": 1, \"expandable\": 1, \"leaf\": 0}, "
                + "{\"text\": \"cpu\", \"id\": \"servers.web1.cpu\", \"allowChildren\": 0, \"expandable\": 0, \"leaf\": 1}, "
                + "{\"text\": \"requests\", \"id\": \"servers.web1.requests\", \"allowChildren\": 0, \"expandable\": 0, \"leaf\": 1}]", tree);
        assertEquals(List.of("servers.web1.cpu", "servers.web2.cpu"),
                source.children(PathGlob.compile("servers.{web1,web2}.c?u"), 100).stream().map(Finder.Node::path).toList());
        assertEquals(List.of("servers", "tagged"), source.children(PathGlob.compile("*"), 100).stream().map(Finder.Node::path).toList());
        String completer = Finder.completer(new StringBuilder(), source.children(PathGlob.compile("servers.web1.d*"), 100)).toString();
        assertEquals("{\"metrics\": [{\"path\": \"servers.web1.disk.\", \"name\": \"disk\", \"is_leaf\": \"0\"}]}", completer);
        BadRequest tooMany = assertThrows(BadRequest.class, () -> source.children(PathGlob.compile("servers.*"), 2));
        assertTrue(tooMany.getMessage().contains("maxFindResults=2"), tooMany.getMessage());
    }

    @Test
    void badTargetsAreRefusedWithAReason() {
        String[][] cases = {
            {"nosuch(servers.*)", "unknown function nosuch()"},
            {"scale(servers.web1.cpu)", "scale(): takes 2 arguments, got 1"},
            {"scale(servers.web1.cpu,'x')", "scale(): a number was expected"},
            {"alias(servers.web1.cpu, 3)", "alias(): the new name must be a quoted string"},
            {"sumSeries(servers.web1.cpu", "')' expected"},
            {"servers.{a,b", "unclosed"},
            {"summarize(servers.web1.cpu,'0min')", "must be positive"},
            {"summarize(servers.web1.cpu,'1min','median')", "unsupported aggregation function 'median'"},
            {"summarize(servers.web1.cpu,'1xyz')", "bad interval"},
            {"'just a string'", "not a series expression"},
            {"scale(" .repeat(20) + "a" + ",1)".repeat(20), "nested deeper than"},
        };
        for (String[] c : cases) {
            BadRequest e = assertThrows(BadRequest.class, () -> render(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
        assertThrows(BadRequest.class, () -> renderRange("-1hour", "yesterdayish", null, "servers.web1.cpu"));
        assertThrows(BadRequest.class, () -> renderRange("now", "-1h", null, "servers.web1.cpu"));
    }

    @Test
    void limitsRefuseBeforeReading() {
        String[] six = new String[6];
        Arrays.fill(six, "servers.web1.cpu");
        assertTrue(assertThrows(BadRequest.class, () -> render(six)).getMessage().contains("maxTargets=5"));
        assertTrue(assertThrows(BadRequest.class, () -> render("servers." + "x".repeat(600)))
                .getMessage().contains("maxTargetLength=500"));
        Renderer small = new Renderer(source, new Limits(5, 500, 2, 100_000, 100), ZoneOffset.UTC);
        BadRequest series = assertThrows(BadRequest.class, () -> small.render(
                new Renderer.Request(List.of("servers.*.cpu"), "-10min", "now", null, false), now * 1000));
        assertTrue(series.getMessage().contains("maxSeries=2"), series.getMessage());
        Renderer fewPoints = new Renderer(source, new Limits(5, 500, 100, 100, 100), ZoneOffset.UTC);
        BadRequest points = assertThrows(BadRequest.class, () -> fewPoints.render(
                new Renderer.Request(List.of("servers.web1.cpu", "servers.web2.cpu"), "-10min", "now", null, false), now * 1000));
        assertTrue(points.getMessage().contains("maxPoints=100"), points.getMessage());
    }

    @Test
    void namesAreJsonEscaped() {
        fx.write("evil.<script>\"x\"", t0, 10, 1, 2);
        String json = renderer.render(new Renderer.Request(List.of("evil.*"), "-10min", "now", null, false), now * 1000).toString();
        assertTrue(json.contains("\"target\": \"evil.<script>\\\"x\\\"\""), json);
        assertEquals("evil.<script>\"x\"", Json.object(Json.array(Json.parse(json)).get(0)).get("target"));
    }

    @Test
    void numbersAreWrittenAsPythonWritesThem() {
        assertEquals("10", Functions.formatG(10));
        assertEquals("0.5", Functions.formatG(0.5));
        assertEquals("1.23457e+06", Functions.formatG(1234567));
        assertEquals("1e-05", Functions.formatG(0.00001));
        assertEquals("0.0001", Functions.formatG(0.0001));
        assertEquals("-2.5", Functions.formatG(-2.5));
        assertEquals("10.0", Functions.pythonFloat(10));
        assertEquals("2.5", Functions.pythonFloat(2.5));
        assertEquals("1234567.0", Functions.pythonFloat(1234567));
        assertEquals("1e+16", Functions.pythonFloat(1e16));
        assertEquals("1e-05", Functions.pythonFloat(0.00001));
        assertEquals("0.1", Functions.pythonFloat(0.1));
        assertEquals(0.333333, Functions.round6(1 / 3.0));
        assertEquals(2.000001, Functions.round6(2.0000005)); // Python: round(2.0000005, 6) == 2.000001
        assertEquals(0.000013, Functions.round6(0.0000135)); // Python: 1.3e-05 (the exact binary value decides)
    }

    static List<Object> targets(List<Map<String, Object>> r) {
        return r.stream().map(m -> m.get("target")).toList();
    }
}
