package lodestar.dashboard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import lodestar.api.Check;
import lodestar.api.CheckResult;
import lodestar.api.CheckStatus;
import lodestar.api.ComponentStatus;
import lodestar.api.State;
import lodestar.api.Pipeline;
import lodestar.api.Sample;
import lodestar.support.json.Json;

class StatusBoardTest {

    private static final long NOW = Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();

    private final FakePipeline pipeline = new FakePipeline();
    private Pipeline current = pipeline;
    private final Map<Check, String> checks = new LinkedHashMap<>();
    private final StatusBoard board = new StatusBoard(() -> current, () -> checks,
            Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

    @Test
    void jsonListsEveryComponentWithItsBadgeCountersAndLastError() {
        pipeline.status.add(status("sink", "store", State.OK, null, null, "queued", 0L, "written", 1234L));
        pipeline.status.add(status("sink", "graphite-carbon1", State.FAILED, "backoff", "connect to 127.0.0.1:2004: refused",
                "retries", 3L));
        pipeline.status.add(status("beacon", "jvm", State.STOPPED, "disabled", null));
        assertEquals("{\"time\":" + NOW + ",\"refreshMillis\":2000,\"problem\":null,\"components\":["
                + "{\"type\":\"sink\",\"name\":\"store\",\"state\":\"ok\",\"detail\":\"ok\",\"badge\":\"ok\",\"counters\":{\"queued\":0,\"written\":1234},\"lastError\":null},"
                + "{\"type\":\"sink\",\"name\":\"graphite-carbon1\",\"state\":\"failed\",\"detail\":\"backoff\",\"badge\":\"bad\",\"counters\":{\"retries\":3},"
                + "\"lastError\":\"connect to 127.0.0.1:2004: refused\"},"
                + "{\"type\":\"beacon\",\"name\":\"jvm\",\"state\":\"stopped\",\"detail\":\"disabled\",\"badge\":\"off\",\"counters\":{},\"lastError\":null}"
                + "],\"checks\":[]}", board.json());
    }

    @Test
    void jsonListsChecksSortedByNameWithStatusAgeValueAndMessage() {
        checks.put(fixed(new CheckResult("shop", CheckStatus.CRITICAL, "connection refused", Double.NaN,
                NOW - 10_000, NOW - 185_000)), "lodestar.beacon.http~shop");
        checks.put(fixed(new CheckResult("api", CheckStatus.OK, "200 OK in 12ms", 12.25,
                NOW - 2_000, NOW - 2 * 3_600_000L)), "lodestar.beacon.http~api");
        checks.put(fixed(new CheckResult("disk", CheckStatus.WARNING, "DISK WARNING - 91% used", 1, NOW, NOW - 5_000)), "disk");
        checks.put(fixed(new CheckResult("dns", CheckStatus.UNKNOWN, "no answer", Double.NaN, NOW, NOW)), "dns");
        checks.put(fixed(null), "new");
        Map<String, Object> root = Json.object(Json.parse(board.json()));
        List<Object> list = Json.array(root.get("checks"));
        assertEquals(5, list.size());
        Map<String, Object> api = Json.object(list.get(0));
        assertEquals(List.of("name", "status", "badge", "since", "forMillis", "for", "value", "message", "timestamp"),
                new ArrayList<>(api.keySet()));
        assertEquals("api", api.get("name"));
        assertEquals("OK", api.get("status"));
        assertEquals("ok", api.get("badge"));
        assertEquals(NOW - 2 * 3_600_000L, ((Number) api.get("since")).longValue());
        assertEquals(2 * 3_600_000L, ((Number) api.get("forMillis")).longValue());
        assertEquals("2h0m", api.get("for"));
        assertEquals(12.25, ((Number) api.get("value")).doubleValue());
        assertEquals("200 OK in 12ms", api.get("message"));
        assertEquals(NOW - 2_000, ((Number) api.get("timestamp")).longValue());

        Map<String, Object> disk = Json.object(list.get(1));
        assertEquals(List.of("disk", "WARNING", "warn", "5s"), List.of(disk.get("name"), disk.get("status"), disk.get("badge"), disk.get("for")));
        Map<String, Object> dns = Json.object(list.get(2));
        assertEquals(List.of("dns", "UNKNOWN", "off"), List.of(dns.get("name"), dns.get("status"), dns.get("badge")));
        assertNull(dns.get("value"), "NaN has no JSON form");

        Map<String, Object> pending = Json.object(list.get(3));
        assertEquals("new", pending.get("name"));
        assertEquals("PENDING", pending.get("status"));
        assertEquals("off", pending.get("badge"));
        assertEquals("-", pending.get("for"));
        assertEquals("not run yet", pending.get("message"));
        assertNull(pending.get("since"));
        assertNull(pending.get("forMillis"));
        assertNull(pending.get("value"));
        assertNull(pending.get("timestamp"));
        assertTrue(pending.containsKey("timestamp"));

        Map<String, Object> shop = Json.object(list.get(4));
        assertEquals(List.of("shop", "CRITICAL", "bad", "3m5s", "connection refused"),
                List.of(shop.get("name"), shop.get("status"), shop.get("badge"), shop.get("for"), shop.get("message")));
        assertNull(shop.get("value"));
    }

    @Test
    void aCheckThatThrowsShowsAsUnknownNotAsAnError() {
        checks.put(() -> {
            throw new IllegalStateException("broken\nbadly");
        }, "odd");
        Map<String, Object> odd = Json.object(Json.array(Json.object(Json.parse(board.json())).get("checks")).get(0));
        assertEquals("odd", odd.get("name"));
        assertEquals("UNKNOWN", odd.get("status"));
        assertEquals("off", odd.get("badge"));
        assertEquals("error: result() failed: broken badly", odd.get("message"));
    }

    @Test
    void noPipelineIsAProblemNotAFailure() {
        current = null;
        Map<String, Object> root = Json.object(Json.parse(board.json()));
        assertEquals(StatusBoard.NO_PIPELINE, root.get("problem"));
        assertEquals(List.of(), root.get("components"));
        assertTrue(board.html("/x/status.json").contains("<p id=\"ls-problem\" class=\"ls-problem\">the pipeline is not running"));
    }

    @Test
    void aFailingStatusCallIsReported() {
        current = new FakePipeline() {
            @Override
            public List<ComponentStatus> status() {
                throw new IllegalStateException("core is stopping");
            }
        };
        assertEquals("the pipeline could not report its status: core is stopping",
                Json.object(Json.parse(board.json())).get("problem"));
    }

    @Test
    void jsonEscapesWhatNamesAndMessagesCarry() {
        pipeline.status.add(status("sink", "a\"b\\c\nd", State.OK, null, "line1\nline2 \"quoted\""));
        checks.put(fixed(new CheckResult("q\"", CheckStatus.OK, "</script><b>", 1, NOW, NOW)), "q");
        Map<String, Object> root = Json.object(Json.parse(board.json()));
        Map<String, Object> c = Json.object(Json.array(root.get("components")).get(0));
        assertEquals("a\"b\\c\nd", c.get("name"));
        assertEquals("line1\nline2 \"quoted\"", c.get("lastError"));
        assertEquals("</script><b>", Json.object(Json.array(root.get("checks")).get(0)).get("message"));
    }

    @Test
    void htmlShowsBadgesCountersAndChecks() {
        pipeline.status.add(status("sink", "store", State.OK, null, null, "queued", 0L, "written", 1234L));
        pipeline.status.add(status("beacon", "system", State.FAILED, "failing", "oshi: no /proc"));
        checks.put(fixed(new CheckResult("api", CheckStatus.WARNING, "slow", 812.5, NOW, NOW - 42_000)), "api");
        checks.put(fixed(null), "new");
        String html = board.html("/system/console/lodestar/status.json");
        assertTrue(html.startsWith("<style>"), html);
        assertTrue(html.contains("<div id=\"ls-board\" data-status-url=\"/system/console/lodestar/status.json\" data-refresh=\"2000\">"), html);
        assertTrue(html.contains("<p class=\"statline\" id=\"ls-line\">2 components, 2 checks; refreshing every 2 s</p>"), html);
        assertTrue(html.contains("<p id=\"ls-problem\" class=\"ls-problem\" hidden></p>"), html);
        assertTrue(html.contains("<tr><td>sink</td><td class=\"ls-name\">store</td><td><span class=\"ls-badge ls-ok\">ok</span></td>"
                + "<td class=\"ls-counters\"><span class=\"ls-counter\">queued=<b>0</b></span> <span class=\"ls-counter\">written=<b>1234</b></span> </td>"
                + "<td class=\"ls-text\"></td></tr>"), html);
        assertTrue(html.contains("<tr><td>beacon</td><td class=\"ls-name\">system</td><td><span class=\"ls-badge ls-bad\">failed (failing)</span></td>"
                + "<td class=\"ls-counters\">-</td><td class=\"ls-text\">oshi: no /proc</td></tr>"), html);
        assertTrue(html.contains("<tr><td class=\"ls-name\">api</td><td><span class=\"ls-badge ls-warn\">WARNING</span></td>"
                + "<td class=\"ls-num\">42s</td><td class=\"ls-num\">812.5</td><td class=\"ls-text\">slow</td></tr>"), html);
        assertTrue(html.contains("<tr><td class=\"ls-name\">new</td><td><span class=\"ls-badge ls-off\">PENDING</span></td>"
                + "<td class=\"ls-num\">-</td><td class=\"ls-num\">-</td><td class=\"ls-text\">not run yet</td></tr>"), html);
        assertTrue(html.endsWith("</script>\n"), html);
    }

    @Test
    void htmlSaysWhenNothingRuns() {
        String html = board.html("/s.json");
        assertTrue(html.contains("<td colspan=\"5\" class=\"ls-empty\">no beacons or sinks are running</td>"), html);
        assertTrue(html.contains("<td colspan=\"5\" class=\"ls-empty\">no checks are running</td>"), html);
    }

    @Test
    void htmlEscapesEveryTextIncludingTheConsolesVariableSyntax() {
        String evil = "<img src=x onerror=alert(1)>&\"'${appRoot}\\$";
        String escaped = "&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;&#36;{appRoot}&#92;&#36;";
        pipeline.status.add(status("<t>", evil, State.DEGRADED, "<s>", evil, evil, 1L));
        checks.put(fixed(new CheckResult(evil, CheckStatus.CRITICAL, evil, Double.NaN, NOW, NOW)), "x");
        String html = board.html("/console/\"lodestar\"/status.json");
        assertTrue(html.contains("<tr><td>&lt;t&gt;</td><td class=\"ls-name\">" + escaped + "</td>"
                + "<td><span class=\"ls-badge ls-warn\">degraded (&lt;s&gt;)</span></td>"
                + "<td class=\"ls-counters\"><span class=\"ls-counter\">" + escaped + "=<b>1</b></span> </td>"
                + "<td class=\"ls-text\">" + escaped + "</td></tr>"), html);
        assertTrue(html.contains("<tr><td class=\"ls-name\">" + escaped + "</td><td><span class=\"ls-badge ls-bad\">CRITICAL</span></td>"
                + "<td class=\"ls-num\">0s</td><td class=\"ls-num\">-</td><td class=\"ls-text\">" + escaped + "</td></tr>"), html);
        assertTrue(html.contains("data-status-url=\"/console/&quot;lodestar&quot;/status.json\""), html);
        String markup = html.substring(0, html.indexOf("<script>"));
        assertFalse(markup.contains("<img"), "no markup from data");
        assertFalse(markup.contains("${"), "nothing the console's filter would replace");
        assertFalse(html.contains("${"), "nor in the script");
        assertFalse(Page.SCRIPT.contains("\\") || Page.STYLE.contains("\\"), "no backslash the console's filter would eat");
    }

    @Test
    void badgeColours() {
        // what used to be the words ok/running, no-files, backoff/failing, disabled/stopped/idle
        assertEquals("ok", StatusBoard.badge(State.OK));
        assertEquals("warn", StatusBoard.badge(State.DEGRADED));
        assertEquals("bad", StatusBoard.badge(State.FAILED));
        assertEquals("off", StatusBoard.badge(State.STOPPED));
        assertEquals("ok", StatusBoard.badge(CheckStatus.OK));
        assertEquals("warn", StatusBoard.badge(CheckStatus.WARNING));
        assertEquals("bad", StatusBoard.badge(CheckStatus.CRITICAL));
        assertEquals("off", StatusBoard.badge(CheckStatus.UNKNOWN));
    }

    @Test
    void ages() {
        assertEquals("0s", StatusBoard.age(999));
        assertEquals("59s", StatusBoard.age(59_999));
        assertEquals("3m5s", StatusBoard.age(185_000));
        assertEquals("2h0m", StatusBoard.age(7_200_000));
        assertEquals("4d3h", StatusBoard.age((4 * 24 + 3) * 3_600_000L));
    }

    private static ComponentStatus status(String type, String name, State state, String detail, String lastError,
            Object... counters) {
        Map<String, Long> c = new LinkedHashMap<>();
        for (int i = 0; i < counters.length; i += 2) {
            c.put((String) counters[i], (Long) counters[i + 1]);
        }
        return new ComponentStatus(type, name, state, detail, c, lastError);
    }

    private static Check fixed(CheckResult r) {
        return () -> r;
    }

    static class FakePipeline implements Pipeline {
        final List<ComponentStatus> status = new ArrayList<>();

        @Override
        public void emit(Sample sample) {
        }

        @Override
        public java.util.Optional<java.util.concurrent.CompletionStage<Void>> offerAll(Collection<Sample> samples) {
            return java.util.Optional.of(java.util.concurrent.CompletableFuture.completedFuture(null));
        }

        @Override
        public void emitAll(Collection<Sample> samples) {
        }

        @Override
        public List<ComponentStatus> status() {
            return List.copyOf(status);
        }

        @Override
        public Optional<List<Sample>> collectNow(String beaconName) {
            return Optional.empty();
        }
    }
}
