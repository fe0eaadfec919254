package lodestar.listener.collectd.internal;

import java.util.List;
import java.util.Map;

import lodestar.api.Sample;
import lodestar.testkit.Configs;

/**
 * Runs one listener outside OSGi for benchmarks/collectd/bench.py: {@code BenchMain <port> [receiveBuffer]}. The
 * pipeline counts the samples named {@code collectd.benchhost.bench.*}; every 250 ms it prints the running total
 * with the listener's drop counters. Lives in the listener's package to reach its {@code Engine}.
 */
public final class BenchMain {

    public static void main(String[] args) throws Exception {
        Settings s = Settings.from(Configs.of(CollectdListener.Config.class, "port", Integer.parseInt(args[0]),
                "receiveBuffer", args.length > 1 ? args[1] : "8MB"));
        long[] count = new long[1];
        Engine e = new Engine("bench", s, TypesDb.load(List.of()), new Converters(true, false), (List<Sample> samples) -> {
            long n = 0;
            for (Sample x : samples) {
                if (x.name().startsWith("collectd.benchhost.bench.")) {
                    n++;
                }
            }
            synchronized (count) {
                count[0] += n;
            }
        }).start();
        System.out.println("ready port=" + e.port());
        System.out.flush();
        while (true) {
            Thread.sleep(250);
            Map<String, Long> c = e.status().counters();
            long n;
            synchronized (count) {
                n = count[0];
            }
            System.out.printf("count values=%d packets=%d queue_drops=%d kernel_drops=%d bad_input=%d queued_bytes=%d%n", n,
                    c.get("packets"), c.get("queue_drops"), c.get("kernel_drops"), c.get("bad_input"), c.get("queued_bytes"));
            System.out.flush();
        }
    }
}
