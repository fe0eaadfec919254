package lodestar.runtime.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes sure the Felix web console never runs with its well-known default login (admin/admin).
 *
 * <p>Unless the operator chose a password (a configuration of PID {@value ConsoleSettings#PID} with a
 * {@code password}, a {@code conf/<PID>.cfg} file, or the framework property {@value #FRAMEWORK_PASSWORD}), the
 * console gets user {@value #USER} and a random password kept in {@code data/webconsole.password} (mode 600). Only
 * its salted hash goes into the configuration. The hash is also kept under {@value #MARKER}, which is how a later
 * start tells the generated password from one the operator set (through the web console, for instance).
 */
final class ConsolePassword {

    static final String USER = "admin";
    static final String PASSWORD_FILE = "webconsole.password";
    /** Framework property that gives the web console its default password (bndrun sets a value no login matches). */
    static final String FRAMEWORK_PASSWORD = "felix.webconsole.password";
    /** Prefix of the bndrun's placeholder: a hash nothing matches, so the console is locked until configured. */
    static final String LOCKED_PREFIX = "{sha-256}!locked";
    static final String MARKER = "lodestar.generated.password";

    /** What {@link #secure} did. */
    enum Outcome {
        /** A configuration with an operator's password exists: left alone. */
        OPERATOR_CONFIGURATION,
        /** conf/ holds a file for the console's PID: FileInstall applies it, left alone. */
        OPERATOR_FILE,
        /** The framework property {@value #FRAMEWORK_PASSWORD} was set on the command line: left alone. */
        OPERATOR_PROPERTY,
        /** A new password was generated, written to the password file and configured. */
        GENERATED,
        /** The password in the password file was (re)configured. */
        CONFIGURED,
        /** The configuration already carries the hash of the password in the password file. */
        UNCHANGED
    }

    private final Path home;
    private final ConsoleSettings settings;
    private final String frameworkPassword;
    private final SecureRandom random;

    ConsolePassword(Path home, ConsoleSettings settings, String frameworkPassword, SecureRandom random) {
        this.home = home;
        this.settings = settings;
        this.frameworkPassword = frameworkPassword;
        this.random = random;
    }

    Path passwordFile() {
        return home.resolve("data").resolve(PASSWORD_FILE);
    }

    Outcome secure() throws IOException {
        Map<String, Object> current = settings.read();
        if (current != null && current.get("password") != null
                && !String.valueOf(current.get("password")).equals(current.get(MARKER))) {
            return Outcome.OPERATOR_CONFIGURATION;
        }
        Path conf = home.resolve("conf");
        if (Files.exists(conf.resolve(ConsoleSettings.PID + ".cfg"))
                || Files.exists(conf.resolve(ConsoleSettings.PID + ".config"))) {
            return Outcome.OPERATOR_FILE;
        }
        if (frameworkPassword != null && !frameworkPassword.isEmpty() && !frameworkPassword.startsWith(LOCKED_PREFIX)) {
            return Outcome.OPERATOR_PROPERTY;
        }

        boolean generated = false;
        String password = readPassword();
        if (password == null) {
            password = file().readOrCreate();
            generated = true;
        }
        if (current != null && USER.equals(current.get("username"))
                && PasswordHash.matches(String.valueOf(current.get("password")), password)) {
            return Outcome.UNCHANGED;
        }
        String hash = PasswordHash.hash(password, random);
        Map<String, Object> next = new LinkedHashMap<>();
        if (current != null) {
            next.putAll(current); // keep what else is configured (manager.root, realm, ...)
        }
        next.put("username", USER);
        next.put("password", hash);
        next.put(MARKER, hash);
        settings.write(next);
        return generated ? Outcome.GENERATED : Outcome.CONFIGURED;
    }

    String generate() {
        return file().generate();
    }

    /** The password in the password file, or null if there is none (or it is empty). */
    String readPassword() throws IOException {
        return file().read();
    }

    private PasswordFile file() {
        return new PasswordFile(passwordFile(), random);
    }
}
