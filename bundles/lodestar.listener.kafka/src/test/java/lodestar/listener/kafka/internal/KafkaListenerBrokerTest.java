package lodestar.listener.kafka.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import lodestar.api.ComponentStatus;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.SamplesLostException;
import lodestar.api.Tags;
import lodestar.support.json.SampleJson;
import lodestar.support.secrets.Secrets;
import lodestar.testkit.CapturingPipeline;
import lodestar.testkit.Configs;
import lodestar.testkit.KafkaBroker;
import lodestar.testkit.KafkaTopics;

/** The listener against a real broker (KRaft, from Maven Central's Kafka) and a pipeline the test controls. */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class KafkaListenerBrokerTest {

    @TempDir
    static Path dir;
    static KafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = new KafkaBroker(dir.resolve("kafka"));
        broker.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private static KafkaListener listener(CapturingPipeline pipeline, String topic, String group) {
        Map<String, Object> props = new HashMap<>(Map.of("bootstrapServers", broker.bootstrapServers(), "topics", topic,
                "groupId", group, "maxPollRecords", 500, "maxPending", 1000));
        return new KafkaListener(Configs.of(KafkaListener.Config.class, props), pipeline, "test", Secrets.of(props));
    }

    /** Writes {@code n} JSON samples (values 0..n-1, 10 series) and, when asked, the given raw records too. */
    private static void produce(String topic, int n, String... raw) throws Exception {
        KafkaTopics.create(broker.bootstrapServers(), topic, 4);
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                Sample s = new Sample("m", Tags.of("s", "s" + i % 10), i, 1700000000000L + i, Kind.COUNTER);
                producer.send(new ProducerRecord<>(topic, s.seriesKey().getBytes(StandardCharsets.UTF_8),
                        SampleJson.append(new StringBuilder(), s).toString().getBytes(StandardCharsets.UTF_8)));
            }
            for (String r : raw) {
                producer.send(new ProducerRecord<>(topic, null, r.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static long committed(String group, String topic) throws Exception {
        return KafkaTopics.committed(broker.bootstrapServers(), group, topic);
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static long counter(KafkaListener l, String name) {
        ComponentStatus s = l.status();
        return s.counters().get(name);
    }

    private static Set<Double> values(CapturingPipeline p) {
        return p.samples.stream().map(Sample::value).collect(Collectors.toSet());
    }

    @Test
    void consumesSkipsPoisonAndCommitsWhatTheSinksSettled() throws Exception {
        produce("t1", 2000, "not a sample", "{\"name\":\"x\"}", "cpu,host=a value=1.5 1700000000000");
        CapturingPipeline pipeline = new CapturingPipeline();
        KafkaListener l = listener(pipeline, "t1", "g1");
        try {
            await("2001 samples", () -> pipeline.samples.size() >= 2001);
            await("all 2003 records committed", () -> {
                try {
                    return committed("g1", "t1") == 2003;
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals(2001, pipeline.samples.size());
            assertEquals(2, counter(l, "bad_input"));
            assertTrue(pipeline.samples.contains(new Sample("cpu", Tags.of("host", "a"), 1.5, 1700000000000L, Kind.GAUGE)));
            assertTrue(pipeline.samples.stream().filter(s -> s.name().equals("m")).allMatch(s -> s.kind() == Kind.COUNTER));
            assertEquals(2000, values(pipeline).stream().filter(v -> v != 1.5).count());
        } finally {
            l.deactivate();
        }
        assertEquals("stopped", l.status().state().word());
    }

    @Test
    void fullSinksHoldThePartitionsUntilThereIsRoom() throws Exception {
        produce("t2", 1000);
        CapturingPipeline pipeline = new CapturingPipeline();
        pipeline.full = true;
        KafkaListener l = listener(pipeline, "t2", "g2");
        try {
            await("offers refused", () -> pipeline.refused.get() >= 3);
            assertEquals(0, pipeline.samples.size());
            assertEquals("degraded", l.status().state().word());
            assertEquals(0, committed("g2", "t2"));
            pipeline.full = false;
            await("1000 samples", () -> pipeline.samples.size() >= 1000);
            assertEquals(1000, values(pipeline).size());
        } finally {
            l.deactivate();
        }
    }

    @Test
    void whatTheSinksDidNotSettleIsReadAgainByTheNextConsumer() throws Exception {
        produce("t3", 1000);
        CapturingPipeline stuck = new CapturingPipeline();
        stuck.settlement = CompletableFuture::new; // never settles: a sink that is down without a disk buffer
        KafkaListener first = listener(stuck, "t3", "g3");
        try {
            await("1000 samples handed on", () -> stuck.samples.size() >= 1000);
            Thread.sleep(500);
            assertEquals(0, committed("g3", "t3"));
            assertEquals(1000, counter(first, "pending_samples"));
        } finally {
            first.deactivate();
        }
        // a sink that lost part of a batch: the listener reads those records again rather than commit them
        CapturingPipeline lossy = new CapturingPipeline();
        int[] calls = {0};
        lossy.settlement = () -> calls[0]++ == 0 ? CompletableFuture.failedFuture(new SamplesLostException("s", 1))
                : CompletableFuture.completedFuture(null);
        KafkaListener second = listener(lossy, "t3", "g3");
        try {
            await("all 1000 committed", () -> {
                try {
                    return committed("g3", "t3") == 1000;
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals(1000, values(lossy).size());
            assertTrue(lossy.samples.size() > 1000, "the lost batch was not read again: " + lossy.samples.size());
            assertEquals(1, counter(second, "lost_batches"));
        } finally {
            second.deactivate();
        }
    }
}
