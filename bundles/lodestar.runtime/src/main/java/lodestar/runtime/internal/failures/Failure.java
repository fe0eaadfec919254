package lodestar.runtime.internal.failures;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;

import lodestar.support.config.InstanceNames;

/**
 * A component configuration that Declarative Services could not start, as an operator needs to hear about it:
 * which configuration (its file, else its PID), why in one line, and the type and name it has in
 * {@code lodestar:status}.
 *
 * @param key       what identifies the failed configuration across scans (component and PID)
 * @param pid       the configuration's PID, or null when the component has none
 * @param file      the {@code conf/} file it was read from, or null
 * @param reason    the exception's message; for anything but an {@link IllegalArgumentException} (a bad value, by
 *                  the convention every Lodestar component follows) prefixed with the exception's simple name
 * @param badValue  whether it was an {@link IllegalArgumentException}: a bad value in the configuration
 * @param type      the status type ({@code listener}, {@code sink}, ...)
 * @param name      the status name ({@code statsd-bad}), as the component would have been named running
 */
record Failure(String key, String pid, Path file, String reason, boolean badValue, String type, String name) {

    /** The longest reason kept; SCR's record of it is a whole stack trace. */
    static final int MAX_REASON = 500;

    static Failure of(ComponentConfigurationDTO dto) {
        Map<String, Object> props = dto.properties == null ? Map.of() : dto.properties;
        String component = dto.description == null ? str(props.get("component.name")) : dto.description.name;
        String pid = str(props.get("service.pid"));
        String[] cause = rootCause(dto.failure);
        boolean badValue = cause[0].equals(IllegalArgumentException.class.getName());
        String simple = cause[0].substring(cause[0].lastIndexOf('.') + 1);
        String reason = badValue && !cause[1].isEmpty() ? cause[1] : cause[1].isEmpty() ? simple : simple + ": " + cause[1];
        return new Failure(component + "|" + (pid == null ? "" : pid), pid, file(props.get("felix.fileinstall.filename")),
                oneLine(reason), badValue, type(component), name(component, props));
    }

    /** {@code Configuration /srv/conf/x.cfg}, else {@code Configuration <pid>}, else {@code Component <name>}. */
    String subject() {
        if (file != null) {
            return "Configuration " + file;
        }
        return pid != null ? "Configuration " + pid : "Component " + key.substring(0, key.indexOf('|'));
    }

    /** What {@code lodestar:status} shows as the last error: the file's name (or the PID) and the reason. */
    String lastError() {
        String where = file != null ? file.getFileName().toString() : pid != null ? pid : key.substring(0, key.indexOf('|'));
        return where + ": " + reason;
    }

    /** The component's own words for what failed: {@code [class, message]} of the deepest cause in SCR's trace. */
    static String[] rootCause(String trace) {
        if (trace == null || trace.isBlank()) {
            return new String[] {"activation", ""};
        }
        String[] lines = trace.split("\\R");
        int at = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("Caused by: ")) {
                at = i;
            }
        }
        StringBuilder message = new StringBuilder(lines[at].startsWith("Caused by: ")
                ? lines[at].substring("Caused by: ".length()) : lines[at]);
        // a message of several lines goes on until the stack frames
        for (int i = at + 1; i < lines.length && !lines[i].startsWith("\t") && !lines[i].startsWith("Caused by: "); i++) {
            message.append('\n').append(lines[i]);
        }
        String line = message.toString();
        int colon = line.indexOf(": ");
        String type = (colon < 0 ? line : line.substring(0, colon)).strip();
        if (type.contains(" ")) { // not "class: message" after all
            return new String[] {"activation", line.strip()};
        }
        return new String[] {type, colon < 0 ? "" : line.substring(colon + 2).strip()};
    }

    /** {@code lodestar.beacon.http} -> {@code beacon}; the store is a sink, the core the pipeline. */
    static String type(String component) {
        String[] parts = component == null ? new String[0] : component.split("\\.");
        if (parts.length < 2 || !parts[0].equals("lodestar")) {
            return "component";
        }
        if (parts.length == 2) {
            return switch (parts[1]) {
                case "store" -> "sink";
                case "core" -> "pipeline";
                default -> parts[1];
            };
        }
        return parts[1];
    }

    /**
     * The name the component would have in {@code lodestar:status}: its {@code name} property, else its component
     * name without {@code lodestar.<kind>.} plus {@code -<instance>} for a factory configuration, the instance being
     * the one of its PID or file ({@link InstanceNames}) or, for a PID ConfigAdmin generated, a short hash of it
     * (what the core does too).
     */
    static String name(String component, Map<String, Object> props) {
        String explicit = str(props.get("name"));
        if (explicit != null && !explicit.isBlank()) {
            return explicit.strip();
        }
        String[] parts = component == null ? new String[] {"unnamed"} : component.split("\\.");
        String base = parts.length >= 3 && parts[0].equals("lodestar") ? String.join(".", Arrays.copyOfRange(parts, 2, parts.length))
                : parts.length == 2 && parts[0].equals("lodestar") ? parts[1] : component;
        if (str(props.get("service.factoryPid")) == null) {
            return base;
        }
        String instance = InstanceNames.suffix(props);
        if (instance == null) {
            String pid = str(props.get("service.pid"));
            instance = pid == null ? null : Integer.toHexString(pid.hashCode() & 0xfffff);
        }
        return instance == null ? base : base + "-" + instance;
    }

    private static Path file(Object filename) {
        String f = str(filename);
        if (f == null || f.isBlank()) {
            return null;
        }
        try {
            return f.startsWith("file:") ? Path.of(URI.create(f)) : Path.of(f);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** One line, at most {@value #MAX_REASON} characters: a message may hold anything a configuration held. */
    static String oneLine(String s) {
        String one = s.replaceAll("\\s*\\R\\s*", " ").replaceAll("\\p{Cntrl}", "?").strip();
        return one.length() <= MAX_REASON ? one : one.substring(0, MAX_REASON) + "...";
    }

    private static String str(Object o) {
        if (o instanceof String[] a) {
            return a.length == 0 ? null : a[0];
        }
        return o == null ? null : String.valueOf(o);
    }
}
