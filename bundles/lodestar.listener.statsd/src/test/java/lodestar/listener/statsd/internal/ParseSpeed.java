package lodestar.listener.statsd.internal;

import java.nio.charset.StandardCharsets;

/** Rough single-thread parse+aggregate speed (not a test): java ... ParseSpeed */
public final class ParseSpeed {
    public static void main(String[] a) {
        Settings s = new Settings();
        Aggregator agg = new Aggregator(s, new lodestar.api.util.RateLimitedLog(1000, System.out::println));
        StringBuilder b = new StringBuilder();
        int lines = 0;
        for (int j = 0; j < 10000; j++) {
            switch (j % 4) {
                case 0 -> b.append("bench.c").append(j).append(":1|c\n");
                case 1 -> b.append("bench.t").append(j).append(":").append(j % 1000).append("|ms\n");
                case 2 -> b.append("bench.g").append(j).append(":").append(j % 100).append("|g\n");
                default -> b.append("bench.s").append(j).append(":").append(j % 100).append("|s\n");
            }
            lines++;
        }
        byte[] data = b.toString().getBytes(StandardCharsets.US_ASCII);
        for (int round = 0; round < 8; round++) {
            long t = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                agg.packet(data, 0, data.length);
            }
            double secs = (System.nanoTime() - t) / 1e9;
            System.out.printf("%.0f lines/s%n", 100 * lines / secs);
            if (round % 2 == 1) {
                agg.snapshot();
            }
        }
    }
}
