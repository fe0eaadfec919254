package lodestar.web.graphite.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import lodestar.testkit.Configs;

/**
 * Render latency of the Graphite API over 24 h from a real store: 100 series written at one point per 10 s for
 * 24 h (the store keeps the last 6 h raw and rolls the rest up into 1 min buckets, as it does on the platform),
 * then {@code /render?from=-24h&format=json} for 1, 10 and 100 series, and a {@code sumSeries} of the 100:
 * median and p99 of the time to the whole JSON answer, in process (parse, read the store, functions, JSON), and
 * over HTTP through Jetty 11 (the servlet as the platform serves it, minus the viewer context).
 *
 * <p>{@code benchmarks/run graphite-render [runs=300] [warmup=100]}
 */
public final class RenderBench {

    public static void main(String[] argv) throws Exception {
        int runs = 300;
        int warmup = 100;
        for (String a : argv) {
            if (a.startsWith("runs=")) {
                runs = Integer.parseInt(a.substring(5));
            } else if (a.startsWith("warmup=")) {
                warmup = Integer.parseInt(a.substring(7));
            } else {
                throw new IllegalArgumentException("expected runs=N or warmup=N, got '" + a + "'");
            }
        }
        Path home = Files.createTempDirectory("lodestar-render-bench");
        try (StoreFixture fx = new StoreFixture(home, "256MB")) {
            long now = System.currentTimeMillis() / 1000 / 10 * 10;
            long start = now - 86_400;
            int points = 8640;
            long t = System.nanoTime();
            for (int s = 0; s < 100; s++) {
                double[] v = new double[points];
                for (int i = 0; i < points; i++) {
                    v[i] = Math.round((50 + 40 * Math.sin((i + s * 37) / 90.0)) * 10) / 10.0;
                }
                fx.write("bench.host" + s + ".cpu", start, 10, v);
            }
            // roll up what left the raw window now, as the store's maintenance does every 10 s
            var maintain = fx.store.getClass().getDeclaredMethod("maintainQuietly");
            maintain.setAccessible(true);
            maintain.invoke(fx.store);
            System.out.printf(Locale.ROOT, "store: 100 series x 24 h at 10 s written in %.1f s; %d raw points, %d rollup buckets, %.1f MB%n",
                    (System.nanoTime() - t) / 1e9, fx.store.rawPointCount(), fx.store.rollupBucketCount(), fx.store.bytesUsed() / 1e6);

            StoreSource source = new StoreSource(fx.store, System::currentTimeMillis);
            Limits limits = new Limits(20, 2000, 1000, 1_000_000, 10_000);
            Renderer renderer = new Renderer(source, limits, ZoneOffset.UTC);
            String[][] cases = {
                {"1 series", "bench.host0.cpu"},
                {"10 series", "bench.host{0,1,2,3,4,5,6,7,8,9}.cpu"},
                {"100 series", "bench.*.cpu"},
                {"sumSeries of 100", "sumSeries(bench.*.cpu)"},
            };
            System.out.println("| request (from=-24h, format=json) | answer | in process: median | p99 | over HTTP: median | p99 |");
            System.out.println("|---|---|---|---|---|---|");
            GraphiteApi api = new GraphiteApi(GraphiteApi.Settings.from(Configs.of(GraphiteApi.Config.class)), source);
            try (ApiServer server = new ApiServer(api)) {
                for (String[] c : cases) {
                    Renderer.Request r = new Renderer.Request(List.of(c[1]), "-24h", "now", null, false);
                    int size = renderer.render(r, System.currentTimeMillis()).length();
                    final int n = runs;
                    final int w = warmup;
                    double[] local = time(n, w, () -> renderer.render(r, System.currentTimeMillis()));
                    String url = "/render?format=json&from=-24h&target=" + java.net.URLEncoder.encode(c[1], "UTF-8");
                    double[] http = time(n, w, () -> {
                        var resp = server.get(url);
                        if (resp.statusCode() != 200) {
                            throw new IllegalStateException(resp.statusCode() + " " + resp.body());
                        }
                    });
                    System.out.printf(Locale.ROOT, "| %s | %.0f KB | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%n", c[0], size / 1024.0,
                            pct(local, 50), pct(local, 99), pct(http, 50), pct(http, 99));
                }
            }
        }
    }

    interface Task {
        void run() throws Exception;
    }

    private static double[] time(int runs, int warmup, Task task) throws Exception {
        for (int i = 0; i < warmup; i++) {
            task.run();
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            task.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    private static double pct(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

}
