package lodestar.listener.collectd.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import lodestar.support.cardinality.CardinalityLimits;
import lodestar.support.config.ConfigDefaults;
import lodestar.support.config.Units;

/**
 * The validated configuration of one listener ({@link CollectdListener.Config} checked and resolved).
 *
 * @param authFile null without one
 * @param typesDb  the extra types.db files, in order
 * @param cardinality how many series are remembered and how fast new ones come in (refused ones are dropped)
 * @param maxTimeAheadMillis values stamped further ahead of the listener's clock are dropped
 * @param receiveBufferChosen whether the operator set receiveBuffer (a capped default is said at INFO, a capped
 *        choice is a warning)
 */
record Settings(String bind, int port, Level securityLevel, Path authFile, List<String> typesDb, long receiveBuffer,
        String prefix, boolean hostInName, boolean alwaysAppendDs, boolean builtinConverters, boolean counterEqDerive,
        CardinalityLimits cardinality, long seriesTimeoutMillis, long queueMemory, long maxTimeAheadMillis,
        boolean hostTag, boolean receiveBufferChosen) {

    /** collectd's security levels; the ordinal is the level (0 none, 1 sign, 2 encrypt). */
    enum Level {
        NONE, SIGN, ENCRYPT
    }

    /** @throws IllegalArgumentException whose message starts with the property at fault */
    static Settings from(CollectdListener.Config c) {
        String bind = c.bind() == null || c.bind().isBlank() ? "127.0.0.1" : c.bind().trim();
        int port = Units.port("port", c.port());
        String level = c.securityLevel() == null ? "" : c.securityLevel().trim().toLowerCase(Locale.ROOT);
        Level securityLevel = switch (level) {
            case "", "none", "0" -> Level.NONE;
            case "sign", "1" -> Level.SIGN;
            case "encrypt", "2" -> Level.ENCRYPT;
            default -> throw new IllegalArgumentException("securityLevel: expected none, sign or encrypt, got '" + c.securityLevel() + "'");
        };
        String auth = c.authFile() == null ? "" : c.authFile().trim();
        Path authFile = null;
        if (!auth.isEmpty()) {
            authFile = Path.of(auth);
            if (!Files.isReadable(authFile)) {
                throw new IllegalArgumentException("authFile: cannot read '" + auth + "'");
            }
        } else if (securityLevel != Level.NONE) {
            throw new IllegalArgumentException("authFile: required for securityLevel " + level);
        }
        List<String> typesDb = new ArrayList<>();
        for (String f : c.typesDb() == null ? new String[0] : c.typesDb()) {
            for (String part : f.split(",")) {
                if (!part.isBlank()) {
                    typesDb.add(part.trim());
                }
            }
        }
        long receiveBuffer = Units.bytes("receiveBuffer", c.receiveBuffer());
        if (receiveBuffer > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("receiveBuffer: at most 2GB, got '" + c.receiveBuffer() + "'");
        }
        String prefix = c.prefix() == null ? "" : c.prefix().trim();
        if (prefix.startsWith(".") || prefix.endsWith(".") || prefix.contains("..")) {
            throw new IllegalArgumentException("prefix: must not start or end with '.' or contain '..', got '" + c.prefix() + "'");
        }
        CardinalityLimits cardinality = CardinalityLimits.dropping(c.maxSeries(), c.maxNewSeries(), c.newSeriesInterval());
        long seriesTimeoutMillis = Units.positiveDurationMillis("seriesTimeout", c.seriesTimeout());
        long queueMemory = Units.bytes("queueMemory", c.queueMemory());
        if (queueMemory < 65536) {
            throw new IllegalArgumentException("queueMemory: at least 64KB, got '" + c.queueMemory() + "'");
        }
        long maxTimeAheadMillis = Units.positiveDurationMillis("maxTimeAhead", c.maxTimeAhead());
        return new Settings(bind, port, securityLevel, authFile, List.copyOf(typesDb), receiveBuffer, prefix, c.hostInName(),
                c.alwaysAppendDs(), c.builtinConverters(), c.counterEqDerive(), cardinality, seriesTimeoutMillis, queueMemory,
                maxTimeAheadMillis, c.hostTag(), ConfigDefaults.chosen(c, "receiveBuffer"));
    }

    /** What the socket and its queue are opened with: a change of it needs a new socket. */
    record Socket(String bind, int port, long receiveBuffer, long queueMemory) {
    }

    Socket socket() {
        return new Socket(bind, port, receiveBuffer, queueMemory);
    }

    /** Whether {@code other} can keep this configuration's socket (and what is queued in it). */
    boolean sameSocket(Settings other) {
        return socket().equals(other.socket());
    }

    /** A copy listening on {@code port} (the port actually bound, when the configured one was 0). */
    Settings withPort(int port) {
        return new Settings(bind, port, securityLevel, authFile, typesDb, receiveBuffer, prefix, hostInName, alwaysAppendDs,
                builtinConverters, counterEqDerive, cardinality, seriesTimeoutMillis, queueMemory, maxTimeAheadMillis,
                hostTag, receiveBufferChosen);
    }
}
