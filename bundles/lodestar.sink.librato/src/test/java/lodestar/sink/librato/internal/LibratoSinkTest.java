package lodestar.sink.librato.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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
import lodestar.testkit.servers.LibratoServer;
import lodestar.testkit.sinks.ApiServerSinkKit;
import lodestar.support.secrets.Secrets;

/** The shared sink kit and Librato's specifics against the in-repo server that checks /v1/metrics. */
class LibratoSinkTest extends ApiServerSinkKit<LibratoSink> {

    private static final String USER = "ops@example.com";
    private static final String TOKEN = "75AFDB82-token";
    private static LibratoServer server;

    @BeforeAll
    static void start() throws IOException {
        server = new LibratoServer(USER, TOKEN);
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
    protected LibratoSink activate(Map<String, Object> props) {
        return new LibratoSink(Configs.of(LibratoSink.Config.class, props), Secrets.of(props));
    }

    @Override
    protected void deactivate(LibratoSink sink) {
        sink.deactivate();
    }

    @Override
    protected Map<String, Object> requiredConfig() {
        return Map.of("user", USER, "token", TOKEN);
    }

    @Override
    protected void resetServer() {
        server.answerAccepted(false);
    }

    @Override
    protected String expectedName(String name) {
        return LibratoEncoder.sanitize(name);
    }

    @Override
    protected long timestampResolutionMillis() {
        return 1000;
    }

    /** The source-based API has no tags: the host tag (the default source tag) becomes the source. */
    @Override
    protected Map<String, String> expectedTags(Map<String, String> sent) {
        return Map.of("source", sent.get("host"));
    }

    @Override
    protected Double expectedValue(double sent) {
        if (!LibratoEncoder.storableValue(sent)) {
            return null;
        }
        return sent != 0 && Math.floor(Math.log10(Math.abs(sent))) < -130 ? 0.0 : sent;
    }

    private Sample at(String suffix, Tags tags, double v, Kind kind) {
        return Sample.of(prefix + "." + suffix, tags, v, System.currentTimeMillis(), kind);
    }

    private Point named(String suffix) {
        List<Point> l = server.points(p -> p.name().equals(prefix + "." + suffix));
        assertEquals(1, l.size(), suffix + ": " + l);
        return l.get(0);
    }

    @Test
    void countersAreCountersAndEveryOtherKindIsAGauge() throws Exception {
        LibratoSink s = sink(Map.of());
        s.write(List.of(at("c", Tags.EMPTY, 5, Kind.COUNTER), at("g", Tags.EMPTY, 1.5, Kind.GAUGE),
                at("d", Tags.EMPTY, 2, Kind.DELTA), at("r", Tags.EMPTY, 0.5, Kind.RATE), at("s", Tags.EMPTY, 2, Kind.STATUS)));
        server.await(prefix, 5);
        assertEquals("counter", named("c").type());
        for (String g : List.of("g", "d", "r", "s")) {
            assertEquals("gauge", named(g).type(), g);
        }
    }

    @Test
    void theSourceComesFromTheSourceTagsOrTheConfiguration() throws Exception {
        LibratoSink s = sink(Map.of("source", "web-farm", "sourceTags", new String[] {"app,host"}));
        s.write(List.of(at("a", Tags.of("host", "web 1", "app", "shop"), 1, Kind.GAUGE), at("b", Tags.of("host", "web2"), 1, Kind.GAUGE),
                at("c", Tags.of("dc", "par1"), 1, Kind.GAUGE), at("d", Tags.of("host", "all"), 1, Kind.GAUGE)));
        server.await(prefix, 4);
        assertEquals(Map.of("source", "shop.web_1"), named("a").tags());
        assertEquals(Map.of("source", "web2"), named("b").tags());
        assertEquals(Map.of("source", "web-farm"), named("c").tags());
        assertEquals(Map.of("source", "_all"), named("d").tags(), "'all' is reserved");
        sink(Map.of()).write(List.of(at("e", Tags.EMPTY, 1, Kind.GAUGE)));
        server.await(prefix, 5);
        assertEquals(Map.of("source", LibratoEncoder.sanitize(Hosts.shortName())), named("e").tags());
    }

    @Test
    void batchesAreSplitIntoRequestsOfAtMost300() throws Exception {
        server.clear();
        LibratoSink s = sink(Map.of());
        List<Sample> batch = new ArrayList<>();
        for (int i = 0; i < 901; i++) {
            batch.add(at("m" + i, Tags.EMPTY, i, i % 2 == 0 ? Kind.GAUGE : Kind.COUNTER));
        }
        s.write(batch);
        assertEquals(901, server.await(prefix, 901).size());
        assertEquals(4, server.requestCount());
        assertEquals(901, s.writtenCount());
    }

    @Test
    void aRetryAfterAFailureHalfwayDoesNotSendTheTakenRequestsAgain() throws Exception {
        LibratoSink s = sink(Map.of());
        List<Sample> batch = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            batch.add(at("r" + i, Tags.EMPTY, i, Kind.GAUGE));
        }
        server.failAfter(2, 503);
        assertThrows(IOException.class, () -> s.write(batch));
        assertEquals(600, server.await(prefix, 600).size());
        server.recover();
        s.write(new ArrayList<>(batch)); // the runner offers the same samples again
        List<Point> got = server.await(prefix, 1000);
        assertEquals(1000, got.size());
        assertEquals(1000, got.stream().map(Point::name).collect(Collectors.toSet()).size(), "each measurement once");
    }

