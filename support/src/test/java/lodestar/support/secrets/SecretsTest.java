package lodestar.support.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Hashtable;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void secretsAreKnownByTheirNames() {
        for (String s : new String[] {"password", "token", "secret", "apiKey", "proxyPassword", "apiToken", "clientSecret",
                "writeApiKey", "Password"}) {
            assertTrue(Secrets.isSecret(s), s);
        }
        for (String s : new String[] {"username", "url", "tokens", "passwordFile", ".password", "", "host", "tokenizer"}) {
            assertFalse(Secrets.isSecret(s), s);
        }
        assertFalse(Secrets.isSecret(null));
    }

    @Test
    void stripTakesOutEverySecretAndNothingElse() {
        Hashtable<String, Object> d = new Hashtable<>(Map.of("url", "http://x", "username", "bob", "password", "p",
                "apiToken", "t", "service.pid", "lodestar.sink.x~a"));
        Secrets.strip(d);
        assertEquals(Map.of("url", "http://x", "username", "bob", "service.pid", "lodestar.sink.x~a"), Map.copyOf(d));
    }

    @Test
    void givenSecretsAreReadBackAndUnsetOnesAreEmpty() {
        Secrets s = Secrets.of(Map.of("password", "p", "url", "http://x"));
        assertEquals("p", s.get("password"));
        assertEquals("", s.get("token"));
        assertEquals("", s.get("url"), "only secrets are kept");
        assertFalse(s.toString().contains("p]") && s.toString().contains("=p"), "toString names secrets, never values: " + s);
        assertEquals("secrets [password]", s.toString());
    }

    @Test
    void withoutConfigurationAdminThePropertiesAreTheSource() {
        assertEquals("t", Secrets.of(null, Map.of("token", "t", "service.pid", "lodestar.sink.x~a")).get("token"));
    }
}
