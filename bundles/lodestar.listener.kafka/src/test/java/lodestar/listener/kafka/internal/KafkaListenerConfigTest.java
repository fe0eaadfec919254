package lodestar.listener.kafka.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import lodestar.support.secrets.Secrets;
import lodestar.testkit.CapturingPipeline;
import lodestar.testkit.Configs;

class KafkaListenerConfigTest {

    private static KafkaListener listener(Object... kv) {
        Map<String, Object> props = new HashMap<>(Map.of("bootstrapServers", "127.0.0.1:1"));
        for (int i = 0; i < kv.length; i += 2) {
            props.put((String) kv[i], kv[i + 1]);
        }
        return new KafkaListener(Configs.of(KafkaListener.Config.class, props), new CapturingPipeline(), "t",
                Secrets.of(props));
    }

    private static void refused(String property, Object... kv) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> listener(kv));
        assertTrue(e.getMessage().startsWith(property + ":"), e.getMessage());
    }

    @Test
    void refusesBadValuesNamingTheProperty() {
        refused("topics", "topics", " , ");
        refused("topics", "topics", "a b");
        refused("groupId", "groupId", " ");
        refused("startFrom", "startFrom", "beginning");
        refused("maxPollRecords", "maxPollRecords", 0);
        refused("maxPending", "maxPending", 10);
        refused("maxRecordSize", "maxRecordSize", "1MB!");
        refused("maxRecordSize", "maxRecordSize", "32MB");
        refused("sessionTimeout", "sessionTimeout", "45");
        refused("format", "format", "avro");
        refused("precision", "precision", "m");
        refused("clientProperties", "clientProperties", new String[] {"group.id=other"});
        refused("clientProperties", "clientProperties", new String[] {"fetch.max.bytes=lots"});
        refused("bootstrapServers", "bootstrapServers", "");
    }

    @Test
    void startsWithoutABrokerAndStopsCleanly() throws Exception {
        KafkaListener l = listener("topics", "a,b");
        assertEquals("ok", l.status().state().word());
        l.deactivate();
        assertEquals("stopped", l.status().state().word());
    }
}
