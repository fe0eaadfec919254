package lodestar.web.graphite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import lodestar.support.json.Json;
import lodestar.testkit.CarbonProcess;
import lodestar.testkit.Configs;
import lodestar.testkit.GraphiteWebProcess;
import lodestar.testkit.Tools;

/**
 * Lodestar's Graphite API against the real thing: the same samples go to a real carbon-cache (Debian's
 * graphite-carbon, storage schema 10s:1d) read through a real graphite-web 1.1.8, and into Lodestar's store
 * read through this bundle's servlet over HTTP; the {@code find} and {@code render} answers of a table of
 * queries are compared point for point (target, tags, every timestamp and value). Every intended difference is
 * asserted as such in {@link #intendedDifferences()} and listed in the README.
 */
@Timeout(120)
class GraphiteWebDifferentialTest {

    @TempDir
    static Path dir;
    static CarbonProcess carbon;
    static GraphiteWebProcess web;
    static StoreFixture store;
    static ApiServer lodestar;
    /** first sample time: on the 10 s grid both stores use, 50 min back (inside carbon's day and Lodestar's raw 6 h) */
    static long t0;
    static final int POINTS = 240; // 40 minutes at 10 s

    static final List<String> NAMES = List.of("diff.web1.cpu", "diff.web2.cpu", "diff.db1.cpu", "diff.web1.requests",
            "diff.web1.disk.used", "diff.web1.disk.free", "other.x");

    /** the value of series {@code name} at point {@code i}; NaN: no sample then */
    static double value(String name, int i) {
        return switch (name) {
            case "diff.web1.cpu" -> i * 1.5;
            case "diff.web2.cpu" -> i % 7 == 3 ? Double.NaN : 100 - i * 0.25;
            case "diff.db1.cpu" -> i < 30 ? Double.NaN : 3.25;
            case "diff.web1.requests" -> i == 120 ? 5 : 1000 + 17 * i + (i > 120 ? 3 : 0);
            case "diff.web1.disk.used" -> 40 + (i % 5);
            case "diff.web1.disk.free" -> 60 - (i % 5);
            default -> i % 3;
        };
    }

