package lodestar.bench;

import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import lodestar.listener.collectd.internal.CollectdCost;
import lodestar.listener.metricsd.internal.MetricsdCost;
import lodestar.listener.statsd.internal.StatsdCost;
import lodestar.store.internal.StoreCost;
import lodestar.testkit.Heap;
import lodestar.testkit.LodestarProcess;

/**
 * The scale of cost (issue 17): the heap each part retains per active series at 10^4, 10^5 and 10^6 series (heap
 * in use after full collections, with the part held, minus before; the part built in this JVM from the bundles'
 * own classes, fed through their decoders), then the platform jar started over a store snapshot of the largest
 * count: start-up time, the store's load time and the resident memory.
 *
 * <p>{@code benchmarks/run cost [series=10000,100000,1000000] [points=10] [heap=true] [startup=true]}
 */
public final class SeriesCost {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        int[] counts = java.util.Arrays.stream(a.getOrDefault("series", "10000,100000,1000000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int points = Integer.parseInt(a.getOrDefault("points", "10"));
        Map<String, IntFunction<Object>> parts = new java.util.LinkedHashMap<>();
        parts.put("StatsD listener (counters, one shard)", StatsdCost::hold);
        parts.put("collectd listener (DERIVE series)", CollectdCost::hold);
        parts.put("MetricsD listener (counters)", MetricsdCost::hold);
        parts.put("store (" + points + " raw points a series)", n -> StoreCost.hold(n, points));
        List<String> rows = new ArrayList<>();
        StringBuilder head = new StringBuilder("| part |");
        for (int n : counts) {
            head.append(String.format(" %,d series |", n));
        }
        rows.add(head.toString());
        rows.add("|---|" + "---:|".repeat(counts.length));
        boolean heap = Boolean.parseBoolean(a.getOrDefault("heap", "true"));
        for (Map.Entry<String, IntFunction<Object>> e : heap ? parts.entrySet() : Map.<String, IntFunction<Object>>of().entrySet()) {
            StringBuilder row = new StringBuilder("| " + e.getKey() + " |");
            for (int n : counts) {
                e.getValue().apply(Math.min(n, 10_000)); // warm: classes loaded, code compiled
                long before = Heap.usedAfterGc();
                long t = System.nanoTime();
                Object held = e.getValue().apply(n);
                double secs = (System.nanoTime() - t) / 1e9;
                long after = Heap.usedAfterGc();
                Reference.reachabilityFence(held);
                double per = (after - before) / (double) n;
                System.out.printf("%s, %,d series: %,d bytes retained, %.0f bytes/series (fed in %.1f s)%n", e.getKey(), n,
                        after - before, per, secs);
                row.append(String.format(" %.0f B (%.1f MB) |", per, (after - before) / 1048576.0));
                held = null;
            }
            rows.add(row.toString());
        }
        System.out.println();
        rows.forEach(System.out::println);

        if (Boolean.parseBoolean(a.getOrDefault("startup", "true"))) {
            startup(counts[counts.length - 1], points);
        }
    }

    /** The platform jar over an empty store, then over a snapshot of {@code n} series. */
    private static void startup(int n, int points) throws Exception {
        Path empty = LodestarProcess.tempDir();
        Path full = LodestarProcess.tempDir();
        Object store = StoreCost.hold(n, points);
        long size = StoreCost.snapshot(store, Files.createDirectories(full.resolve("data").resolve("store")));
        store = null;
        Heap.usedAfterGc();
        System.out.printf("%nsnapshot of %,d series x %d points: %.1f MB%n", n, points, size / 1048576.0);
        for (Path home : List.of(empty, full)) {
            LodestarProcess p = new LodestarProcess(LodestarProcess.builtJar(), home, List.of("-Xmx2g"));
            p.config("lodestar.store.cfg", Map.of("maxMemory", "1800MB", "maxSeries", "" + (2 * n), "maxNewSeries", "0"));
            long t0 = System.nanoTime();
            p.start();
            if (!p.awaitOutput("store loaded", 300_000)) {
                throw new IllegalStateException(p.output());
            }
            double loadedAt = (System.nanoTime() - t0) / 1e9;
            if (!p.awaitOutput("sink store started", 300_000)) {
                throw new IllegalStateException(p.output());
            }
            double readyAt = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(5_000);
            long rss = 0;
            for (String l : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    rss = Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
            String line = p.output().lines().filter(l -> l.contains("store loaded")).findFirst().orElse("");
            System.out.printf("%s: store loaded %.1f s after launch, store sink started %.1f s, RSS 5 s later %d MB%n  %s%n",
                    home == empty ? "empty store" : String.format("%,d series", n), loadedAt, readyAt, rss / 1024, line);
            p.stop(120_000);
        }
    }
}
