package lodestar.support.secrets;

import java.io.IOException;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationPlugin;

/**
 * Secrets (passwords, API tokens) of a component's configuration, read past Declarative Services.
 *
 * <p>DS publishes every configuration property as a property of the component's service, where anything that
 * can list services ({@code scr:info}, the web console's Components page, a {@code ServiceReference}) reads
 * it. So the core's {@link ConfigurationPlugin} takes every property {@linkplain #isSecret named as a secret}
 * out of the copy of a {@code lodestar.*} configuration that DS receives, and a component reads its secrets here,
 * from ConfigurationAdmin's own copy, which only ConfigurationAdmin's clients (the console's form, which masks
 * them, and the configuration files) see. A {@code .cfg} file keeps its plain {@code password=...}.
 *
 * <pre>
 * &#64;Activate
 * public MySink(Config config, Map&lt;String, Object&gt; props, &#64;Reference ConfigurationAdmin cm) {
 *     String password = Secrets.of(cm, props).get("password");
 * </pre>
 */
public final class Secrets {

    private final Map<String, String> values;

    private Secrets(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Whether a configuration property holds a secret, by its name: {@code password}, {@code token},
     * {@code secret}, {@code apiKey}, or a camel-case name ending in one of them ({@code proxyPassword},
     * {@code apiToken}). Bundles name their secrets so and give them the metatype type {@code PASSWORD} so the
     * web console masks them; docs/CONVENTIONS.md.
     */
    public static boolean isSecret(String property) {
        if (property == null || property.isEmpty() || property.charAt(0) == '.') {
            return false;
        }
        String p = property.toLowerCase(Locale.ROOT);
        if (p.equals("password") || p.equals("token") || p.equals("secret") || p.equals("apikey")) {
            return true;
        }
        return property.endsWith("Password") || property.endsWith("Token") || property.endsWith("Secret")
                || property.endsWith("ApiKey");
    }

    /**
     * The secrets of the configuration whose component properties these are ({@code service.pid} names it),
     * as ConfigurationAdmin holds them; a secret still among {@code props} (no plugin took it out: unit tests,
     * a platform without the core) is taken from there.
     *
     * @throws IllegalStateException when ConfigurationAdmin cannot be read
     */
    public static Secrets of(ConfigurationAdmin cm, Map<String, ?> props) {
        Map<String, String> found = new HashMap<>(fromProperties(props));
        Object pid = props.get("service.pid");
        if (cm != null && pid instanceof String p && !p.isEmpty()) {
            try {
                Configuration[] cs = cm.listConfigurations("(service.pid=" + escape(p) + ")");
                Dictionary<String, Object> raw = cs == null || cs.length == 0 ? null : cs[0].getProperties();
                for (Enumeration<String> e = raw == null ? Collections.emptyEnumeration() : raw.keys(); e.hasMoreElements();) {
                    String key = e.nextElement();
                    if (isSecret(key) && raw.get(key) != null) {
                        found.put(key, String.valueOf(raw.get(key)));
                    }
                }
            } catch (IOException | org.osgi.framework.InvalidSyntaxException e) {
                throw new IllegalStateException("cannot read the secrets of " + p + " from ConfigurationAdmin: " + e, e);
            }
        }
        return new Secrets(found);
    }

    /** Secrets given directly (tests, tools). */
    public static Secrets of(Map<String, ?> values) {
        return new Secrets(fromProperties(values));
    }

    /** The secret, or the empty string when none is configured. */
    public String get(String property) {
        String v = values.get(property);
        return v == null ? "" : v;
    }

    /** Takes every secret out of a configuration's properties (what the core's ConfigurationPlugin does). */
    public static void strip(Dictionary<String, Object> properties) {
        for (String key : Collections.list(properties.keys())) {
            if (isSecret(key)) {
                properties.remove(key);
            }
        }
    }

    private static Map<String, String> fromProperties(Map<String, ?> props) {
        Map<String, String> m = new HashMap<>();
        props.forEach((k, v) -> {
            if (isSecret(k) && v != null) {
                m.put(k, String.valueOf(v));
            }
        });
        return m;
    }

    private static String escape(String value) {
        StringBuilder b = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '(' || c == ')' || c == '*') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    /** Which secrets are set (never their values). */
    @Override
    public String toString() {
        return "secrets " + new java.util.TreeSet<>(values.keySet());
    }
}