    @BeforeAll
    static void start() throws Exception {
        Path carbonCache = Tools.require("graphite-carbon", "carbon-cache");
        Path whisperFetch = Tools.require("python3-whisper", "whisper-fetch", "whisper-fetch.py");
        Path manage = Tools.require("graphite-web", "graphite-manage");
        // the interpreter Debian's graphite-web runs on (its django is there), not whatever python3 is first on the PATH
        Path python = Path.of(Files.readAllLines(manage).get(0).substring(2).strip());
        carbon = new CarbonProcess(carbonCache, whisperFetch, dir.resolve("carbon"));
        Files.writeString(carbon.dir.resolve("storage-schemas.conf"), "[everything]\npattern = .*\nretentions = 10s:1d\n");
        carbon.start();
        web = new GraphiteWebProcess(python, carbon.dir, carbon.whisperDir, dir.resolve("web"));
        web.start();
        store = new StoreFixture(dir.resolve("lodestar"));
        lodestar = new ApiServer(new GraphiteApi(GraphiteApi.Settings.from(Configs.of(GraphiteApi.Config.class)),
                new StoreSource(store.store, System::currentTimeMillis)));

        t0 = (System.currentTimeMillis() / 1000 - 50 * 60) / 10 * 10;
        StringBuilder lines = new StringBuilder();
        for (String name : NAMES) {
            double[] v = new double[POINTS];
            for (int i = 0; i < POINTS; i++) {
                v[i] = value(name, i);
                if (!Double.isNaN(v[i])) {
                    lines.append(name).append(' ').append(v[i]).append(' ').append(t0 + 10L * i).append('\n');
                }
            }
            store.write(name, t0, 10, v);
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), carbon.linePort); OutputStream out = s.getOutputStream()) {
            out.write(lines.toString().getBytes(StandardCharsets.US_ASCII));
        }
        // carbon writes its cache out asynchronously: wait until every series' last point is on disk
        for (String name : NAMES) {
            long last = t0 + 10L * (POINTS - 1);
            Map<Long, Double> expected = Map.of(last, value(name, POINTS - 1));
            assertEquals(expected, carbon.awaitPoints(name, last, last, expected), name + "\n" + carbon.logTail());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (lodestar != null) {
            lodestar.close();
        }
        if (web != null) {
            web.close();
        }
        if (carbon != null) {
            carbon.close();
        }
        if (store != null) {
            store.close();
        }
    }

    static String range() {
        return "&from=" + (t0 - 5) + "&until=" + (t0 + 10L * POINTS + 30);
    }

    /** Render queries compared whole: [targets..., extra parameters]. */
    static List<String[]> render() {
        return List.of(
            new String[] {"diff.web1.cpu"},
            new String[] {"diff.*.cpu"},
            new String[] {"diff.web?.cpu"},
            new String[] {"diff.{web1,db1}.cpu"},
            new String[] {"diff.web[12].cpu"},
            new String[] {"diff.web1.disk.*"},
            new String[] {"diff.nothing.*"},
            new String[] {"sumSeries(diff.*.cpu)"},
            new String[] {"sum(diff.web1.disk.*)"},
            new String[] {"sumSeries(diff.web1.cpu)"},
            new String[] {"averageSeries(diff.web*.cpu)"},
            new String[] {"avg(diff.web1.cpu,diff.db1.cpu)"},
            new String[] {"scale(diff.web1.cpu,2.5)"},
            new String[] {"scale(diff.*.cpu,10)"},
            new String[] {"alias(diff.web1.cpu,\"web one\")"},
            new String[] {"alias(sumSeries(diff.*.cpu),'all')"},
            new String[] {"aliasByNode(diff.*.cpu,1)"},
            new String[] {"aliasByNode(diff.web1.disk.*,-1,1)"},
            new String[] {"aliasByNode(perSecond(diff.web1.requests),1,2)"},
            new String[] {"perSecond(diff.web1.requests)"},
            // a range without nulls: graphite-web 1.1.8's perSecond with maxValue fails on a null (intendedDifferences)
            new String[] {"perSecond(diff.web1.requests,20000)", "&from=" + (t0 - 5) + "&until=" + (t0 + 10L * (POINTS - 1) - 1)},
            new String[] {"summarize(diff.web1.cpu,'5min')"},
            new String[] {"summarize(diff.web2.cpu,\"5min\",\"avg\")"},
            new String[] {"summarize(diff.web2.cpu,'7min','max')"},
            new String[] {"summarize(diff.web1.disk.used,'1h','min')"},
            new String[] {"summarize(diff.web2.cpu,'5min','last')"},
            new String[] {"summarize(diff.web1.cpu,'5min','sum',true)"},
            new String[] {"summarize(perSecond(diff.web1.requests),'10min','avg')"},
            new String[] {"sumSeries(scale(diff.*.cpu,2))"},
            new String[] {"diff.web1.cpu", "diff.db1.cpu"},
            new String[] {"diff.*.cpu", "&maxDataPoints=50"},
            new String[] {"sumSeries(diff.*.cpu)", "&maxDataPoints=7"},
            new String[] {"diff.web2.cpu", "&maxDataPoints=1"},
            new String[] {"diff.web2.cpu", "&noNullPoints=1"});
    }

    @Test
    void renderAnswersMatchGraphiteWebPointForPoint() throws Exception {
        List<String> failures = new ArrayList<>();
        List<String[]> table = render();
        for (String[] q : table) {
            StringBuilder query = new StringBuilder("/render?format=json");
            for (String part : q) {
                if (part.startsWith("&")) {
                    query.append(part);
                } else {
                    query.append("&target=").append(GraphiteWebProcess.enc(part));
                }
            }
            if (query.indexOf("&from=") < 0) {
                query.append(range());
            }
            compare(String.join(" + ", q), query.toString(), failures);
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + table.size() + " differ:\n" + String.join("\n", failures));
    }

    @Test
    void relativeFromMatchesWithinTheSameStep() throws Exception {
        List<String> failures = new ArrayList<>();
        for (String q : List.of("/render?format=json&target=diff.*.cpu&from=-1h",
                "/render?format=json&target=sumSeries(diff.*.cpu)&from=-45min&until=now",
                "/render?format=json&target=diff.web1.cpu&from=-2h&until=-20min")) {
            // both sides read "now" themselves: ask both within one 10 s step, or try again in the next
            sameStep(() -> {
                List<String> f = new ArrayList<>();
                try {
                    compare(q, q, f);
                } catch (Exception e) {
                    f.add(q + ": " + e);
                }
                return f;
            }, failures);
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    static final List<String> FIND = List.of("*", "diff.*", "diff.web1.*", "diff.web1.disk.*", "diff.{web1,db1}.*",
            "diff.web?", "diff.w*", "diff.*.cpu", "diff.web[12].*", "diff.web1.disk.u*", "diff.nothing", "diff.web1.cpu");

    @Test
    void findAnswersMatchGraphiteWeb() throws Exception {
        List<String> failures = new ArrayList<>();
        for (String q : FIND) {
            for (String format : List.of("treejson", "completer")) {
                String url = "/metrics/find?format=" + format + "&query=" + GraphiteWebProcess.enc(q);
                compare(q + " (" + format + ")", url, failures);
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " differ:\n" + String.join("\n", failures));
    }

    /**
     * What graphite-web answers differently on purpose: asserted here so a change on either side shows.
     * (Listed in the README, "Intended differences from graphite-web".)
     */
    @Test
    void intendedDifferences() throws Exception {
        // 1. a bad target: graphite-web answers 400 with an HTML/text page (or 500 for an unknown function);
        //    Lodestar answers 400 with {"error": "..."} and no stack trace
        HttpResponse<String> ours = lodestar.get("/render?format=json&target=nosuch(diff.*)");
        HttpResponse<String> theirs = web.get("/render?format=json&target=nosuch(diff.*)");
        assertEquals(400, ours.statusCode());
        assertTrue(ours.body().startsWith("{\"error\": \"unknown function nosuch()"), ours.body());
        assertTrue(theirs.statusCode() >= 400, theirs.statusCode() + " " + theirs.body());
        assertTrue(!theirs.body().startsWith("{\"error\""), theirs.body());
        // 2. jsonp is not served (a script-injection vector): the answer stays plain JSON
        ours = lodestar.get("/render?format=json&target=diff.web1.cpu&jsonp=alert" + range());
        theirs = web.get("/render?format=json&target=diff.web1.cpu&jsonp=alert" + range());
        assertTrue(ours.body().startsWith("[{"), ours.body());
        assertTrue(theirs.body().startsWith("alert("), theirs.body());
        // 3. formats other than json (png, csv, raw, pickle...) are refused with 400; graphite-web draws them
        ours = lodestar.get("/render?format=csv&target=diff.web1.cpu" + range());
        theirs = web.get("/render?format=csv&target=diff.web1.cpu" + range());
        assertEquals(400, ours.statusCode());
        assertEquals(200, theirs.statusCode());
        // 4. limits: more than maxTargets targets is a 400; graphite-web has no such bound
        StringBuilder many = new StringBuilder("/render?format=json");
        for (int i = 0; i < 21; i++) {
            many.append("&target=diff.web1.cpu");
        }
        assertEquals(400, lodestar.get(many + range()).statusCode());
        assertEquals(200, web.get(many + range()).statusCode());
        // 5. perSecond with maxValue over a null: graphite-web 1.1.8 fails (500, comparing None with a number);
        //    Lodestar treats the null as a gap, as perSecond without maxValue does
        String perSecond = "/render?format=json&target=" + GraphiteWebProcess.enc("perSecond(diff.web1.requests,20000)") + range();
        assertEquals(500, web.get(perSecond).statusCode());
        ours = lodestar.get(perSecond);
        assertEquals(200, ours.statusCode());
        assertTrue(ours.body().contains("[1.7, " + (t0 + 10) + "]"), ours.body());
    }

    @Test
    void postFormsReadLikeGets() throws Exception {
        String form = "target=" + GraphiteWebProcess.enc("sumSeries(diff.*.cpu)") + "&format=json" + range();
        HttpResponse<String> post = lodestar.post("/render", "application/x-www-form-urlencoded", form);
        HttpResponse<String> get = lodestar.get("/render?" + form);
        assertEquals(200, post.statusCode(), post.body());
        assertEquals(get.body(), post.body());
        assertEquals(415, lodestar.post("/render", "application/json", "{}").statusCode());
        assertEquals(414, lodestar.get("/render?target=" + "x".repeat(20_000)).statusCode());
    }

    private static void compare(String label, String url, List<String> failures) throws Exception {
        HttpResponse<String> theirs = web.get(url);
        HttpResponse<String> ours = lodestar.get(url);
        if (theirs.statusCode() != 200) {
            failures.add(label + ": graphite-web answered " + theirs.statusCode() + " " + theirs.body());
            return;
        }
        if (ours.statusCode() != 200) {
            failures.add(label + ": lodestar answered " + ours.statusCode() + " " + ours.body());
            return;
        }
        Object a = sameNamesByPath(Json.parse(theirs.body()));
        Object b = sameNamesByPath(Json.parse(ours.body()));
        String diff = difference("", a, b);
        if (diff != null) {
            failures.add(label + ": " + diff + "\n  graphite-web: " + cut(theirs.body()) + "\n  lodestar:     " + cut(ours.body()));
        }
    }

    /**
     * graphite-web's completer lists nodes of one name in the order the file system lists the folders (it sorts by
     * name only); Lodestar by path. Compared with that order set aside (intended difference).
     */
    @SuppressWarnings("unchecked")
    private static Object sameNamesByPath(Object json) {
        if (json instanceof Map<?, ?> m && m.get("metrics") instanceof List<?> list) {
            List<Object> sorted = new ArrayList<>(list);
            sorted.sort(java.util.Comparator.comparing(o -> ((Map<String, Object>) o).get("name") + "\u0000"
                    + ((Map<String, Object>) o).get("path")));
            return Map.of("metrics", sorted);
        }
        return json;
    }

    private static void sameStep(Supplier<List<String>> attempt, List<String> failures) throws InterruptedException {
        for (int tries = 0; tries < 3; tries++) {
            long step = System.currentTimeMillis() / 10_000;
            if (System.currentTimeMillis() % 10_000 > 7_000) {
                Thread.sleep(10_000 - System.currentTimeMillis() % 10_000 + 100);
                continue;
            }
            List<String> f = attempt.get();
            if (System.currentTimeMillis() / 10_000 == step) {
                failures.addAll(f);
                return;
            }
        }
        fail("could not ask both servers within one 10 s step");
    }

    /** Where two parsed JSON values differ (numbers compared as doubles, to 1e-9 relative), or null. */
    @SuppressWarnings("unchecked")
    static String difference(String at, Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            double p = x.doubleValue();
            double q = y.doubleValue();
            return p == q || Math.abs(p - q) <= 1e-9 * Math.max(Math.abs(p), Math.abs(q)) ? null : at + ": " + a + " != " + b;
        }
        if (a instanceof Map<?, ?> m && b instanceof Map<?, ?> n) {
            if (!m.keySet().equals(n.keySet())) {
                return at + ": keys " + m.keySet() + " != " + n.keySet();
            }
            for (Object k : m.keySet()) {
                String d = difference(at + "." + k, m.get(k), n.get(k));
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (a instanceof List<?> l && b instanceof List<?> r) {
            if (l.size() != r.size()) {
                return at + ": " + l.size() + " elements != " + r.size();
            }
            for (int i = 0; i < l.size(); i++) {
                String d = difference(at + "[" + i + "]", l.get(i), r.get(i));
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        return java.util.Objects.equals(a, b) ? null : at + ": " + a + " != " + b;
    }

    private static String cut(String s) {
        return s.length() > 600 ? s.substring(0, 600) + "..." : s;
    }

}
