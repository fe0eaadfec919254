package lodestar.testkit;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Topic and group chores against a {@link KafkaBroker}, with the Kafka client's Admin. A class of its own: it needs
 * kafka-clients on the test's class path (the Kafka bundles' tests, e2e), which the rest of the testkit does not.
 * Create topics before producing to them: an idempotent producer racing the automatic creation of a topic can get
 * OUT_OF_ORDER_SEQUENCE_NUMBER answers until its delivery timeout.
 */
public final class KafkaTopics {

    private KafkaTopics() {
    }

    private static Admin admin(String bootstrapServers) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        return Admin.create(p);
    }

    /** Creates {@code topic} with {@code partitions} partitions, replication 1, and waits until it exists. */
    public static void create(String bootstrapServers, String topic, int partitions) throws Exception {
        try (Admin a = admin(bootstrapServers)) {
            a.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** The group's committed offsets on {@code topic}, summed over its partitions (0 when none). */
    public static long committed(String bootstrapServers, String group, String topic) throws Exception {
        try (Admin a = admin(bootstrapServers)) {
            Map<TopicPartition, OffsetAndMetadata> m = a.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            return m.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        }
    }
}
