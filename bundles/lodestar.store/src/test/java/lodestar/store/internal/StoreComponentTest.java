package lodestar.store.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

import lodestar.api.ComponentStatus;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.State;
import lodestar.api.Tags;

class StoreComponentTest {

    @TempDir
    Path home;

    /** A Config as DS would build it: the annotation defaults, overridden by {@code values}. */
    static StoreComponent.Config config(Map<String, String> values) {
        return (StoreComponent.Config) Proxy.newProxyInstance(StoreComponentTest.class.getClassLoader(),
                new Class<?>[] {StoreComponent.Config.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("hashCode") ? 0 : method.getName();
                    }
                    String v = values.get(method.getName());
                    if (v == null) {
                        return method.getDefaultValue();
                    }
                    return method.getReturnType() == int.class ? (Object) Integer.parseInt(v) : v;
                });
    }

    BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> method.getName().equals("getProperty") && "lodestar.home".equals(args[0])
                        ? home.toString() : null);
    }

    @Test
    void historySurvivesARestartUnderHomeDataStore() throws Exception {
        long now = System.currentTimeMillis();
        StoreComponent first = new StoreComponent(config(Map.of()), context());
        List<Sample> batch = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            batch.add(new Sample("sys.load", Tags.of("host", "h" + (i % 10)), i, now - 100_000 + i * 10, Kind.GAUGE));
        }
        first.write(batch);
        assertEquals(10, first.seriesCount());
        assertEquals(1000, first.pointCount());
        assertTrue(first.bytesUsed() > 0);
        var before = first.query("sys.load;host=h3", 0, Long.MAX_VALUE, 0);
        first.deactivate();
        assertTrue(Files.isRegularFile(home.resolve("data/store/store.snap")));
        assertEquals(1, first.snapshotsWritten());

        StoreComponent second = new StoreComponent(config(Map.of()), context());
        try {
            assertEquals(10, second.find("sys.*").size());
            var after = second.query("sys.load;host=h3", 0, Long.MAX_VALUE, 0);
            assertEquals(100, after.size());
            assertArrayEquals(before.values(), after.values());
            assertEquals(1000, second.rawPointCount());
        } finally {
            second.deactivate();
        }
    }

    @Test
    void aConfiguredDirectoryAndModifiedLimitsApply() throws Exception {
        StoreComponent c = new StoreComponent(config(Map.of("directory", "elsewhere", "persistInterval", "0")),
                context());
        try {
            c.write(List.of(Sample.of("a", Tags.EMPTY, 1, System.currentTimeMillis(), Kind.GAUGE)));
            assertEquals(64L << 20, c.maxMemoryBytes());
            c.modified(config(Map.of("directory", "elsewhere", "maxMemory", "1MB", "persistInterval", "0")));
            assertEquals(1L << 20, c.maxMemoryBytes());
            assertEquals(1, c.seriesCount());
        } finally {
            c.deactivate();
        }
        assertTrue(Files.isRegularFile(home.resolve("elsewhere/store.snap")));
    }

    @Test
    void badValuesAreRejectedNamingTheProperty() {
        for (String[] bad : new String[][] {{"maxMemory", "lots"}, {"maxMemory", "0"}, {"rawRetention", "0"},
                {"rollupStep", "-1m"}, {"rollupRetention", "soon"}, {"persistInterval", "x"}, {"maxSeries", "0"},
                {"maxNewSeries", "-1"}, {"newSeriesInterval", "0"}, {"reclaimAfter", "later"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new StoreComponent(config(Map.of(bad[0], bad[1])), context()));
            assertTrue(e.getMessage().startsWith(bad[0] + ":"), e.getMessage());
        }
    }

    @Test
    void statusShowsTheSeriesTheGuardAndTheMemoryAndNewLimitsApplyLive() throws Exception {
        StoreComponent c = new StoreComponent(config(Map.of("persistInterval", "0", "maxSeries", "3", "maxNewSeries", "0")), context());
        try {
            long now = System.currentTimeMillis();
            List<Sample> batch = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                batch.add(new Sample("app.s" + i, Tags.EMPTY, i, now, Kind.GAUGE));
            }
            c.write(batch);
            ComponentStatus s = c.status();
            assertEquals("store", s.type());
            assertEquals("store", s.name());
            assertEquals(State.DEGRADED, s.state());
            assertEquals("cardinality-limit", s.detail());
            assertEquals(List.of("series", "series_created", "series_refused", "series_expired", "points", "bytes_used", "max_memory",
                    "written", "dropped_out_of_order", "evicted_points", "evicted_series", "expired_points", "snapshots",
                    "snapshot_errors"), List.copyOf(s.counters().keySet()));
            assertEquals(java.util.Set.of("series", "points", "bytes_used", "max_memory"), s.gauges());
            assertEquals(3L, s.counters().get("series"));
            assertEquals(2L, s.counters().get("series_refused"));
            assertEquals(3L, s.counters().get("written"));
            c.modified(config(Map.of("persistInterval", "0", "maxSeries", "10", "maxNewSeries", "0")));
            c.write(List.of(new Sample("app.s4", Tags.EMPTY, 4, now + 1, Kind.GAUGE)));
            assertEquals(4, c.seriesCount(), "the new maxSeries lets it in");
        } finally {
            c.deactivate();
        }
    }
}
