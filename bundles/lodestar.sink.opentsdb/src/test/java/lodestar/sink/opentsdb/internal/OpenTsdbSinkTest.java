package lodestar.sink.opentsdb.internal;

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
import lodestar.support.secrets.Secrets;
import lodestar.testkit.Configs;
import lodestar.testkit.servers.ApiServer;
import lodestar.testkit.servers.ApiServer.Point;
import lodestar.testkit.servers.OpenTsdbServer;
import lodestar.testkit.sinks.ApiServerSinkKit;

/** The shared sink kit and OpenTSDB's specifics against the in-repo server that checks /api/put. */
class OpenTsdbSinkTest extends ApiServerSinkKit<OpenTsdbSink> {

    private static OpenTsdbServer server;

    @BeforeAll
    static void start() throws IOException {
        server = new OpenTsdbServer();
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
    protected OpenTsdbSink activate(Map<String, Object> props) {
        return new OpenTsdbSink(Configs.of(OpenTsdbSink.Config.class, props), Secrets.of(props));
    }

    @Override
    protected void deactivate(OpenTsdbSink sink) {
        sink.deactivate();
    }

    @Override
    protected void resetServer() {
        server.stopFailingPoints();
    }

    @Override
    protected String expectedName(String name) {
        return OpenTsdbNames.sanitize(name);
    }

    private Sample at(String suffix, Tags tags, double v) {
        return Sample.of(prefix + "." + suffix, tags, v, System.currentTimeMillis() / 1000 * 1000, Kind.GAUGE);
    }

    @Test
    void everyPointGetsTheDefaultTagsItLacksAndAtLeastOneTag() throws Exception {
        OpenTsdbSink s = sink(Map.of("defaultTags", new String[] {"dc=par1,host=fallback"}));
        s.write(List.of(at("a", Tags.EMPTY, 1), at("b", Tags.of("host", "web-1"), 2), at("c", Tags.of("host", ""), 3)));
        List<Point> got = server.await(prefix, 3);
        assertEquals(Map.of("dc", "par1", "host", "fallback"), byName(got, "a").tags());
        assertEquals(Map.of("dc", "par1", "host", "web-1"), byName(got, "b").tags());
        assertEquals(Map.of("dc", "par1", "host", "fallback"), byName(got, "c").tags(), "an empty value is left out");

        OpenTsdbSink plain = sink(Map.of());
        plain.write(List.of(at("d", Tags.EMPTY, 4)));
        assertEquals(Map.of("host", OpenTsdbNames.sanitize(Hosts.shortName())),
                byName(server.await(prefix, 4), "d").tags());
    }

    private Point byName(List<Point> got, String suffix) {
        return got.stream().filter(p -> p.name().equals(prefix + "." + suffix)).findFirst().orElseThrow(() -> new AssertionError(suffix + " in " + got));
    }

    @Test
    void namesAndTagsAreSanitizedToOpenTsdbsCharacters() throws Exception {
        OpenTsdbSink s = sink(Map.of());
        s.write(List.of(at("my disk:usage%", Tags.of("mount point", "/var/lib", "ville", "Zürich"), 1)));
        Point p = server.await(prefix, 1).get(0);
        assertEquals(prefix + ".my_disk_usage_", p.name());
        assertEquals("/var/lib", p.tags().get("mount_point"));
        assertEquals("Zürich", p.tags().get("ville"));
    }

    @Test
    void millisecondTimestampsKeepTheirMilliseconds() throws Exception {
        OpenTsdbSink s = sink(Map.of());
        s.write(List.of(Sample.of(prefix + ".ms", Tags.EMPTY, 1, 1_700_000_000_123L, Kind.GAUGE),
                Sample.of(prefix + ".s", Tags.EMPTY, 1, 1_700_000_001_000L, Kind.GAUGE)));
        List<Point> got = server.await(prefix, 2);
        assertEquals(1_700_000_000_123L, byName(got, "ms").timestampMillis());
        assertEquals(1_700_000_001_000L, byName(got, "s").timestampMillis());
    }

    @Test
    void pointsOpenTsdbRefusesAreCountedAndTheRestIsStoredWithoutAnException() throws Exception {
        for (boolean details : new boolean[] {true, false}) {
            String p = prefix + (details ? ".details" : ".summary");
            server.failPoints(m -> m.endsWith(".bad"), "Unable to allocate UID for metric");
            OpenTsdbSink s = sink(Map.of("details", details));
            List<Sample> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(Sample.of(p + (i % 3 == 0 ? ".bad" : ".good" + i), Tags.EMPTY, i, System.currentTimeMillis(), Kind.GAUGE));
            }
            s.write(batch); // OpenTSDB answers 400 with the counts: not a failure of the batch
            assertEquals(6, server.await(p, 6).size());
            assertEquals(4, s.refusedCount());
            assertEquals(6, s.writtenCount());
        }
    }

