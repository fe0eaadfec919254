package lodestar.store.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

/**
 * For benchmarks/run cost: the embedded store holding {@code n} series of {@code points} raw points each, ten
 * seconds apart (in its package to reach it); and its snapshot written for the start-up measurement.
 */
public final class StoreCost {

    private StoreCost() {
    }

    public static Object hold(int n, int points) {
        long now = System.currentTimeMillis();
        Store store = new Store(new StoreLimits(6 * 3_600_000L, 60_000L, 7 * 86_400_000L, 16L << 30), () -> now);
        for (int p = 0; p < points; p++) {
            List<Sample> batch = new ArrayList<>(10_000);
            long ts = now - (points - p) * 10_000L;
            for (int i = 0; i < n; i++) {
                batch.add(Sample.of("cost.service" + (i % 100) + ".requests_" + i, Tags.of("host", "web" + (i % 50)),
                        (i + p) % 1000, ts, Kind.GAUGE));
                if (batch.size() == 10_000) {
                    store.write(batch);
                    batch = new ArrayList<>(10_000);
                }
            }
            store.write(batch);
        }
        return store;
    }

    public static int seriesCount(Object store) {
        return ((Store) store).seriesCount();
    }

    /** Writes the store's snapshot as the platform would, into {@code dir/store.snap}; its size in bytes. */
    public static long snapshot(Object store, Path dir) throws IOException {
        Store s = (Store) store;
        return new SnapshotFile(dir).save(s.series(), s.limits().rollupStep(), System.currentTimeMillis());
    }
}
