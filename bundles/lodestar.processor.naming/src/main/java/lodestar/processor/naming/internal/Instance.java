package lodestar.processor.naming.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import lodestar.support.config.InstanceNames;

/** The name a component instance shows under in {@code lodestar:status}. */
final class Instance {

    private Instance() {
    }

    /**
     * {@code base} for a plain configuration, {@code base-<name>} for a FileInstall factory instance
     * ({@code conf/<pid>-<name>.cfg} gives a service.pid ending in {@code ~<name>}).
     */
    static String name(String base, Map<String, Object> props) {
        return InstanceNames.of(base, props);
    }

    /**
     * Non-blank, trimmed entries of a String[] property (null: none), each also split at {@code separator}
     * because a plain {@code .cfg} file gives a list as one string.
     */
    static List<String> entries(String[] values, String separator) {
        List<String> out = new ArrayList<>();
        if (values != null) {
            for (String v : values) {
                for (String part : v == null ? new String[0] : v.split(java.util.regex.Pattern.quote(separator))) {
                    if (!part.isBlank()) {
                        out.add(part.trim());
                    }
                }
            }
        }
        return out;
    }
}
