package lodestar.beacon.system.internal;

import java.util.regex.Pattern;

/**
 * Turns what the operating system calls things (mount points, devices, interfaces, the host) into one
 * safe component of a dotted metric name, the same way for every group: characters other than
 * {@code [A-Za-z0-9_-]} become {@code _}, so a name never gains a dot (a new Graphite folder) or a space.
 */
final class Names {

    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_-]");
    private static final Pattern COMPONENT = Pattern.compile("[A-Za-z0-9_-]+");

    private Names() {
    }

    /** {@code eth0} stays, {@code wlp3s0.100} becomes {@code wlp3s0_100}; null or empty becomes {@code _}. */
    static String component(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "_";
        }
        return UNSAFE.matcher(raw).replaceAll("_");
    }

    /**
     * A mount point as a name component: {@code /} is {@code root}; otherwise leading and trailing
     * separators are dropped and the rest sanitized, so {@code /var/lib} is {@code var_lib},
     * {@code /mnt/my disk} is {@code mnt_my_disk} and {@code C:\} is {@code C_}.
     */
    static String mount(String mountPoint) {
        if (mountPoint == null) {
            return "root";
        }
        int from = 0;
        int to = mountPoint.length();
        while (from < to && isSeparator(mountPoint.charAt(from))) {
            from++;
        }
        while (to > from && isSeparator(mountPoint.charAt(to - 1))) {
            to--;
        }
        return from == to ? "root" : component(mountPoint.substring(from, to));
    }

    /** A block device as a name component: {@code /dev/sda} is {@code sda}, {@code /dev/mapper/vg-root} is {@code mapper_vg-root}. */
    static String device(String name) {
        String n = name == null ? "" : name;
        if (n.startsWith("/dev/")) {
            n = n.substring("/dev/".length());
        } else if (n.startsWith("\\\\.\\")) {
            n = n.substring(4); // Windows: \\.\PHYSICALDRIVE0
        }
        return component(n);
    }

    /**
     * The host component: the configured value, or (when that is blank) the short form of the detected
     * host name (up to the first dot); dots and other unsafe characters become {@code _}.
     */
    static String host(String configured, String detected) {
        if (configured != null && !configured.isBlank()) {
            return component(configured.trim());
        }
        String d = detected == null ? "" : detected.trim();
        int dot = d.indexOf('.');
        if (dot > 0) {
            d = d.substring(0, dot);
        }
        return d.isEmpty() ? "localhost" : component(d);
    }

    /**
     * Checks the {@code prefix} property: empty (names start with the host) or dot-separated components
     * of {@code [A-Za-z0-9_-]}.
     *
     * @return the prefix, trimmed
     * @throws IllegalArgumentException naming {@code prefix} otherwise
     */
    static String prefix(String prefix) {
        String p = prefix == null ? "" : prefix.trim();
        if (p.isEmpty()) {
            return p;
        }
        for (String c : p.split("\\.", -1)) {
            if (!COMPONENT.matcher(c).matches()) {
                throw new IllegalArgumentException("prefix: must be empty or dot-separated words of letters, digits, '_' and '-', got '"
                        + prefix + "'");
            }
        }
        return p;
    }

    /** {@code <prefix>.<host>.}, or {@code <host>.} with an empty prefix. */
    static String base(String prefix, String host) {
        return prefix.isEmpty() ? host + "." : prefix + "." + host + ".";
    }

    private static boolean isSeparator(char c) {
        return c == '/' || c == '\\';
    }
}
