package lodestar.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache Kafka broker (Maven Central's {@code org.apache.kafka:kafka_2.13}, the version in the root pom) in
 * KRaft mode, broker and controller in one process, on free loopback ports, in a temporary folder: for the Kafka
 * bundles' tests, the e2e tests and the benchmark. It runs {@code kafka.Kafka} in a child JVM on the class path the
 * testkit build wrote ({@code kafka-broker.classpath}, from the local Maven repository), after formatting its
 * storage the way {@code kafka-storage.sh format} does. Topics are created on first use with {@link #partitions}
 * partitions. Stopping and starting again keeps the data, ports and cluster id.
 */
public final class KafkaBroker extends ServerProcess {

    /** The port clients connect to. */
    public final int port;
    /** Partitions of a topic created on first use. */
    public final int partitions;
    private final int controllerPort;
    private final String classpath;
    private final String clusterId;

    /** A broker whose topics get 4 partitions. */
    public KafkaBroker(Path dir) throws IOException {
        this(dir, 4);
    }

    public KafkaBroker(Path dir, int partitions) throws IOException {
        super("kafka", dir, "kafka.log");
        this.partitions = partitions;
        int[] ports = freePorts(2);
        this.port = ports[0];
        this.controllerPort = ports[1];
        this.classpath = classpath();
        UUID u = UUID.randomUUID();
        this.clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(ByteBuffer.allocate(16)
                .putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array());
        Files.writeString(dir.resolve("server.properties"), """
                process.roles=broker,controller
                node.id=1
                controller.quorum.voters=1@127.0.0.1:%d
                listeners=PLAINTEXT://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d
                advertised.listeners=PLAINTEXT://127.0.0.1:%d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                log.dirs=%s
                num.partitions=%d
                auto.create.topics.enable=true
                offsets.topic.replication.factor=1
                offsets.topic.num.partitions=4
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                log.flush.interval.messages=9223372036854775807
                """.formatted(controllerPort, port, controllerPort, port, dir.resolve("data"), partitions));
    }

    /** {@code 127.0.0.1:port}, for bootstrap.servers. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    private static String classpath() throws IOException {
        try (InputStream in = KafkaBroker.class.getResourceAsStream("kafka-broker.classpath")) {
            if (in == null) {
                throw new IllegalStateException("kafka-broker.classpath is missing: build the testkit with Maven");
            }
            String cp = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            for (String jar : cp.split(java.io.File.pathSeparator)) {
                if (!Files.isRegularFile(Path.of(jar))) {
                    throw new IllegalStateException("the Kafka broker's " + jar + " is missing: run"
                            + " mvn install -pl testkit (it fetches kafka_2.13 and its dependencies)");
                }
            }
            return cp;
        }
    }

    private List<String> java(String mainClass, String... args) {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms128m", "-Xmx768m", "-XX:+UseG1GC", "-Djava.awt.headless=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info", "-Dorg.slf4j.simpleLogger.showDateTime=true", "-cp", classpath, mainClass));
        c.addAll(List.of(args));
        return c;
    }

    @Override
    public List<String> command() {
        return java("kafka.Kafka", dir.resolve("server.properties").toString());
    }

    /** Formats the storage the first time (as {@code kafka-storage.sh format}), then starts the broker. */
    @Override
    public void start() throws IOException, InterruptedException {
        if (!Files.exists(dir.resolve("data").resolve("meta.properties"))) {
            Process p = new ProcessBuilder(java("kafka.tools.StorageTool", "format", "-t", clusterId, "-c",
                    dir.resolve("server.properties").toString())).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("formatting the Kafka storage failed:\n" + logTail());
            }
        }
        super.start();
    }

    /** Kafka logs "Kafka Server started" once broker and controller serve. */
    @Override
    protected boolean ready() {
        if (!accepts(port)) {
            return false;
        }
        try {
            return Files.readString(log, StandardCharsets.UTF_8).contains("Kafka Server started");
        } catch (IOException e) {
            return false;
        }
    }
}
