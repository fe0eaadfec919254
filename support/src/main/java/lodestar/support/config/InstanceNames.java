package lodestar.support.config;

import java.util.Map;

/**
 * The instance part of a component's name, from its configuration, the same way in every bundle: a factory
 * configuration {@code lodestar.listener.statsd~edge} (or FileInstall's {@code lodestar.listener.statsd-edge.cfg})
 * is instance {@code edge}, so {@code of("statsd", props)} is {@code statsd-edge}; a single configuration has no
 * instance part. Operators see these names in {@code lodestar:status} and in {@code lodestar.self.*} paths.
 */
public final class InstanceNames {

    private InstanceNames() {
    }

    /** {@code base}, or {@code base-<instance>} for a factory configuration. */
    public static String of(String base, Map<String, ?> props) {
        String s = suffix(props);
        return s == null ? base : base + "-" + s;
    }

    /**
     * The instance of a named factory configuration: the name after {@code ~} in its PID, else the part after
     * the first {@code -} of FileInstall's file name; {@code null} for a single configuration, none, or a
     * factory configuration whose PID ConfigAdmin generated (callers choose their own fallback).
     */
    public static String suffix(Map<String, ?> props) {
        if (props == null) {
            return null;
        }
        String pid = first(props.get("service.pid"));
        if (pid != null) {
            int tilde = pid.indexOf('~');
            if (tilde >= 0 && tilde < pid.length() - 1) {
                return pid.substring(tilde + 1);
            }
        }
        String file = first(props.get("felix.fileinstall.filename"));
        if (file != null) {
            String f = file.substring(file.lastIndexOf('/') + 1);
            int dash = f.indexOf('-');
            int dot = f.lastIndexOf('.');
            if (dash > 0 && dot > dash + 1) {
                return f.substring(dash + 1, dot);
            }
        }
        return null;
    }

    private static String first(Object o) {
        if (o instanceof String[] a) {
            return a.length == 0 ? null : a[0];
        }
        return o == null ? null : String.valueOf(o);
    }
}