    @Test
    void authenticationWithUserAndToken() throws Exception {
        server.answerAccepted(true);
        sink(Map.of()).write(List.of(at("ok", Tags.EMPTY, 1, Kind.GAUGE)));
        assertEquals(1, server.await(prefix, 1).size(), "202 is success too");
        int before = server.authFailures();
        LibratoSink wrong = sink(Map.of("token", "wrong"));
        IOException e = assertThrows(IOException.class, () -> wrong.write(List.of(at("no", Tags.EMPTY, 1, Kind.GAUGE))));
        assertTrue(e.getMessage().contains("401") && e.getMessage().contains("token"), e.getMessage());
        assertEquals(before + 1, server.authFailures());
    }

    @Test
    void aRequestLibratoRefusesIsCountedNotRetried() throws Exception {
        server.failWith(400);
        LibratoSink s = sink(Map.of());
        s.write(List.of(at("x", Tags.EMPTY, 1, Kind.GAUGE), at("y", Tags.EMPTY, 2, Kind.GAUGE)));
        assertEquals(2, s.refusedCount());
    }

    @Test
    void unstorableValuesAreRefusedBeforeBufferingAndLevelsAreLeftToTheCore() {
        LibratoSink s = sink(Map.of());
        assertTrue(s.accepts(at("x", Tags.of("level", "critical"), 1, Kind.GAUGE)));
        assertTrue(s.accepts(at("x", Tags.of("level", "debug"), 1, Kind.GAUGE)), "levels are the core runner's (RunnerSettingsTest)");
        assertTrue(s.accepts(at("x", Tags.EMPTY, 1, Kind.GAUGE)));
        assertFalse(s.accepts(at("x", Tags.EMPTY, 1e200, Kind.GAUGE)), "Librato refuses exponents above 126");
        assertFalse(s.accepts(at("x", Tags.EMPTY, Double.NaN, Kind.GAUGE)));
        assertEquals(2, s.encoder().unstorableCount());
    }

    @Test
    void namesLongerThanLibratoAllowsAreLeftOutCounted() throws Exception {
        LibratoSink s = sink(Map.of());
        s.write(List.of(at("x".repeat(300), Tags.EMPTY, 1, Kind.GAUGE), at("fine", Tags.EMPTY, 1, Kind.GAUGE)));
        assertEquals(1, server.await(prefix, 1).size());
        assertEquals(1, s.encoder().badNameCount());
    }

    @Test
    void badConfigurationNamesTheProperty() {
        new LibratoSink(Configs.of(LibratoSink.Config.class, Map.of("user", USER)), Secrets.of(Map.of("token", TOKEN))).deactivate();
        assertRejected("user", "user", "");
        assertRejected("user", "user", "a:b");
        assertRejected("token", "token", " ");
        assertRejected("source", "source", "my source");
        assertRejected("source", "source", "ALL");
        assertRejected("url", "url", "metrics-api.librato.com");
        assertRejected("timeout", "timeout", "0");
    }
}
