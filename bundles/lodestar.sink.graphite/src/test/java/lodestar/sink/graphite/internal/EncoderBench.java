package lodestar.sink.graphite.internal;

import java.util.ArrayList;
import java.util.List;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

/**
 * Not a test: a rough throughput check of the encoders, run by hand
 * ({@code java -cp target/classes:target/test-classes:<lodestar.api.jar>:<slf4j-api.jar>
 * lodestar.sink.graphite.internal.EncoderBench}). Timed unit tests would be flaky on shared machines.
 */
public final class EncoderBench {

    private EncoderBench() {
    }

    public static void main(String[] args) {
        List<Sample> batch = new ArrayList<>();
        long t = System.currentTimeMillis();
        for (int i = 0; i < 1000; i++) {
            double v = i % 2 == 0 ? i * 1024 : i * 0.37;
            Tags tags = i % 4 == 0 ? Tags.of("host", "web" + (i % 10), "dc", "eu") : Tags.EMPTY;
            batch.add(Sample.of("servers.web" + (i % 10) + ".cpu.core" + (i % 16) + ".user", tags, v, t, Kind.GAUGE));
        }
        Skipped skipped = new Skipped("bench");
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        GraphiteNames names = new GraphiteNames("lodestar", false);
        for (Encoder e : new Encoder[] {new PlaintextEncoder(names, skipped), new PickleEncoder(names, skipped)}) {
            ByteBuf out = new ByteBuf(128 * 1024);
            for (int round = 0; round < 5; round++) {
                long samples = 0;
                long bytes = 0;
                // CPU time of this thread, not wall time: the machine is shared
                long start = cpu.getCurrentThreadCpuTime();
                while (cpu.getCurrentThreadCpuTime() - start < 1_000_000_000L) {
                    for (int k = 0; k < 100; k++) {
                        out.clear();
                        samples += e.encode(batch, out);
                        bytes += out.length();
                    }
                }
                double s = (cpu.getCurrentThreadCpuTime() - start) / 1e9;
                System.out.printf("%s: %.2f M samples per CPU second, %.0f MB%n", e.getClass().getSimpleName(),
                        samples / s / 1e6, bytes / s / 1e6);
            }
        }
    }
}
