package lodestar.support.kafka;

import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the Kafka sink and the Kafka listener configure alike: the brokers, security, extra client properties,
 * and creating a client under the right class loader. Refers to no Kafka class (properties by name), so support
 * needs no Kafka dependency; the bundles pass the Kafka client's class loader in.
 */
public final class KafkaSettings {

    /** Security protocols the Kafka client knows. */
    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    /** SASL mechanisms that need only a user name and a password. */
    private static final Set<String> MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    private KafkaSettings() {
    }

    /**
     * The client properties every Lodestar Kafka client shares.
     *
     * @param bootstrapServers  {@code host:port,host:port}
     * @param securityProtocol  PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL
     * @param saslMechanism     PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (for the SASL protocols)
     * @param saslUsername      the SASL user (for the SASL protocols)
     * @param saslPassword      its password (a secret: read it with {@code Secrets})
     * @param clientProperties  more client properties, {@code key=value} each (truststore, timeouts, ...)
     * @param owned             properties the component sets itself and an operator may not override
     * @throws IllegalArgumentException naming the property at fault
     */
    public static Properties client(String bootstrapServers, String securityProtocol, String saslMechanism,
            String saslUsername, String saslPassword, String[] clientProperties, Set<String> owned) {
        Properties p = new Properties();
        String servers = bootstrapServers == null ? "" : bootstrapServers.trim();
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("bootstrapServers: required, host:port[,host:port...]");
        }
        for (String s : servers.split(",")) {
            String hp = s.trim();
            int colon = hp.lastIndexOf(':');
            if (colon <= 0 || colon == hp.length() - 1 || !hp.substring(colon + 1).chars().allMatch(Character::isDigit)
                    || Integer.parseInt(hp.substring(colon + 1).length() > 5 ? "99999" : hp.substring(colon + 1)) > 65535) {
                throw new IllegalArgumentException("bootstrapServers: '" + hp + "' is not host:port");
            }
        }
        p.put("bootstrap.servers", servers);
        if (clientProperties != null) {
            for (String kv : clientProperties) {
                if (kv == null || kv.isBlank()) {
                    continue;
                }
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("clientProperties: '" + kv + "' is not key=value");
                }
                String key = kv.substring(0, eq).trim();
                if (owned.contains(key) || key.equals("bootstrap.servers") || key.startsWith("sasl.jaas")
                        || key.equals("security.protocol") || key.equals("sasl.mechanism")) {
                    throw new IllegalArgumentException("clientProperties: " + key + " is set by this component"
                            + " (use its own setting)");
                }
                p.put(key, kv.substring(eq + 1).trim());
            }
        }
        String protocol = securityProtocol == null ? "PLAINTEXT" : securityProtocol.trim().toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException("securityProtocol: must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL,"
                    + " got '" + securityProtocol + "'");
        }
        p.put("security.protocol", protocol);
        if (protocol.startsWith("SASL")) {
            String mechanism = saslMechanism == null ? "" : saslMechanism.trim().toUpperCase(Locale.ROOT);
            if (!MECHANISMS.contains(mechanism)) {
                throw new IllegalArgumentException("saslMechanism: must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512,"
                        + " got '" + saslMechanism + "'");
            }
            if (saslUsername == null || saslUsername.isBlank()) {
                throw new IllegalArgumentException("saslUsername: required with securityProtocol " + protocol);
            }
            String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            p.put("sasl.mechanism", mechanism);
            p.put("sasl.jaas.config", module + " required username=\"" + jaas(saslUsername.trim())
                    + "\" password=\"" + jaas(saslPassword == null ? "" : saslPassword) + "\";");
        }
        return p;
    }

    /** A JAAS option value: quotes and backslashes escaped. */
    private static String jaas(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /**
     * Creates a client with {@code loader} as the thread's context class loader: the Kafka client loads the
     * classes its configuration names (assignors, metric reporters, SASL login modules through JAAS) by name,
     * from the context class loader when there is one; in OSGi that is whatever the calling thread carries
     * (SCR's, the launcher's), which does not see the client's packages.
     */
    public static <T> T withClassLoader(ClassLoader loader, Supplier<T> create) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            return create.get();
        } finally {
            t.setContextClassLoader(before);
        }
    }

    /** The properties for a log line, with the JAAS configuration (it holds the password) masked. */
    public static String describe(Properties p) {
        StringBuilder b = new StringBuilder();
        p.stringPropertyNames().stream().sorted().forEach(k -> b.append(b.length() == 0 ? "" : ", ").append(k)
                .append('=').append(k.contains("jaas") || k.contains("password") ? "****" : p.getProperty(k)));
        return b.toString();
    }
}
