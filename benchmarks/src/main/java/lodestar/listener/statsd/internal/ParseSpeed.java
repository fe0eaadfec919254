package lodestar.listener.statsd.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;

import lodestar.testkit.Configs;

/**
 * Rough single-thread parse+aggregate speed: {@code benchmarks/run statsd-parse [linesPerPacket] [flood]}.
 * The traffic is benchmarks/statsd/blast.c's (10 000 names cycling through c, ms, g, s; the same pseudo-random values),
 * joined into packets as the receiver hands them to a shard; a snapshot (flush) every 500 000 lines.
 * With {@code flood}, every line of every round is a name never seen before, against the default cardinality limits:
 * the cost of a sender inventing names once the guard refuses them.
 * Prints lines per second of wall time and of this thread's CPU time.
 */
public final class ParseSpeed {
    public static void main(String[] a) {
        int lpp = a.length > 0 ? Integer.parseInt(a[0]) : 20;
        boolean flood = a.length > 1 && a[1].equals("flood");
        Settings s = Settings.from(Configs.of(StatsdListener.Config.class));
        Aggregator agg = new Aggregator(s, new lodestar.support.log.RateLimitedLog(1000, System.out::println),
                new lodestar.support.cardinality.CardinalityGuard("bench", s.cardinality(), System.out::println));
        int total = 1_000_000;
        int rounds = 12;
        byte[][] data = new byte[flood ? rounds : 1][];
        for (int r = 0; r < data.length; r++) {
            data[r] = traffic(lpp, total, flood ? r * total : -1);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < rounds; round++) {
            byte[] d = data[flood ? round : 0];
            long t = System.nanoTime();
            long c = mx.getCurrentThreadCpuTime();
            // in chunks of about 64 KiB, as batches arrive
            for (int off = 0; off < d.length;) {
                int end = Math.min(d.length, off + 65536);
                while (end < d.length && d[end] != '\n') {
                    end++;
                }
                agg.packet(d, off, end - off);
                off = end + 1;
            }
            double secs = (System.nanoTime() - t) / 1e9;
            double cpu = (mx.getCurrentThreadCpuTime() - c) / 1e9;
            agg.snapshot();
            System.out.printf("%.0f lines/s wall, %.0f lines/s cpu (%.0f ns/line)%n", total / secs, total / cpu, cpu * 1e9 / total);
        }
    }

    /** blast.c's traffic; with {@code firstNew >= 0} every line's name is new, numbered from it. */
    private static byte[] traffic(int lpp, int total, int firstNew) {
        StringBuilder b = new StringBuilder();
        int rnd = 12345;
        for (int seq = 0; seq < total; seq++) {
            int j = firstNew >= 0 ? firstNew + seq : seq % 10000;
            rnd = rnd * 1103515245 + 12345;
            int v = rnd >>> 8;
            b.append(seq % lpp == 0 ? (seq == 0 ? "" : "\n\n") : "\n");
            switch (j % 4) {
                case 0 -> b.append("bench.c").append(j).append(":1|c");
                case 1 -> b.append("bench.t").append(j).append(':').append(Integer.remainderUnsigned(v, 1000)).append("|ms");
                case 2 -> b.append("bench.g").append(j).append(':').append(Integer.remainderUnsigned(v, 100)).append("|g");
                default -> b.append("bench.s").append(j).append(':').append(Integer.remainderUnsigned(v, 100)).append("|s");
            }
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
