package lodestar.bench;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import lodestar.testkit.InfluxProcess;
import lodestar.testkit.KafkaBroker;
import lodestar.testkit.KafkaTopics;
import lodestar.testkit.LodestarProcess;

/**
 * Samples/s through the Kafka fleet topology, every part a real process on loopback: an agent Lodestar (Graphite
 * plaintext listener in, Kafka sink out, json, lz4, acks=all) -> a Kafka broker (KRaft) -> one relay Lodestar (Kafka
 * listener in, InfluxDB sink out) -> influxd. The driver writes {@code samples} Graphite lines to the agent as
 * fast as one TCP connection takes them, and times when the topic holds them all (into Kafka) and when InfluxDB
 * counts them all (end to end); a run whose count stays short is reported as loss. Both Lodestars run with the
 * launcher's heap (-Xmx256m).
 *
 * <p>{@code benchmarks/run kafka [samples=1000000] [runs=3] [series=1000] [partitions=4]}; needs the exported
 * platform (run/target/lodestar.jar: {@code ./lodestar} or {@code mvn install -pl run -am}) and Debian's influxdb.
 */
public final class KafkaFleetThroughput {

    private KafkaFleetThroughput() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = Args.parse(argv);
        long samples = Long.parseLong(a.getOrDefault("samples", "1000000"));
        int runs = Integer.parseInt(a.getOrDefault("runs", "3"));
        int series = Integer.parseInt(a.getOrDefault("series", "1000"));
        int partitions = Integer.parseInt(a.getOrDefault("partitions", "4"));
        Path tmp = Files.createTempDirectory("lodestar-kafka-bench");
        try (KafkaBroker kafka = new KafkaBroker(tmp.resolve("kafka"), partitions);
                InfluxProcess influx = new InfluxProcess(tmp.resolve("influx"))) {
            kafka.start();
            KafkaTopics.create(kafka.bootstrapServers(), "metrics", partitions);
            influx.start();
            influx.createDatabase("bench");
            int graphitePort = LodestarProcess.freePort();
            try (LodestarProcess agent = new LodestarProcess(LodestarProcess.builtJar(),
                    Files.createDirectories(tmp.resolve("agent")), List.of("-Xmx256m"));
                    LodestarProcess relay = new LodestarProcess(LodestarProcess.builtJar(),
                            Files.createDirectories(tmp.resolve("relay")), List.of("-Xmx256m"))) {
                agent.config("lodestar.listener.graphite-in.cfg", Map.of("port", "" + graphitePort, "udp", "false",
                        "picklePort", "0"));
                agent.config("lodestar.sink.kafka-fleet.cfg", Map.of("bootstrapServers", kafka.bootstrapServers(),
                        "topic", "metrics", "include", "bench.**", "batchSize", "5000", "flushInterval", "100ms"));
                relay.config("lodestar.listener.kafka-fleet.cfg", Map.of("bootstrapServers", kafka.bootstrapServers(),
                        "topics", "metrics", "groupId", "relays"));
                relay.config("lodestar.sink.influxdb-store.cfg", Map.of("url", influx.url(), "database", "bench",
                        "include", "bench.**", "batchSize", "5000", "flushInterval", "100ms"));
                agent.start();
                relay.start();
                await(agent, "sink kafka-fleet started");
                await(relay, "partitions assigned");
                await(relay, "sink influxdb-store started");
                System.out.printf("kafka fleet: %d samples/run, %d series, %d partitions, load average %s%n", samples,
                        series, partitions, Files.readString(Path.of("/proc/loadavg")).trim());
                List<Double> into = new ArrayList<>();
                List<Double> through = new ArrayList<>();
                for (int run = 0; run < runs; run++) {
                    String prefix = "bench.r" + run;
                    long before = endOffsets(kafka.bootstrapServers());
                    long t0 = System.nanoTime();
                    send(graphitePort, prefix, samples, series);
                    double sentSeconds = (System.nanoTime() - t0) / 1e9;
                    double inKafka = -1;
                    double inInflux = -1;
                    long counted = 0;
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(60, samples / 10_000));
                    long lastChange = System.nanoTime();
                    while (System.nanoTime() < deadline) {
                        if (inKafka < 0 && endOffsets(kafka.bootstrapServers()) - before >= samples) {
                            inKafka = (System.nanoTime() - t0) / 1e9;
                        }
                        long c = count(influx, prefix);
                        if (c != counted) {
                            counted = c;
                            lastChange = System.nanoTime();
                        }
                        if (counted >= samples) {
                            inInflux = (System.nanoTime() - t0) / 1e9;
                            break;
                        }
                        if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(20)) {
                            break; // nothing more is coming
                        }
                        Thread.sleep(250);
                    }
                    System.out.printf("run %d: sent in %.1f s; in Kafka after %s; at InfluxDB %d of %d after %s%n", run + 1,
                            sentSeconds, inKafka < 0 ? "-" : String.format("%.1f s (%.0f/s)", inKafka, samples / inKafka),
                            counted, samples, inInflux < 0 ? "- (LOSS)" : String.format("%.1f s (%.0f/s)", inInflux,
                                    samples / inInflux));
                    if (inKafka > 0) {
                        into.add(samples / inKafka);
                    }
                    if (inInflux > 0) {
                        through.add(samples / inInflux);
                    }
                }
                System.out.printf("median of %d: into Kafka %s samples/s; agent -> Kafka -> relay -> InfluxDB %s samples/s"
                        + " (%d of %d runs without loss)%n", runs, median(into), median(through), through.size(), runs);
                System.out.println("relay: " + relay.shell("lodestar:status").lines()
                        .filter(l -> l.contains("kafka") || l.contains("influx")).collect(Collectors.joining(" | ")));
            }
        }
    }

    private static String median(List<Double> v) {
        if (v.isEmpty()) {
            return "-";
        }
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return String.format("%.0f", s.get(s.size() / 2));
    }

    private static void await(LodestarProcess p, String line) throws Exception {
        if (!p.awaitOutput(line, 120_000)) {
            throw new IllegalStateException("no '" + line + "' in " + p.home + ":\n" + p.output());
        }
    }

    /** Graphite plaintext lines, series cycling, timestamps 1 ms apart (unique per series). */
    private static void send(int port, String prefix, long samples, int series) throws Exception {
        long base = (System.currentTimeMillis() - 3_600_000) / 1000 * 1000;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16)) {
            StringBuilder b = new StringBuilder(1 << 16);
            for (long i = 0; i < samples; i++) {
                long ts = base + i;
                b.append(prefix).append(".s").append(i % series).append(' ').append(i).append(' ').append(ts / 1000)
                        .append('.').append(ts % 1000 < 100 ? ts % 1000 < 10 ? "00" : "0" : "").append(ts % 1000)
                        .append('\n');
                if (b.length() > 60_000) {
                    out.write(b.toString().getBytes(StandardCharsets.US_ASCII));
                    b.setLength(0);
                }
            }
            out.write(b.toString().getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static long endOffsets(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p)) {
            int n = admin.describeTopics(List.of("metrics")).allTopicNames().get().get("metrics").partitions().size();
            Map<TopicPartition, OffsetSpec> q = new java.util.HashMap<>();
            for (int i = 0; i < n; i++) {
                q.put(new TopicPartition("metrics", i), OffsetSpec.latest());
            }
            return admin.listOffsets(q).all().get().values().stream().mapToLong(r -> r.offset()).sum();
        }
    }

    private static long count(InfluxProcess influx, String prefix) throws Exception {
        String json = influx.query("bench", "SELECT count(value) FROM /^" + prefix.replace(".", "\\.") + "\\./");
        long n = 0;
        Matcher m = Pattern.compile("\\[\\d+,(\\d+)\\]").matcher(json);
        while (m.find()) {
            n += Long.parseLong(m.group(1));
        }
        return n;
    }
}
