package lodestar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import lodestar.testkit.InfluxProcess;
import lodestar.testkit.KafkaBroker;
import lodestar.testkit.KafkaTopics;
import lodestar.testkit.LodestarProcess;

/**
 * The Kafka fleet topology (issue 16), every part real and on loopback: an agent Lodestar (Graphite listener in,
 * Kafka sink out) -> a Kafka broker in KRaft mode (Maven Central's kafka_2.13) -> two relay Lodestars in one
 * consumer group (Kafka listener in, InfluxDB sink out) -> InfluxDB (Debian's influxdb). The relays share the
 * partitions; the first is SIGKILLed mid-stream, the second takes over all of them once the dead one's session
 * times out (6 s), and the first is started again and rejoins. Every sample sent arrives, counted at InfluxDB (a sample delivered twice is the same point there).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class KafkaFleetIT {

    private static final String TOPIC = "metrics";
    private static final int RATE = 5_000;
    private static final int SECONDS = 12;
    private static final int SERIES = 100;

    private final Path tmp = LodestarProcess.tempDir();
    private final long base = (System.currentTimeMillis() - 600_000) / 1000 * 1000;
    private KafkaBroker kafka;
    private InfluxProcess influx;
    private LodestarProcess agent;
    private LodestarProcess relayA;
    private LodestarProcess relayB;
    private int graphitePort;

    @BeforeAll
    void start() throws Exception {
        kafka = new KafkaBroker(tmp.resolve("kafka"), 4);
        kafka.start();
        KafkaTopics.create(kafka.bootstrapServers(), TOPIC, 4);
        KafkaTopics.committed(kafka.bootstrapServers(), "warm-up", TOPIC); // the group coordinator loaded before the relays ask
        influx = new InfluxProcess(Files.createDirectories(tmp.resolve("influx")));
        influx.start();
        influx.createDatabase("fleet");

        agent = new LodestarProcess(LodestarProcess.builtJar(), Files.createDirectories(tmp.resolve("agent")), List.of("-Xmx256m"));
        graphitePort = LodestarProcess.freePort();
        agent.config("lodestar.listener.graphite-in.cfg", Map.of("port", "" + graphitePort, "udp", "false", "picklePort", "0"));
        agent.config("lodestar.sink.kafka-fleet.cfg", Map.of("bootstrapServers", kafka.bootstrapServers(), "topic", TOPIC,
                "include", "e2e.**", "flushInterval", "200ms", "batchSize", "5000", "retryInitial", "200ms", "retryMax", "2s"));
        agent.start();
        relayA = relay("relay-a");
        relayA.start();
        relayB = relay("relay-b");
        relayB.start(); // three JVMs starting at once: the slowest part of this test
        assertTrue(agent.awaitOutput("sink kafka-fleet started", 60_000), agent.output());
        // both relays in the group: the four partitions shared out between them
        assertTrue(relayA.awaitOutput("partitions assigned: \\[metrics-\\d(, metrics-\\d)?\\]", 60_000), relayA.output());
        assertTrue(relayB.awaitOutput("partitions assigned: \\[metrics-\\d(, metrics-\\d)?\\]", 60_000), relayB.output());
    }

    private LodestarProcess relay(String name) throws IOException {
        LodestarProcess p = new LodestarProcess(LodestarProcess.builtJar(), Files.createDirectories(tmp.resolve(name)),
                List.of("-Xmx256m"));
        p.config("lodestar.listener.kafka-fleet.cfg", Map.of("bootstrapServers", kafka.bootstrapServers(),
                "topics", TOPIC, "groupId", "relays", "sessionTimeout", "6s"));
        p.config("lodestar.sink.influxdb-store.cfg", Map.of("url", influx.url(), "database", "fleet", "include", "e2e.**",
                "flushInterval", "200ms", "batchSize", "5000", "retryInitial", "200ms", "retryMax", "2s"));
        return p;
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {agent, relayA, relayB, kafka, influx}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void aRelayKilledMidStreamLosesNothingAndTheOtherTakesItsPartitions() throws Exception {
        long total = (long) RATE * SECONDS;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), graphitePort); OutputStream out = s.getOutputStream()) {
            long t0 = System.nanoTime();
            int perTick = RATE / 100;
            StringBuilder b = new StringBuilder(64 * perTick);
            boolean killed = false;
            boolean restarted = false;
            for (long i = 0; i < total; ) {
                long wait = t0 + (i / perTick) * 10_000_000L - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                if (!killed && i >= 3L * RATE) {
                    awaitSomeAtInflux(); // relay A has been doing its share when it dies
                    relayA.kill(); // SIGKILL: no shutdown, no last commit
                    killed = true;
                }
                if (!restarted && i >= 8L * RATE) {
                    relayA.start();
                    restarted = true;
                }
                b.setLength(0);
                for (int j = 0; j < perTick && i < total; j++, i++) {
                    long ts = base + i;
                    b.append("e2e.fleet.s").append(i % SERIES).append(' ').append(i).append(' ')
                            .append(ts / 1000).append('.').append(String.format("%03d", ts % 1000)).append('\n');
                }
                out.write(b.toString().getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
        }
        long end = System.currentTimeMillis() + 60_000;
        long got = count();
        while (got < total && System.currentTimeMillis() < end) {
            Thread.sleep(1000);
            got = count();
        }
        assertEquals(total, got, "points at InfluxDB\nrelay B: " + relayB.shell("lodestar:status") + "\nrelay A: "
                + (relayA.isAlive() ? relayA.shell("lodestar:status") : "dead"));
        // relay B took over the dead relay's partitions: all four at once, after relay A's session timed out
        assertTrue(relayB.countOutput("partitions assigned: \\[metrics-0, metrics-1, metrics-2, metrics-3\\]") > 0,
                relayB.output());
        String status = relayB.shell("lodestar:status");
        assertTrue(status.contains("kafka-fleet"), status);
    }

    private void awaitSomeAtInflux() throws Exception {
        long end = System.currentTimeMillis() + 15_000;
        while (count() == 0) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("nothing reached InfluxDB\nagent: " + agent.shell("lodestar:status")
                        + "\nrelay A: " + relayA.shell("lodestar:status") + "\nrelay B: " + relayB.shell("lodestar:status"));
            }
            Thread.sleep(200);
        }
    }

    /** Points InfluxDB holds under e2e.fleet.*. */
    private long count() throws Exception {
        String json = influx.query("fleet", "SELECT count(value) FROM /^e2e\\.fleet\\./");
        long n = 0;
        Matcher m = Pattern.compile("\\[\\d+,(\\d+)\\]").matcher(json);
        while (m.find()) {
            n += Long.parseLong(m.group(1));
        }
        return n;
    }
}
