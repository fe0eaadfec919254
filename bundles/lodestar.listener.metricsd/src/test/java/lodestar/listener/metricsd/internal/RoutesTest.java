package lodestar.listener.metricsd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RoutesTest {

    @Test
    void highestPriorityMatchingAtTheStartWins() {
        Routes r = Routes.parse(new String[] {"^app\\..*=5s:10", "app\\.db=1s:50", "db=2m"}, 10_000);
        // sorted by priority: db (100), app.db (50), app.* (10), then the default
        assertEquals(4, r.size());
        assertEquals(120_000, r.intervalMillis(r.route("db.x")));
        assertEquals(1_000, r.intervalMillis(r.route("app.db.queries")));
        assertEquals(5_000, r.intervalMillis(r.route("app.web")));
        assertEquals(10_000, r.intervalMillis(r.route("x.app.web")), "re.match: anchored at the start only");
        assertEquals(10_000, r.intervalMillis(r.route("other")));
    }

    @Test
    void tiesKeepConfigurationOrderAndSemicolonsSeparate() {
        Routes r = Routes.parse(new String[] {"a=1s;a.*=2s"}, 10_000);
        assertEquals(1_000, r.intervalMillis(r.route("ab")));
        Routes eq = Routes.parse(new String[] {"x=a=3s"}, 10_000);
        assertEquals(3_000, eq.intervalMillis(eq.route("x=a")), "a regex may hold '=': split at the last");
        assertEquals(10_000, eq.intervalMillis(eq.route("x")));
    }

    @Test
    void noHandlersOnlyDefault() {
        Routes r = Routes.parse(new String[0], 7_000);
        assertEquals(1, r.size());
        assertEquals(7_000, r.intervalMillis(r.route("anything")));
    }
}
