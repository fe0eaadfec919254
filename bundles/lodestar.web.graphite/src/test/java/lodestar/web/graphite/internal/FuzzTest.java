package lodestar.web.graphite.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import lodestar.support.json.Json;
import lodestar.testkit.Fuzz;

/**
 * Mutated targets, times and find queries against a real store: every one is answered with valid JSON or refused
 * with a {@link BadRequest}; nothing else escapes (no other exception, no stack overflow, no hang).
 */
class FuzzTest {

    @TempDir
    Path home;
    StoreFixture fx;
    Renderer renderer;
    StoreSource source;
    long now;

    @BeforeEach
    void setUp() {
        fx = new StoreFixture(home);
        now = System.currentTimeMillis() / 1000;
        fx.write("a.b.c", now - 300, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        fx.write("a.b.d", now - 300, 10, 5, 4, 3, 2, 1);
        fx.write("a.x;host=h1", now - 300, 10, 1, 1, 1);
        source = new StoreSource(fx.store, () -> now * 1000);
        renderer = new Renderer(source, new Limits(20, 2000, 100, 200_000, 1000), ZoneOffset.UTC);
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    @Test
    void mutatedRequestsAreAnsweredOrRefused() {
        List<String> goodTargets = List.of("a.b.c", "sumSeries(a.*.c, a.b.{c,d})", "aliasByNode(perSecond(a.b.*),1,-1)",
                "summarize(scale(a.b.c,2.5),'1min','max',true)", "alias(averageSeries(a.b.[cd]),\"x y\")",
                "avg(a.x;host=h1)", "summarize(a.b.c, \"5min\", func='last')");
        List<String> goodTimes = List.of("-10min", "now-1h", "12:00_20261205", "20261205", "noon yesterday", "1700000000");
        Fuzz fuzz = new Fuzz(20261205L);
        int answered = 0;
        int refused = 0;
        List<byte[]> seeds = new ArrayList<>();
        for (String t : goodTargets) {
            seeds.add(t.getBytes(StandardCharsets.UTF_8));
        }
        for (byte[] m : fuzz.mutate(seeds, 3000)) {
            String target = new String(m, StandardCharsets.UTF_8);
            try {
                String json = renderer.render(new Renderer.Request(List.of(target), "-10min", "now", 50, false), now * 1000).toString();
                Json.parse(json);
                answered++;
            } catch (BadRequest expected) {
                refused++;
            } catch (RuntimeException | StackOverflowError e) {
                fail("target '" + target + "': " + e, e);
            }
            try {
                source.children(PathGlob.compile(target), 1000);
            } catch (BadRequest expected) {
                // fine
            } catch (RuntimeException | StackOverflowError e) {
                fail("find '" + target + "': " + e, e);
            }
        }
        List<byte[]> timeSeeds = new ArrayList<>();
        for (String t : goodTimes) {
            timeSeeds.add(t.getBytes(StandardCharsets.UTF_8));
        }
        for (byte[] m : fuzz.mutate(timeSeeds, 2000)) {
            String time = new String(m, StandardCharsets.UTF_8);
            try {
                TimeParser.parse("from", time, now * 1000, ZoneOffset.UTC);
            } catch (BadRequest expected) {
                // fine
            } catch (RuntimeException e) {
                fail("time '" + time + "': " + e, e);
            }
        }
        // the mutations must exercise both outcomes, or this test proves nothing
        assertTrue(answered > 100 && refused > 100, answered + " answered, " + refused + " refused");
    }
}
