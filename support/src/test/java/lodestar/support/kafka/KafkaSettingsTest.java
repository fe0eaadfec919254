package lodestar.support.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

    @Test
    void plaintextWithExtraProperties() {
        Properties p = KafkaSettings.client("k1:9092, k2:9093", "plaintext", "", "", "",
                new String[] {"request.timeout.ms=5000", ""}, Set.of("acks"));
        assertEquals("k1:9092, k2:9093", p.getProperty("bootstrap.servers"));
        assertEquals("PLAINTEXT", p.getProperty("security.protocol"));
        assertEquals("5000", p.getProperty("request.timeout.ms"));
        assertFalse(p.containsKey("sasl.jaas.config"));
    }

    @Test
    void saslBuildsTheJaasConfigAndMasksIt() {
        Properties p = KafkaSettings.client("k:9092", "SASL_SSL", "scram-sha-512", "relay", "p\"w\\d", null, Set.of());
        assertEquals("SCRAM-SHA-512", p.getProperty("sasl.mechanism"));
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"relay\""
                + " password=\"p\\\"w\\\\d\";", p.getProperty("sasl.jaas.config"));
        assertFalse(KafkaSettings.describe(p).contains("p\\\"w"));
        assertTrue(KafkaSettings.describe(p).contains("sasl.jaas.config=****"));
    }

    @Test
    void refusesBadValuesNamingTheProperty() {
        String[][] cases = {{"", "PLAINTEXT", "bootstrapServers"}, {"k", "PLAINTEXT", "bootstrapServers"},
            {"k:99999", "PLAINTEXT", "bootstrapServers"}, {"k:9092", "TLS", "securityProtocol"},
            {"k:9092", "SASL_PLAINTEXT", "saslMechanism"}};
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> KafkaSettings.client(c[0], c[1], "", "", "", null, Set.of()));
            assertTrue(e.getMessage().startsWith(c[2] + ":"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KafkaSettings.client("k:1",
                "PLAINTEXT", "", "", "", new String[] {"acks=1"}, Set.of("acks")));
        assertTrue(e.getMessage().startsWith("clientProperties: acks"), e.getMessage());
    }

    @Test
    void createsUnderTheGivenContextClassLoaderAndRestoresIt() throws Exception {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader other = new URLClassLoader(new URL[0], null)) {
            assertSame(other, KafkaSettings.withClassLoader(other, () -> Thread.currentThread().getContextClassLoader()));
        }
        assertSame(before, Thread.currentThread().getContextClassLoader());
    }
}
