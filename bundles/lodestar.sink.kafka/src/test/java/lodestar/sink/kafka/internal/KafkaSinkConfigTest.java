package lodestar.sink.kafka.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import lodestar.support.secrets.Secrets;
import lodestar.testkit.Configs;

class KafkaSinkConfigTest {

    private static KafkaSink sink(Object... kv) {
        Map<String, Object> props = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            props.put((String) kv[i], kv[i + 1]);
        }
        return new KafkaSink(Configs.of(KafkaSink.Config.class, props), Secrets.of(props), "t");
    }

    private static void refused(String property, Object... kv) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sink(kv));
        assertTrue(e.getMessage().startsWith(property + ":"), e.getMessage());
    }

    @Test
    void defaultsMakeAProducerWithoutABroker() {
        sink().deactivate(); // the client connects lazily: nothing listens on 9092 here
        sink("format", "line", "compression", "gzip", "acks", "1", "idempotence", false).deactivate();
    }

    @Test
    void refusesBadValuesNamingTheProperty() {
        refused("topic", "topic", "a topic");
        refused("format", "format", "avro");
        refused("compression", "compression", "zstd");
        refused("compression", "compression", "brotli");
        refused("acks", "acks", "2");
        refused("idempotence", "acks", "1");
        refused("linger", "linger", "5");
        refused("recordBatch", "recordBatch", "10");
        refused("deliveryTimeout", "deliveryTimeout", "100ms");
        refused("bootstrapServers", "bootstrapServers", "kafka");
        refused("clientProperties", "clientProperties", new String[] {"acks=0"});
        refused("clientProperties", "clientProperties", new String[] {"max.request.size=lots"});
        refused("saslUsername", "securityProtocol", "SASL_SSL");
    }
}
