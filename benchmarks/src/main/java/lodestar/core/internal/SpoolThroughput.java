package lodestar.core.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

/**
 * How fast a sink's disk buffer spills and replays: samples appended in batches of 1000 (what a runner
 * does while its backend is down), then read back and acknowledged batch by batch (the replay), on
 * the machine's real file system under {@code target/}. Lives in the core's package to reach the spool.
 *
 * <pre>benchmarks/run spool [samples=2000000] [runs=5]</pre>
 */
public final class SpoolThroughput {

    public static void main(String[] args) throws Exception {
        long samples = 2_000_000;
        int runs = 5;
        for (String a : args) {
            if (a.startsWith("samples=")) {
                samples = Long.parseLong(a.substring(8));
            } else if (a.startsWith("runs=")) {
                runs = Integer.parseInt(a.substring(5));
            }
        }
        double[] spill = new double[runs];
        double[] replay = new double[runs];
        for (int r = 0; r < runs; r++) {
            Path dir = Files.createTempDirectory(Path.of("benchmarks/target"), "spool");
            try {
                double[] rates = once(dir, samples);
                spill[r] = rates[0];
                replay[r] = rates[1];
                System.out.printf("run %d: spill %,.0f samples/s, replay %,.0f samples/s, %.1f bytes/sample%n", r + 1, rates[0], rates[1], rates[2]);
            } finally {
                try (Stream<Path> s = Files.walk(dir)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        Arrays.sort(spill);
        Arrays.sort(replay);
        System.out.printf("spool, %,d samples x %d runs: spill median %,.0f samples/s, replay median %,.0f samples/s%n",
                samples, runs, spill[runs / 2], replay[runs / 2]);
    }

    static double[] once(Path dir, long samples) throws Exception {
        Spool spool = new Spool(dir, Long.MAX_VALUE);
        String[] names = new String[10_000];
        for (int i = 0; i < names.length; i++) {
            names[i] = "servers.host" + (i % 100) + ".metric" + i;
        }
        Tags tags = Tags.of("dc", "par1");
        long now = System.currentTimeMillis();
        long t0 = System.nanoTime();
        List<Sample> batch = new ArrayList<>(1000);
        for (long i = 0; i < samples; i++) {
            batch.add(new Sample(names[(int) (i % names.length)], i % 10 == 0 ? tags : Tags.EMPTY, i * 0.5, now + i, Kind.GAUGE));
            if (batch.size() == 1000) {
                spool.append(batch);
                batch = new ArrayList<>(1000);
            }
        }
        spool.append(batch);
        double spillRate = samples / ((System.nanoTime() - t0) / 1e9);
        double bytesPerSample = spool.bytes() / (double) samples;
        long t1 = System.nanoTime();
        long read = 0;
        List<Sample> b;
        while ((b = spool.peek()) != null) {
            read += b.size();
            spool.ack(b.size());
        }
        double replayRate = read / ((System.nanoTime() - t1) / 1e9);
        if (read != samples) {
            throw new IllegalStateException("replayed " + read + " of " + samples);
        }
        return new double[] {spillRate, replayRate, bytesPerSample};
    }
}
