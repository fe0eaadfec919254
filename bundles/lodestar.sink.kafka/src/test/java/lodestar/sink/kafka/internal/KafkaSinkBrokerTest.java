package lodestar.sink.kafka.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.json.SampleJson;
import lodestar.support.secrets.Secrets;
import lodestar.testkit.Configs;
import lodestar.testkit.KafkaBroker;
import lodestar.testkit.KafkaTopics;

/** The sink against a real broker (KRaft, started from Maven Central's Kafka): what lands in the topic. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaSinkBrokerTest {

    @TempDir
    static Path dir;
    static KafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = new KafkaBroker(dir.resolve("kafka"));
        broker.start();
        KafkaTopics.create(broker.bootstrapServers(), "json-test", 4);
        KafkaTopics.create(broker.bootstrapServers(), "line-test", 1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private static KafkaSink sink(Object... kv) {
        Map<String, Object> props = new HashMap<>(Map.of("bootstrapServers", broker.bootstrapServers()));
        for (int i = 0; i < kv.length; i += 2) {
            props.put((String) kv[i], kv[i + 1]);
        }
        return new KafkaSink(Configs.of(KafkaSink.Config.class, props), Secrets.of(props), "test");
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int n) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("group.id", "reader-" + topic);
        p.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (out.size() < n && System.nanoTime() < end) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void jsonRecordsKeyedBySeriesEachSeriesInOnePartition() throws Exception {
        KafkaSink sink = sink("topic", "json-test");
        List<Sample> batch = new ArrayList<>();
        for (int t = 0; t < 50; t++) {
            for (int s = 0; s < 20; s++) {
                batch.add(new Sample("app.requests", Tags.of("host", "h" + s), t, 1700000000000L + t * 1000L,
                        s % 2 == 0 ? Kind.COUNTER : Kind.GAUGE));
            }
        }
        batch.add(new Sample("odd", Tags.EMPTY, Double.NaN, 1L, Kind.GAUGE));
        try {
            sink.write(batch); // returns only once the broker acknowledged all of it
        } finally {
            sink.deactivate();
        }
        List<ConsumerRecord<byte[], byte[]>> got = read("json-test", batch.size());
        assertEquals(batch.size(), got.size());
        Map<String, Integer> partitionOf = new HashMap<>();
        Map<String, Double> lastValue = new HashMap<>();
        List<Sample> decoded = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : got) {
            Sample s = SampleJson.parse(new String(r.value(), StandardCharsets.UTF_8));
            String key = new String(r.key(), StandardCharsets.UTF_8);
            assertEquals(s.seriesKey(), key);
            Integer before = partitionOf.putIfAbsent(key, r.partition());
            assertTrue(before == null || before == r.partition(), key + " in two partitions");
            Double last = lastValue.put(key, s.value());
            assertTrue(last == null || last < s.value(), key + " out of order"); // in order within its partition
            decoded.add(s);
        }
        assertEquals(Set.copyOf(batch).size(), Set.copyOf(decoded).size());
        assertTrue(decoded.containsAll(batch.subList(0, batch.size() - 1)));
        assertTrue(Set.copyOf(partitionOf.values()).size() > 1, "20 series over 4 partitions used only one");
    }

    @Test
    void lineProtocolWithGzip() throws Exception {
        KafkaSink sink = sink("topic", "line-test", "format", "line", "compression", "gzip");
        try {
            sink.write(List.of(new Sample("system.cpu.user", Tags.of("host", "a b"), 12.5, 1700000000000L, Kind.GAUGE)));
        } finally {
            sink.deactivate();
        }
        List<ConsumerRecord<byte[], byte[]>> got = read("line-test", 1);
        assertEquals(1, got.size());
        assertEquals("system.cpu.user,host=a\\ b value=12.5 1700000000000", new String(got.get(0).value(), StandardCharsets.UTF_8));
    }

    @Test
    void aWriteToABrokerThatIsNotThereFailsWithinTheDeliveryTimeout() throws Exception {
        Map<String, Object> props = new HashMap<>(Map.of("bootstrapServers", "127.0.0.1:" + KafkaBroker.freePort(),
                "topic", "nowhere", "deliveryTimeout", "2s", "linger", "0ms"));
        KafkaSink sink = new KafkaSink(Configs.of(KafkaSink.Config.class, props), Secrets.of(props), "down");
        try {
            IOException e = assertThrows(IOException.class,
                    () -> sink.write(List.of(new Sample("a", Tags.EMPTY, 1, 1L, Kind.GAUGE))));
            assertTrue(e.getMessage().contains("0 of 1 records acknowledged"), e.getMessage());
        } finally {
            sink.deactivate();
        }
    }
}
