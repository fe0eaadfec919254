package lodestar.web.graphite.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

import lodestar.api.SeriesStore;
import lodestar.api.SeriesStore.SeriesInfo;
import lodestar.api.TimeSeries;

/**
 * Reads path expressions from the {@link SeriesStore}. A Graphite name is a sample name; a tagged sample is
 * the tagged Graphite series {@code name;k=v} (the store's series key is exactly Graphite 1.1's tagged-name
 * form), so a plain path returns every tagged series of that name, and a path with {@code ;} picks keys.
 *
 * <p>Like whisper, each series is read at one step chosen by the start of the range: the store's resolution
 * there (the raw interval inside the raw window, the rollup step before it), as the median gap of the points
 * of the first (or, for a series that began later, the last) quarter hour. Values sit at multiples of the
 * step, each the average of the points in {@code [t, t + step)}, for {@code t} from the first multiple after
 * {@code from} to the multiple at or after {@code until} (whisper's fetch bounds).
 */
final class StoreSource implements SeriesSource {

    static final long PROBE_MILLIS = 15 * 60_000L;
    /** when a series has fewer than two points to tell its interval: the store's default rollup step */
    static final long FALLBACK_STEP = 60;

    private final SeriesStore store;
    private final LongSupplier clock;

    StoreSource(SeriesStore store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public List<Series> fetch(PathGlob glob, long from, long until, Budget budget) {
        boolean onKey = glob.text().indexOf(';') >= 0;
        Set<String> keys = new LinkedHashSet<>();
        for (SeriesInfo info : store.find(glob.storeGlob())) {
            if (glob.matchesAll(PathGlob.nodes(onKey ? info.key() : info.name()))) {
                keys.add(info.key());
            }
        }
        long nowSeconds = clock.getAsLong() / 1000;
        long untilS = Math.min(until, nowSeconds);
        List<Series> out = new ArrayList<>(keys.size());
        for (String key : keys) {
            long step = step(key, from, untilS);
            long fromI = from - Math.floorMod(from, step) + step;
            long untilI = untilS - Math.floorMod(untilS, step) + step;
            if (untilI <= fromI) {
                untilI = fromI + step;
            }
            int n = (int) ((untilI - fromI) / step);
            budget.take(n);
            double[] values = new double[n];
            Arrays.fill(values, Double.NaN);
            TimeSeries ts = store.query(key, fromI * 1000, untilI * 1000 - 1, step * 1000);
            for (int i = 0; i < ts.size(); i++) {
                long idx = (ts.timestamps()[i] / 1000 - fromI) / step;
                if (idx >= 0 && idx < n) {
                    values[(int) idx] = ts.values()[i];
                }
            }
            out.add(new Series(key, glob.text(), null, fromI, untilI, step, values));
        }
        out.sort((a, b) -> a.name.compareTo(b.name));
        return out;
    }

    /** The series' step in seconds at the start of the range (see the class comment). */
    long step(String key, long from, long until) {
        long fromMs = from * 1000;
        long untilMs = until * 1000;
        TimeSeries probe = store.query(key, fromMs, Math.min(untilMs, fromMs + PROBE_MILLIS), 0);
        if (probe.size() < 2) {
            probe = store.query(key, Math.max(fromMs, untilMs - PROBE_MILLIS), untilMs, 0);
        }
        if (probe.size() < 2) {
            return FALLBACK_STEP;
        }
        long[] t = probe.timestamps();
        long[] gaps = new long[t.length - 1];
        for (int i = 1; i < t.length; i++) {
            gaps[i - 1] = t[i] - t[i - 1];
        }
        Arrays.sort(gaps);
        long median = gaps[gaps.length / 2];
        return Math.max(1, Math.round(median / 1000.0));
    }

    @Override
    public List<Finder.Node> children(PathGlob glob, int maxNodes) {
        int depth = glob.size();
        // one listing finds both: names of exactly this depth (leaves) and deeper ones (branches)
        TreeMap<String, Boolean> nodes = new TreeMap<>();
        for (SeriesInfo info : store.find(glob.storeGlob() + "**")) {
            List<String> path = PathGlob.nodes(info.name());
            if (path.size() < depth) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < depth && match; i++) {
                match = glob.matches(i, path.get(i));
            }
            if (!match) {
                continue;
            }
            String node = String.join(".", path.subList(0, depth));
            boolean leaf = path.size() == depth;
            // a name that is both a series and a prefix of others is listed as a branch (browsable)
            nodes.merge(node, leaf, (a, b) -> a && b);
            if (nodes.size() > maxNodes) {
                throw new BadRequest("more than maxFindResults=" + maxNodes + " nodes: narrow the query");
            }
        }
        List<Finder.Node> out = new ArrayList<>(nodes.size());
        nodes.forEach((path, leaf) -> out.add(new Finder.Node(path, path.substring(path.lastIndexOf('.') + 1), leaf)));
        return out;
    }
}
