package lodestar.web.board.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import lodestar.api.Check;
import lodestar.api.CheckResult;
import lodestar.api.CheckStatus;
import lodestar.api.ComponentStatus;
import lodestar.api.State;
import lodestar.support.json.Json;
import lodestar.testkit.Configs;

class BoardTest {

    /** A check whose result the test sets. */
    static final class FakeCheck implements Check {
        volatile CheckResult result;

        @Override
        public CheckResult result() {
            return result;
        }

        void set(String name, CheckStatus s, String message, double value, long at, long since) {
            result = new CheckResult(name, s, message, value, at, since);
        }
    }

    private final List<String> errors = new ArrayList<>();

    private Board board(Object... config) {
        return new Board(BoardSettings.from(Configs.of(BoardComponent.Config.class, config)), errors::add);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> snapshot(Board b) {
        return Json.object(Json.parse(b.snapshotJson(5000)));
    }

    private static List<String> groupNames(Map<String, Object> snapshot) {
        List<String> names = new ArrayList<>();
        for (Object g : Json.array(snapshot.get("groups"))) {
            names.add((String) Json.object(g).get("name"));
        }
        return names;
    }

    @Test
    void aDisplayNameOfWordsKeepsItsWordsOnTheTileAndLinksToTheSanitizedSeries() {
        Board b = board();
        FakeCheck pharos = new FakeCheck();
        b.addCheck(1, pharos, Map.of("name", "Is True?"), 0);
        b.pollChecks(100);
        pharos.set("Is True?", CheckStatus.OK, "exit code 0", 0, 1000, 1000);
        Tile t = b.pollChecks(1100).updated().get(0);
        assertEquals("Is True?", t.name());
        assertEquals("/explore#target=check.Is_True.*&range=1h", t.link());
    }

    @Test
    void aNewResultIsATileUpdateAndAShortRedStaysInTheStrip() {
        Board b = board();
        FakeCheck disk = new FakeCheck();
        b.addCheck(1, disk, Map.of("name", "disk"), 0);
        Board.Changes first = b.pollChecks(100);
        assertTrue(first.layout(), "a new tile changes the layout");
        assertFalse(b.pollChecks(200).any(), "nothing new, nothing sent");

        disk.set("disk", CheckStatus.OK, "fine", 12, 1000, 1000);
        Board.Changes c = b.pollChecks(1100);
        assertFalse(c.layout());
        assertEquals(1, c.updated().size());
        Tile t = c.updated().get(0);
        assertEquals("ok", t.status());
        assertEquals("12", t.value());
        assertEquals("/explore#target=check.disk.*&range=1h", t.link());

        disk.set("disk", CheckStatus.CRITICAL, "full", 100, 2000, 2000);
        b.pollChecks(2100);
        disk.set("disk", CheckStatus.OK, "fine", 12, 3000, 3000);
        t = b.pollChecks(3100).updated().get(0);
        assertEquals(List.of("ok", "critical", "ok"), t.history().stream().map(History.Segment::status).toList());
        assertFalse(b.pollChecks(3200).any(), "the same result looked at again");
    }

    @Test
    void groupsFollowTheConfiguredOrderThenChecksThenRunningParts() {
        Board b = board("groups", new String[] {"Web", "Sinks"});
        b.addCheck(1, new FakeCheck(), Map.of("name", "db", "group", "Databases"), 0);
        b.addCheck(2, new FakeCheck(), Map.of("name", "shop", "group", "Web"), 0);
        b.addCheck(3, new FakeCheck(), Map.of("name", "zeta"), 0);
        b.addCheck(4, new FakeCheck(), Map.of("name", "alpha"), 0);
        b.pollChecks(10);
        b.pollComponents(List.of(
                new ComponentStatus("listener", "statsd", State.OK, Map.of(), null),
                new ComponentStatus("sink", "influx", State.DEGRADED, "spooling", Map.of(), null),
                new ComponentStatus("core", "pipeline", State.OK, Map.of(), null)), 10);
        Map<String, Object> s = snapshot(b);
        assertEquals(List.of("Web", "Sinks", "Checks", "Databases", "Listeners", "Platform"), groupNames(s));
        Map<String, Object> checks = Json.object(Json.array(s.get("groups")).get(2));
        List<Object> tiles = Json.array(checks.get("tiles"));
        assertEquals("alpha", Json.object(tiles.get(0)).get("name"), "by name within a group");
        Map<String, Object> influx = Json.object(Json.array(Json.object(Json.array(s.get("groups")).get(1)).get("tiles")).get(0));
        assertEquals("warning", influx.get("status"));
        assertEquals("degraded (spooling)", influx.get("label"));
        assertEquals("/explore#target=lodestar.self.sink.influx.*&range=1h", influx.get("link"));
    }

    @Test
    void runningPartsChangeOnlyWhenTheirStateDoes() {
        Board b = board();
        ComponentStatus ok = new ComponentStatus("sink", "influx", State.OK, Map.of("written", 1L), null);
        assertTrue(b.pollComponents(List.of(ok), 10).layout());
        ComponentStatus moreWritten = new ComponentStatus("sink", "influx", State.OK, Map.of("written", 99L), null);
        assertFalse(b.pollComponents(List.of(moreWritten), 20).any(), "counters are not on the board");
        ComponentStatus running = new ComponentStatus("sink", "influx", State.OK, "running", Map.of(), null);
        assertFalse(b.pollComponents(List.of(running), 25).any(), "what an ok part does this instant is not news");
        ComponentStatus spooling = new ComponentStatus("sink", "influx", State.DEGRADED, "spooling", Map.of(), null);
        Tile degraded = b.pollComponents(List.of(spooling), 26).updated().get(0);
        assertEquals("degraded (spooling)", degraded.label());
        ComponentStatus backoff = new ComponentStatus("sink", "influx", State.DEGRADED, "backoff", Map.of(), null);
        Tile stillDegraded = b.pollComponents(List.of(backoff), 27).updated().get(0);
        assertEquals("degraded (backoff)", stillDegraded.label(), "a degraded part's detail is news");
        assertEquals(26, stillDegraded.since(), "since follows the colour");
        ComponentStatus failed = new ComponentStatus("sink", "influx", State.FAILED, "backoff", Map.of(), "connection refused");
        Board.Changes c = b.pollComponents(List.of(failed), 30);
        Tile t = c.updated().get(0);
        assertEquals("critical", t.status());
        assertEquals(30, t.since());
        assertEquals("connection refused", t.message());
        assertTrue(b.pollComponents(List.of(), 40).layout(), "a part that went away");
        assertEquals(0, b.tileCount());
    }

    @Test
    void httpChecksLinkToTheirTimingsAndASeriesPropertyWins() {
        Board b = board();
        FakeCheck shop = new FakeCheck();
        shop.set("shop", CheckStatus.OK, "200", 0.1234567, 1, 1);
        FakeCheck custom = new FakeCheck();
        custom.set("custom", CheckStatus.OK, "", Double.NaN, 1, 1);
        b.addCheck(1, shop, Map.of("component.name", "lodestar.beacon.http"), 0);
        b.addCheck(2, custom, Map.of("series", "app.{a,b} x"), 0);
        b.pollChecks(10);
        Map<String, Object> s = snapshot(b);
        List<Object> tiles = Json.array(Json.object(Json.array(s.get("groups")).get(0)).get("tiles"));
        Map<String, Object> first = Json.object(tiles.get(0));
        Map<String, Object> second = Json.object(tiles.get(1));
        assertEquals("custom", first.get("name"));
        assertEquals("/explore#target=app.%7Ba%2Cb%7D%20x&range=1h", first.get("link"));
        assertEquals("", first.get("value"), "NaN: no value");
        assertEquals("/explore#target=check.shop.*_ms&range=1h", second.get("link"));
        assertEquals("0.1235", second.get("value"));
    }

    @Test
    void whatAChecksSaysIsCarriedAsTextExactly() {
        Board b = board("title", "Ops </script><b>");
        FakeCheck evil = new FakeCheck();
        String message = "<script>alert(1)</script>\"\\\n\u2028 & \u0000";
        evil.set("evil\"name", CheckStatus.CRITICAL, message, 1, 1, 1);
        b.addCheck(1, evil, Map.of("name", "evil", "group", "<img src=x onerror=alert(1)>"), 0);
        b.pollChecks(10);
        String json = b.snapshotJson(10);
        assertFalse(json.contains("\n"), "one line: one SSE data line");
        assertFalse(json.contains("\u2028"));
        Map<String, Object> s = Json.object(Json.parse(json));
        assertEquals("Ops </script><b>", s.get("title"));
        Map<String, Object> g = Json.object(Json.array(s.get("groups")).get(0));
        assertEquals("<img src=x onerror=alert(1)>", g.get("name"));
        Map<String, Object> t = Json.object(Json.array(g.get("tiles")).get(0));
        assertEquals(message, t.get("message"), "the page gets the text as it was, and inserts it as text");
        assertEquals("evil\"name", t.get("name"));
    }

    @Test
    void longTextIsCutAndAThrowingCheckShowsUnknown() {
        Board b = board();
        FakeCheck big = new FakeCheck();
        big.set("big", CheckStatus.WARNING, "x".repeat(100_000), 1, 1, 1);
        b.addCheck(1, big, Map.of(), 0);
        b.addCheck(2, () -> {
            throw new IllegalStateException("boom");
        }, Map.of("name", "broken"), 0);
        b.pollChecks(10);
        assertTrue(b.snapshotJson(10).length() < 5_000);
        Map<String, Object> s = snapshot(b);
        List<Object> tiles = Json.array(Json.object(Json.array(s.get("groups")).get(0)).get("tiles"));
        Map<String, Object> broken = Json.object(tiles.get(1));
        assertEquals("broken", broken.get("name"));
        assertEquals("unknown", broken.get("status"));
        assertTrue(((String) broken.get("message")).contains("boom"));
        assertEquals(1, errors.size());
    }

    @Test
    void removingACheckChangesTheLayout() {
        Board b = board();
        b.addCheck(1, new FakeCheck(), Map.of("name", "a"), 0);
        b.pollChecks(1);
        b.removeCheck(1);
        assertTrue(b.pollChecks(2).layout());
        assertEquals(0, b.tileCount());
    }

    @Test
    void values() {
        assertEquals("42", Board.value(42));
        assertEquals("-3", Board.value(-3.0));
        assertEquals("1.5", Board.value(1.5));
        assertEquals("0.001235", Board.value(0.0012345));
        assertEquals("", Board.value(Double.NaN));
    }

    @Test
    void badSettingsNameTheProperty() {
        for (Object[] bad : new Object[][] {{"pollInterval", "10ms"}, {"historyLength", 0}, {"maxClients", 0},
                {"heartbeat", "100ms"}, {"clientBuffer", "1KB"}, {"title", " "}}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> board(bad));
            assertTrue(e.getMessage().startsWith((String) bad[0] + ":"), e.getMessage());
        }
    }
}
