package lodestar.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PasswordHashTest {

    @Test
    void understandsTheWebConsolesOwnDefaultHash() {
        // OsgiManager.DEFAULT_PASSWORD in webconsole 5.0.8: unsalted SHA-256 of "admin"
        String consoleDefault = "{sha-256}jGl25bVBBBW96Qi9Te4V37Fnqchz/Eu4qB9vKrRIqRg=";
        assertTrue(PasswordHash.matches(consoleDefault, "admin"));
        assertFalse(PasswordHash.matches(consoleDefault, "Admin"));
    }

    @Test
    void saltedHashesMatchOnlyTheirPassword() {
        String hash = PasswordHash.hash("s3cret", new SecureRandom());
        assertTrue(hash.matches("\\{sha-256\\}[0-9a-f]{16}-1000-[A-Za-z0-9+/]{43}="), hash);
        assertTrue(PasswordHash.matches(hash, "s3cret"));
        assertFalse(PasswordHash.matches(hash, "s3cret "));
        assertFalse(PasswordHash.matches(hash, "admin"));
    }

    @Test
    void sameInputSameHashNewSaltNewHash() {
        assertTrue(PasswordHash.hash("x", "00ff", 1000).equals(PasswordHash.hash("x", "00ff", 1000)));
        SecureRandom random = new SecureRandom();
        assertNotEquals(PasswordHash.hash("x", random), PasswordHash.hash("x", random));
    }

    @Test
    void theBndrunPlaceholderMatchesNothing() {
        String locked = "{sha-256}!locked-until-lodestar.runtime-sets-the-password";
        assertFalse(PasswordHash.matches(locked, "admin"));
        assertFalse(PasswordHash.matches(locked, ""));
        assertFalse(PasswordHash.matches(null, "admin"));
        assertFalse(PasswordHash.matches("admin", "admin"), "plain text is not a hash of ours");
    }
}
