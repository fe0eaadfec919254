package lodestar.listener.collectd.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import lodestar.support.config.Units;

/** The validated configuration of one listener ({@link CollectdListener.Config} checked and resolved). */
final class Settings implements Cloneable {

    /** collectd's security levels; the ordinal is the level (0 none, 1 sign, 2 encrypt). */
    enum Level {
        NONE, SIGN, ENCRYPT
    }

    String bind = "127.0.0.1";
    int port = 25826;
    Level securityLevel = Level.NONE;
    Path authFile;
    List<String> typesDb = List.of();
    long receiveBuffer = 8L << 20;
    String prefix = "collectd";
    boolean hostInName = true;
    boolean alwaysAppendDs;
    boolean builtinConverters = true;
    boolean counterEqDerive;
    int maxSeries = 200_000;
    long seriesTimeoutMillis = 600_000;
    long queueMemory = 32L << 20;
    long statsIntervalMillis = 10_000;

    static Settings from(CollectdListener.Config c) {
        Settings s = new Settings();
        s.bind = c.bind() == null || c.bind().isBlank() ? "127.0.0.1" : c.bind().trim();
        s.port = Units.port("port", c.port());
        String level = c.securityLevel() == null ? "" : c.securityLevel().trim().toLowerCase(Locale.ROOT);
        s.securityLevel = switch (level) {
            case "", "none", "0" -> Level.NONE;
            case "sign", "1" -> Level.SIGN;
            case "encrypt", "2" -> Level.ENCRYPT;
            default -> throw new IllegalArgumentException("securityLevel: expected none, sign or encrypt, got '" + c.securityLevel() + "'");
        };
        String auth = c.authFile() == null ? "" : c.authFile().trim();
        if (!auth.isEmpty()) {
            Path p = Path.of(auth);
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException("authFile: cannot read '" + auth + "'");
            }
            s.authFile = p;
        } else if (s.securityLevel != Level.NONE) {
            throw new IllegalArgumentException("authFile: required for securityLevel " + level);
        }
        List<String> t = new ArrayList<>();
        for (String f : c.typesDb() == null ? new String[0] : c.typesDb()) {
            for (String part : f.split(",")) {
                if (!part.isBlank()) {
                    t.add(part.trim());
                }
            }
        }
        s.typesDb = List.copyOf(t);
        s.receiveBuffer = Units.bytes("receiveBuffer", c.receiveBuffer());
        if (s.receiveBuffer > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("receiveBuffer: at most 2GB, got '" + c.receiveBuffer() + "'");
        }
        s.prefix = c.prefix() == null ? "" : c.prefix().trim();
        if (s.prefix.startsWith(".") || s.prefix.endsWith(".") || s.prefix.contains("..")) {
            throw new IllegalArgumentException("prefix: must not start or end with '.' or contain '..', got '" + c.prefix() + "'");
        }
        s.hostInName = c.hostInName();
        s.alwaysAppendDs = c.alwaysAppendDs();
        s.builtinConverters = c.builtinConverters();
        s.counterEqDerive = c.counterEqDerive();
        if (c.maxSeries() < 1) {
            throw new IllegalArgumentException("maxSeries: must be at least 1, got " + c.maxSeries());
        }
        s.maxSeries = c.maxSeries();
        s.seriesTimeoutMillis = Units.positiveDurationMillis("seriesTimeout", c.seriesTimeout());
        s.queueMemory = Units.bytes("queueMemory", c.queueMemory());
        if (s.queueMemory < 65536) {
            throw new IllegalArgumentException("queueMemory: at least 64KB, got '" + c.queueMemory() + "'");
        }
        s.statsIntervalMillis = Units.durationMillis("statsInterval", c.statsInterval());
        return s;
    }

    /** A copy listening on {@code port} (the port actually bound, when the configured one was 0). */
    Settings withPort(int port) {
        try {
            Settings c = (Settings) clone(); // every field is a value or an immutable list: a shallow copy is whole
            c.port = port;
            return c;
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }
}
