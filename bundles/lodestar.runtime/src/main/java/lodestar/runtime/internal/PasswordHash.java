package lodestar.runtime.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The password hash format of the Felix web console (5.x): {@code {sha-256}<salt>-<iterations>-<base64 digest>},
 * where the digest is SHA-256 applied {@code iterations} times to the UTF-8 bytes of salt + password. An unsalted
 * {@code {sha-256}<base64 digest>} (one iteration) is also understood. Kept here so the plain password never has to
 * be written into a configuration.
 */
public final class PasswordHash {

    static final String ALGORITHM = "sha-256";
    static final int ITERATIONS = 1000;
    private static final char DELIMITER = '-';
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private PasswordHash() {
    }

    /** A salted, iterated hash the web console accepts as its {@code password} property. */
    static String hash(String password, SecureRandom random) {
        byte[] saltBytes = new byte[8];
        random.nextBytes(saltBytes);
        StringBuilder salt = new StringBuilder();
        for (byte b : saltBytes) {
            salt.append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
        }
        return hash(password, salt.toString(), ITERATIONS);
    }

    static String hash(String password, String salt, int iterations) {
        StringBuilder out = new StringBuilder("{").append(ALGORITHM).append('}');
        if (salt != null && !salt.isEmpty()) {
            out.append(salt).append(DELIMITER);
            if (iterations > 1) {
                out.append(iterations).append(DELIMITER);
            }
        }
        return out.append(Base64.getEncoder().encodeToString(digest(salt, password, iterations))).toString();
    }

    /** True if {@code stored} is a hash in the web console's format of {@code password}. */
    public static boolean matches(String stored, String password) {
        if (stored == null || password == null || !stored.startsWith("{" + ALGORITHM + "}")) {
            return false;
        }
        String rest = stored.substring(ALGORITHM.length() + 2);
        String salt = null;
        int iterations = 1;
        int end = rest.indexOf(DELIMITER);
        if (end > -1) {
            salt = rest.substring(0, end);
            int next = rest.indexOf(DELIMITER, end + 1);
            if (next > -1) {
                try {
                    iterations = Integer.parseInt(rest.substring(end + 1, next));
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        String expected = hash(password, salt, iterations);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), stored.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] digest(String salt, String password, int iterations) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] bytes = ((salt == null ? "" : salt) + password).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < Math.max(1, iterations); i++) {
                md.reset();
                bytes = md.digest(bytes);
            }
            return bytes;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
