package lodestar.runtime.internal.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * The rules of the {@code lodestar.view} context, without the servlet API, so that they can be tested as they
 * are: only {@code GET} and {@code HEAD}; no login when the HTTP port is bound to loopback (unless configured to
 * ask anyway); otherwise HTTP Basic with the viewer's credential, never the admin's, compared in constant time,
 * with failed logins counted per client address by a {@link LoginThrottle}.
 */
final class ViewerGate {

    /** What to answer. {@code status} 0: go on to the servlet. */
    record Verdict(int status, String reason, long retryAfterMillis) {
        static final Verdict PASS = new Verdict(0, null, 0);

        boolean passes() {
            return status == 0;
        }
    }

    static final Set<String> METHODS = Set.of("GET", "HEAD");

    private final boolean loginRequired;
    private final String user;
    private final byte[] passwordDigest;
    private final Set<String> refusedUsers;
    private final LoginThrottle throttle;

    /**
     * @param loginRequired whether requests need the viewer credential
     * @param user          the viewer's user name
     * @param password      the viewer's password; null locks the context (every login fails)
     * @param refusedUsers  user names that are never accepted here (the admin's)
     * @param throttle      failed logins per address (shared across configuration changes)
     */
    ViewerGate(boolean loginRequired, String user, String password, Set<String> refusedUsers, LoginThrottle throttle) {
        this.loginRequired = loginRequired;
        this.user = user;
        this.passwordDigest = password == null ? null : sha256(user + ":" + password);
        this.refusedUsers = Set.copyOf(refusedUsers);
        this.throttle = throttle;
    }

    boolean loginRequired() {
        return loginRequired;
    }

    /**
     * Decides one request.
     *
     * @param method        the HTTP method
     * @param authorization the {@code Authorization} header, or null
     * @param address       the client's address (the throttle's key)
     * @param now           epoch millis
     */
    Verdict decide(String method, String authorization, String address, long now) {
        if (method == null || !METHODS.contains(method.toUpperCase(Locale.ROOT))) {
            return new Verdict(405, "method", 0);
        }
        if (!loginRequired) {
            return Verdict.PASS;
        }
        if (authorization == null || authorization.isBlank()) {
            return new Verdict(401, "no-credentials", 0);
        }
        LoginThrottle.Admission admission = throttle.admit(address, now);
        if (admission == null) {
            return new Verdict(429, "throttled", throttle.waitMillis(address, now));
        }
        String[] credential = basic(authorization);
        boolean refusedUser = credential != null && refusedUsers.contains(credential[0]);
        boolean ok = credential != null && !refusedUser && passwordDigest != null
                && MessageDigest.isEqual(passwordDigest, sha256(credential[0] + ":" + credential[1]));
        boolean throttledNow = throttle.done(address, admission,
                ok ? LoginThrottle.Outcome.SUCCEEDED : LoginThrottle.Outcome.FAILED, now);
        if (ok) {
            return Verdict.PASS;
        }
        String reason = refusedUser ? "admin-credential" : credential == null ? "not-basic" : "wrong-credential";
        return new Verdict(401, throttledNow ? reason + ",now-throttled" : reason, 0);
    }

    /** User and password of a Basic {@code Authorization} header, or null when it is not one. */
    static String[] basic(String authorization) {
        String a = authorization.strip();
        if (a.length() < 6 || !a.substring(0, 6).equalsIgnoreCase("basic ")) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(a.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Digests of the same length whatever was sent: {@link MessageDigest#isEqual} then takes the same time for
     * every guess, and the password's length does not show either.
     */
    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
    }

    /**
     * Whether the HTTP server bound to {@code host} (the framework property {@code org.apache.felix.http.host})
     * can only be reached from this machine. Unset means every interface.
     */
    static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
