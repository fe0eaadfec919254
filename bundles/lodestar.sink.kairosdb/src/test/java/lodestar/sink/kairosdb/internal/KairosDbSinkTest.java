package lodestar.sink.kairosdb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.config.Hosts;
import lodestar.testkit.Configs;
import lodestar.testkit.servers.ApiServer;
import lodestar.testkit.servers.ApiServer.Point;
import lodestar.testkit.servers.KairosDbServer;
import lodestar.testkit.sinks.ApiServerSinkKit;
import lodestar.support.secrets.Secrets;

/** The shared sink kit and KairosDB's specifics against the in-repo server that checks /api/v1/datapoints. */
class KairosDbSinkTest extends ApiServerSinkKit<KairosDbSink> {

    private static KairosDbServer server;

    @BeforeAll
    static void start() throws IOException {
        server = new KairosDbServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Override
    protected ApiServer server() {
        return server;
    }

    @Override
    protected KairosDbSink activate(Map<String, Object> props) {
        return new KairosDbSink(Configs.of(KairosDbSink.Config.class, props), Secrets.of(props));
    }

    @Override
    protected void deactivate(KairosDbSink sink) {
        sink.deactivate();
    }

    @Override
    protected void resetServer() {
        server.requireAuth(null, null);
        server.failMetrics(n -> false, "");
    }

    private Sample at(String suffix, Tags tags, double v, long ts) {
        return Sample.of(prefix + "." + suffix, tags, v, ts, Kind.GAUGE);
    }

    private List<Point> named(String suffix) {
        return server.points(p -> p.name().equals(prefix + "." + suffix));
    }

    @Test
    void pointsOfOneSeriesTravelTogetherWithDefaultTagsAndMillisecondTimestamps() throws Exception {
        KairosDbSink s = sink(Map.of("defaultTags", new String[] {"dc=par1"}));
        long t = 1_700_000_000_123L;
        s.write(List.of(at("cpu", Tags.of("host", "a"), 1, t), at("cpu", Tags.of("host", "a"), 2.5, t + 1000),
                at("cpu", Tags.of("host", "b"), 3, t), at("odd", Tags.of("k:1", "a=b", "empty", ""), 4, t)));
        server.await(prefix, 4);
        List<Point> a = named("cpu").stream().filter(p -> p.tags().get("host").equals("a")).toList();
        assertEquals(List.of(t, t + 1000), a.stream().map(Point::timestampMillis).toList());
        assertEquals(List.of("long", "double"), a.stream().map(Point::type).toList(), "42 is a long to KairosDB, 2.5 a double");
        assertEquals(Map.of("host", "a", "dc", "par1"), a.get(0).tags());
        assertEquals(Map.of("k_1", "a_b", "dc", "par1"), named("odd").get(0).tags(), "':' and '=' replaced, empty value left out");
        assertEquals(4, s.writtenCount());
    }

    @Test
    void withoutDefaultTagsTheShortHostNameIsTheOneTagKairosNeeds() throws Exception {
        sink(Map.of()).write(List.of(at("lonely", Tags.EMPTY, 1, System.currentTimeMillis())));
        server.await(prefix, 1);
        assertEquals(Map.of("host", KairosJson.sanitizeTag(Hosts.shortName())), named("lonely").get(0).tags());
    }

    @Test
    void basicAuthAsPuyPuysAuthOption() throws Exception {
        server.requireAuth("lodestar", "s3cret:é");
        sink(Map.of("username", "lodestar", "password", "s3cret:é")).write(List.of(at("auth", Tags.EMPTY, 1, System.currentTimeMillis())));
        assertEquals(1, server.await(prefix, 1).size());
        int before = server.authFailures();
        KairosDbSink wrong = sink(Map.of("username", "lodestar", "password", "nope"));
        IOException e = assertThrows(IOException.class, () -> wrong.write(List.of(at("auth2", Tags.EMPTY, 1, System.currentTimeMillis()))));
        assertTrue(e.getMessage().contains("401"), e.getMessage());
        KairosDbSink none = sink(Map.of());
        assertThrows(IOException.class, () -> none.write(List.of(at("auth3", Tags.EMPTY, 1, System.currentTimeMillis()))));
        assertEquals(before + 2, server.authFailures());
        assertEquals(1, server.points(p -> p.name().startsWith(prefix)).size());
    }

    @Test
    void gzipBodiesArriveWhole() throws Exception {
        server.clear();
        KairosDbSink s = sink(Map.of("gzip", true));
        List<Sample> batch = new ArrayList<>();
        long t = System.currentTimeMillis();
        for (int i = 0; i < 1000; i++) {
            batch.add(at("gz" + i % 10, Tags.of("i", String.valueOf(i % 7)), i, t + i));
        }
        s.write(batch);
        assertEquals(1000, server.await(prefix, 1000).size());
        assertEquals(List.of("gzip"), server.contentEncodings());
    }

    @Test
    void metricsKairosRefusesAreCountedAndTheRestIsStoredWithoutAnException() throws Exception {
        server.failMetrics(n -> n.endsWith(".bad"), "metric[0](name=bad).tag[x].value may not be null or empty.");
        KairosDbSink s = sink(Map.of());
        long t = System.currentTimeMillis();
        s.write(List.of(at("good1", Tags.EMPTY, 1, t), at("bad", Tags.EMPTY, 2, t), at("good2", Tags.EMPTY, 3, t)));
        assertEquals(2, server.await(prefix, 2).size());
        assertEquals(1, s.refusedRequestCount());
    }

    @Test
    void nonFiniteValuesAreRefusedBeforeBufferingAndLevelsAreLeftToTheCore() {
        KairosDbSink s = sink(Map.of());
        assertTrue(s.accepts(at("x", Tags.of("level", "error"), 1, 0)));
        assertTrue(s.accepts(at("x", Tags.of("level", "info"), 1, 0)), "levels are the core runner's (RunnerSettingsTest)");
        assertFalse(s.accepts(at("x", Tags.EMPTY, Double.POSITIVE_INFINITY, 0)));
        assertEquals(1, s.nonFiniteCount());
    }

    @Test
    void badConfigurationNamesTheProperty() {
        new KairosDbSink(Configs.of(KairosDbSink.Config.class, Map.of()), Secrets.of(Map.of())).deactivate();
        assertRejected("url", "url", "localhost:8080");
        assertRejected("url", "url", "http://user:pw@localhost:8080");
        assertRejected("username", "password", "x");
        assertRejected("username", "username", "a:b", "password", "x");
        assertRejected("timeout", "timeout", "fast");
        assertRejected("defaultTags", "defaultTags", new String[] {"novalue="});
    }
}
