package lodestar.runtime.internal;

import static lodestar.runtime.internal.ConsolePassword.Outcome.CONFIGURED;
import static lodestar.runtime.internal.ConsolePassword.Outcome.GENERATED;
import static lodestar.runtime.internal.ConsolePassword.Outcome.OPERATOR_CONFIGURATION;
import static lodestar.runtime.internal.ConsolePassword.Outcome.OPERATOR_FILE;
import static lodestar.runtime.internal.ConsolePassword.Outcome.OPERATOR_PROPERTY;
import static lodestar.runtime.internal.ConsolePassword.Outcome.UNCHANGED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsolePasswordTest {

    static final String LOCKED = "{sha-256}!locked-until-lodestar.runtime-sets-the-password";

    @TempDir
    Path home;

    private ConsolePassword console(FakeConsoleSettings settings, String frameworkPassword) {
        return new ConsolePassword(home, settings, frameworkPassword, new SecureRandom());
    }

    private String passwordOnDisk() throws IOException {
        return Files.readString(home.resolve("data/webconsole.password")).strip();
    }

    @Test
    void firstStartGeneratesStoresAndConfiguresAHash() throws IOException {
        FakeConsoleSettings settings = new FakeConsoleSettings(null);
        assertEquals(GENERATED, console(settings, LOCKED).secure());

        String password = passwordOnDisk();
        assertEquals(24, password.length());
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(home.resolve("data/webconsole.password"))));

        assertEquals("admin", settings.properties.get("username"));
        String hash = (String) settings.properties.get("password");
        assertTrue(hash.startsWith("{sha-256}"), "never the plain password: " + hash);
        assertFalse(hash.contains(password));
        assertTrue(PasswordHash.matches(hash, password));
        assertFalse(PasswordHash.matches(hash, "admin"));
    }

    @Test
    void laterStartsKeepThePasswordAndDoNotRewriteAMatchingConfiguration() throws IOException {
        FakeConsoleSettings settings = new FakeConsoleSettings(null);
        console(settings, LOCKED).secure();
        String password = passwordOnDisk();

        assertEquals(UNCHANGED, console(settings, LOCKED).secure());
        assertEquals(1, settings.writes);
        assertEquals(password, passwordOnDisk());
    }

    @Test
    void aFreshConfigurationStoreGetsThePasswordFromTheFileAgain() throws IOException {
        console(new FakeConsoleSettings(null), LOCKED).secure();
        String password = passwordOnDisk();

        // the launcher starts with empty framework storage: ConfigAdmin has forgotten, the file has not
        FakeConsoleSettings fresh = new FakeConsoleSettings(null);
        assertEquals(CONFIGURED, console(fresh, LOCKED).secure());
        assertEquals(password, passwordOnDisk());
        assertTrue(PasswordHash.matches((String) fresh.properties.get("password"), password));
    }

    @Test
    void deletingThePasswordFileMakesANewPassword() throws IOException {
        FakeConsoleSettings settings = new FakeConsoleSettings(null);
        console(settings, LOCKED).secure();
        String old = passwordOnDisk();
        Files.delete(home.resolve("data/webconsole.password"));

        assertEquals(GENERATED, console(settings, LOCKED).secure());
        String fresh = passwordOnDisk();
        assertNotEquals(old, fresh);
        assertTrue(PasswordHash.matches((String) settings.properties.get("password"), fresh));
        assertFalse(PasswordHash.matches((String) settings.properties.get("password"), old));
    }

    @Test
    void keepsTheConsolesOtherSettings() throws IOException {
        FakeConsoleSettings settings = new FakeConsoleSettings(Map.of("manager.root", "/console", "realm", "Lodestar"));
        assertEquals(GENERATED, console(settings, LOCKED).secure());
        assertEquals("/console", settings.properties.get("manager.root"));
        assertEquals("Lodestar", settings.properties.get("realm"));
    }

    @Test
    void anOperatorsPasswordIsLeftAlone() throws IOException {
        FakeConsoleSettings settings = new FakeConsoleSettings(Map.of("username", "ops", "password", "{sha-256}abc"));
        assertEquals(OPERATOR_CONFIGURATION, console(settings, LOCKED).secure());
        assertEquals(0, settings.writes);
        assertTrue(Files.notExists(home.resolve("data/webconsole.password")), "no password file when not ours");
    }

    @Test
    void aPasswordChangedAfterOursCountsAsTheOperators() throws IOException {
        FakeConsoleSettings settings = new FakeConsoleSettings(null);
        console(settings, LOCKED).secure();
        settings.properties.put("password", "changed-in-the-web-console"); // the marker stays behind
        assertEquals(OPERATOR_CONFIGURATION, console(settings, LOCKED).secure());
        assertEquals("changed-in-the-web-console", settings.properties.get("password"));
    }

    @Test
    void aConfigurationFileInConfIsLeftToFileInstall() throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/" + ConsoleSettings.PID + ".cfg"), "password=x\n");
        FakeConsoleSettings settings = new FakeConsoleSettings(null);
        assertEquals(OPERATOR_FILE, console(settings, LOCKED).secure());
        assertNull(settings.properties);
    }

    @Test
    void aPasswordGivenAsFrameworkPropertyIsLeftAlone() throws IOException {
        FakeConsoleSettings settings = new FakeConsoleSettings(null);
        assertEquals(OPERATOR_PROPERTY, console(settings, "{sha-256}somethingelse").secure());
        assertNull(settings.properties);
        // no property at all (a launcher without the bndrun's placeholder): still secured
        assertEquals(GENERATED, console(settings, null).secure());
    }

    @Test
    void anEmptyPasswordFileIsReplaced() throws IOException {
        Files.createDirectories(home.resolve("data"));
        Files.writeString(home.resolve("data/webconsole.password"), "\n");
        FakeConsoleSettings settings = new FakeConsoleSettings(null);
        assertEquals(GENERATED, console(settings, LOCKED).secure());
        assertEquals(24, passwordOnDisk().length());
    }

    @Test
    void anOperatorsOwnPasswordFileIsUsedAndTightened() throws IOException {
        Path file = Files.createDirectories(home.resolve("data")).resolve("webconsole.password");
        Files.writeString(file, "chosen-by-me\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        FakeConsoleSettings settings = new FakeConsoleSettings(null);
        assertEquals(CONFIGURED, console(settings, LOCKED).secure());
        assertTrue(PasswordHash.matches((String) settings.properties.get("password"), "chosen-by-me"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
}