    @Test
    void gzipBodiesArriveWhole() throws Exception {
        server.clear();
        OpenTsdbSink s = sink(Map.of("gzip", true));
        List<Sample> batch = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            batch.add(at("gz" + i, Tags.of("i", String.valueOf(i)), i));
        }
        s.write(batch);
        assertEquals(500, server.await(prefix, 500).size());
        assertEquals(List.of("gzip"), server.contentEncodings());
    }

    @Test
    void nonFiniteValuesAreRefusedBeforeBufferingAndLevelsAreLeftToTheCore() {
        OpenTsdbSink s = sink(Map.of());
        assertTrue(s.accepts(at("x", Tags.of("level", "critical"), 1)));
        assertTrue(s.accepts(at("x", Tags.of("level", "debug"), 1)), "levels are the core runner's (RunnerSettingsTest)");
        assertTrue(s.accepts(at("x", Tags.EMPTY, 1)));
        assertFalse(s.accepts(at("x", Tags.EMPTY, Double.NaN)));
        assertEquals(1, s.nonFiniteCount());
    }

    @Test
    void aServerThatCannotBeReachedMakesWriteThrow() throws Exception {
        OpenTsdbServer gone = new OpenTsdbServer();
        String url = gone.url();
        gone.close();
        OpenTsdbSink s = sink(Map.of("url", url, "timeout", "2s"));
        assertThrows(IOException.class, () -> s.write(List.of(at("x", Tags.EMPTY, 1))));
        server.failWith(401);
        OpenTsdbSink s2 = sink(Map.of());
        assertThrows(IOException.class, () -> s2.write(List.of(at("x", Tags.EMPTY, 1))), "401 is not taken");
    }

    @Test
    void badConfigurationNamesTheProperty() {
        new OpenTsdbSink(Configs.of(OpenTsdbSink.Config.class, Map.of()), Secrets.of(Map.of())).deactivate();
        assertRejected("url", "url", "ftp://x");
        assertRejected("url", "url", "127.0.0.1:4242");
        assertRejected("url", "url", "http://x:4242/?q=1");
        assertRejected("timeout", "timeout", "0s");
        assertRejected("defaultTags", "defaultTags", new String[] {"host"});
        assertRejected("defaultTags", "defaultTags", new String[] {"=x"});
    }

    @Test
    void basicAuthAsPuyPuysTsdbUserAndPass() throws Exception {
        try {
            server.requireAuth("puypuy", "s3cret:é");
            sink(Map.of("username", "puypuy", "password", "s3cret:é")).write(List.of(at("auth", Tags.EMPTY, 1)));
            assertEquals(1, server.await(prefix + ".auth", 1).size());
            OpenTsdbSink wrong = sink(Map.of("username", "puypuy", "password", "nope"));
            IOException e = assertThrows(IOException.class, () -> wrong.write(List.of(at("auth2", Tags.EMPTY, 2))));
            assertTrue(e.getMessage().contains("401") && e.getMessage().contains("check username and password"),
                    e.getMessage());
            OpenTsdbSink none = sink(Map.of());
            assertThrows(IOException.class, () -> none.write(List.of(at("auth3", Tags.EMPTY, 3))));
            assertTrue(server.points(p -> p.name().startsWith(prefix + ".auth")).size() == 1);
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> sink(Map.of("password", "x")));
            assertTrue(bad.getMessage().startsWith("username"), bad.getMessage());
        } finally {
            server.requireAuth(null, null);
        }
    }
}
