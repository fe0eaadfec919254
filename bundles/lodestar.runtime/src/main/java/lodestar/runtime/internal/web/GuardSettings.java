package lodestar.runtime.internal.web;

import java.util.LinkedHashSet;
import java.util.Set;

import lodestar.support.config.Units;

/**
 * The console guard's configuration, validated: every bad value throws an {@link IllegalArgumentException} whose
 * message starts with the property's name.
 *
 * @param maxFailedLogins     failed logins one address may have within {@code failedLoginWindowMillis}
 * @param failedLoginWindowMillis the window
 * @param allowedOrigins      further origins of the console, normalized ({@link CsrfPolicy#normalize})
 */
record GuardSettings(int maxFailedLogins, long failedLoginWindowMillis, Set<String> allowedOrigins) {

    static GuardSettings from(ConsoleGuard.Config c) {
        if (c.maxFailedLogins() < 1) {
            throw new IllegalArgumentException("maxFailedLogins: must be at least 1, got " + c.maxFailedLogins());
        }
        long window = Units.positiveDurationMillis("failedLoginWindow", c.failedLoginWindow());
        Set<String> origins = new LinkedHashSet<>();
        for (String o : c.allowedOrigins() == null ? new String[0] : c.allowedOrigins()) {
            if (o == null || o.isBlank()) {
                continue;
            }
            String n = CsrfPolicy.normalize(o);
            if (n == null || !(n.startsWith("http://") || n.startsWith("https://"))) {
                throw new IllegalArgumentException("allowedOrigins: '" + o
                        + "' is not an origin such as https://metrics.example.com or http://10.0.0.5:8080");
            }
            origins.add(n);
        }
        return new GuardSettings(c.maxFailedLogins(), window, Set.copyOf(origins));
    }
}
