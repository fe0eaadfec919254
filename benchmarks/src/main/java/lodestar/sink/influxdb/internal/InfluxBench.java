package lodestar.sink.influxdb.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import lodestar.testkit.InfluxProcess;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.testkit.Configs;
import lodestar.support.lineprotocol.Bytes;
import lodestar.support.lineprotocol.LineProtocol;
import lodestar.support.secrets.Secrets;

/**
 * Samples per second through the sink into a real influxd on loopback:
 * {@code benchmarks/run influx [seconds] [samplesPerBatch] [linesPerRequest]}. Starts influxd in a temporary
 * folder, writes batches of 5000 samples over 1000 series for the given seconds (default 10) the way the core's
 * runner calls the sink (one thread, one batch at a time), then checks InfluxDB's count. Also prints the
 * encoder's own rate. Lives in the sink's package to reach its package-private constructor and encoder.
 */
public final class InfluxBench {

    private InfluxBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int batchSize = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        Path dir = Files.createTempDirectory("influxbench");
        try (InfluxProcess influx = new InfluxProcess(dir)) {
            influx.start();
            influx.createDatabase("bench");
            Map<String, Object> props = new HashMap<>();
            props.put("url", influx.url());
            props.put("database", "bench");
            props.put("maxLinesPerRequest", args.length > 2 ? Integer.parseInt(args[2]) : 5000);
            InfluxDbSink sink = new InfluxDbSink(Configs.of(InfluxDbSink.Config.class, props), Secrets.of(props));

            Tags[] tags = new Tags[100];
            for (int h = 0; h < tags.length; h++) {
                tags[h] = Tags.of("host", "web" + h, "dc", "eu-west-" + (h % 3));
            }
            long t0 = System.currentTimeMillis() - 3_600_000;
            long samples = 0;
            long round = 0;
            List<Sample> batch = new ArrayList<>(batchSize);
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                batch.clear();
                for (int i = 0; i < batchSize; i++) {
                    long n = round * batchSize + i; // each series gets its own ascending timestamps
                    batch.add(Sample.of("bench.metric" + (n % 10), tags[(int) (n / 10 % 100)], n * 0.25,
                            t0 + n / 1000, Kind.GAUGE));
                }
                sink.write(batch);
                samples += batchSize;
                round++;
            }
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf("influxdb sink: %d samples in %.1f s = %.0f samples/s (batches of %d, %d rounds)%n",
                    samples, s, samples / s, batchSize, round);
            sink.deactivate();
            long deadline = System.nanoTime() + 30_000_000_000L;
            long stored = 0;
            while (System.nanoTime() < deadline) {
                String json = influx.query("bench", "SELECT count(value) FROM /^bench\\./");
                stored = 0;
                for (String part : json.split("\\[\\[")) {
                    if (Character.isDigit(part.charAt(0))) {
                        stored += Long.parseLong(part.substring(part.indexOf(',') + 1, part.indexOf(']')).trim());
                    }
                }
                if (stored >= samples) {
                    break;
                }
                Thread.sleep(500);
            }
            System.out.printf("influxdb counts %d points (%s)%n", stored, stored == samples ? "all" : "MISMATCH");

            // the encoder alone, CPU time of this thread
            LineProtocol lp = new LineProtocol(LineProtocol.MeasurementFrom.NAME);
            Bytes out = new Bytes(1 << 20);
            java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
            long encoded = 0;
            long c0 = cpu.getCurrentThreadCpuTime();
            while (cpu.getCurrentThreadCpuTime() - c0 < 2_000_000_000L) {
                out.clear();
                for (Sample x : batch) {
                    lp.append(x, out);
                }
                encoded += batch.size();
            }
            System.out.printf("encoder alone: %.2f M samples per CPU second%n",
                    encoded / ((cpu.getCurrentThreadCpuTime() - c0) / 1e9) / 1e6);
        }
    }
}
