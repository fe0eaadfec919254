package lodestar.listener.metricsd.internal;

import java.util.Locale;

import lodestar.api.Tags;

/** Where a packet's host goes in the samples. */
enum HostNaming {
    /** Bucky's statname: the host's components reversed in front of the name ({@code tld.company.node.name}). */
    REVERSE,
    /** The host with '.' replaced by '_' as one component in front of the name ({@code node_company_tld.name}). */
    UNDERSCORE,
    /** The host as the tag {@code host}; the name alone (for lodestar.processor.naming's rules). */
    TAG;

    static HostNaming parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("hostNaming: expected reverse, underscore or tag, got '" + s + "'");
        }
    }

    /** The name prefix for {@code host}, empty or ending in '.'. */
    String prefix(String host) {
        if (host.isEmpty() || this == TAG) {
            return "";
        }
        if (this == UNDERSCORE) {
            return host.replace('.', '_') + ".";
        }
        String[] parts = host.split("\\.", -1);
        StringBuilder b = new StringBuilder(host.length() + 1);
        for (int i = parts.length - 1; i >= 0; i--) {
            b.append(parts[i].strip()).append('.');
        }
        return b.toString();
    }

    Tags tags(String host) {
        return this == TAG && !host.isEmpty() ? Tags.of("host", host) : Tags.EMPTY;
    }
}
