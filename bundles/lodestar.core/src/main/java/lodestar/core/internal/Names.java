package lodestar.core.internal;

import java.util.Map;

import lodestar.support.config.InstanceNames;

/**
 * Derives the short names operators see in {@code lodestar:status}, self-metric paths and
 * {@code lodestar:collect}: {@code lodestar.beacon.system} -> {@code system},
 * {@code lodestar.sink.graphite} configured by {@code lodestar.sink.graphite-carbon1.cfg} ->
 * {@code graphite-carbon1}.
 */
final class Names {

    private Names() {
    }

    static String of(Map<String, ?> props) {
        Object explicit = props.get("name");
        if (explicit != null && !String.valueOf(explicit).isBlank()) {
            return String.valueOf(explicit).trim();
        }
        String component = str(props.get("component.name"));
        String base = component == null ? "unnamed" : shortName(component);
        String instance = instance(props);
        return instance == null ? base : base + "-" + instance;
    }

    /** {@code lodestar.sink.graphite} -> {@code graphite}; {@code lodestar.store} -> {@code store}. */
    static String shortName(String componentName) {
        String[] parts = componentName.split("\\.");
        if (parts.length >= 3 && parts[0].equals("lodestar")) {
            return String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length));
        }
        if (parts.length == 2 && parts[0].equals("lodestar")) {
            return parts[1];
        }
        return componentName;
    }

    private static String instance(Map<String, ?> props) {
        String factoryPid = str(props.get("service.factoryPid"));
        if (factoryPid == null) {
            return null;
        }
        String named = InstanceNames.suffix(props);
        if (named != null) {
            return named;
        }
        String pid = str(props.get("service.pid"));
        // a generated factory pid (factoryPid.<uuid>): a short, stable suffix
        return pid == null ? null : Integer.toHexString(pid.hashCode() & 0xfffff);
    }

    /** {@code wanted}, or {@code wanted#2}, {@code wanted#3} ... the first that is not {@code taken}. */
    static String unique(String wanted, java.util.function.Predicate<String> taken) {
        String name = wanted;
        for (int i = 2; taken.test(name); i++) {
            name = wanted + "#" + i;
        }
        return name;
    }

    /** A name made safe as one component of a dotted metric path. */
    static String pathComponent(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            b.append(Character.isLetterOrDigit(c) || c == '-' || c == '_' ? c : '_');
        }
        return b.toString();
    }

    private static String str(Object o) {
        if (o == null) {
            return null;
        }
        if (o instanceof String[] a) {
            return a.length == 0 ? null : a[0];
        }
        return String.valueOf(o);
    }
}
