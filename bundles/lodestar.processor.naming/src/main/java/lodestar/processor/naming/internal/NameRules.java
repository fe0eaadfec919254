package lodestar.processor.naming.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Bucky's {@code names.statname(host, name)}: builds a dotted name from prefix, host, name and postfix
 * components, replaces '.' inside each component, and strips adjacent duplicate components.
 *
 * <p>Component order, as in Bucky: {@code prefix}, {@code prefixParts...}, host components (reversed
 * unless {@code reverseHost=false}, after removing a {@code hostTrim} suffix), the name's components,
 * {@code postfixParts...}, {@code postfix}. The replacement applies to every component, so a
 * {@code prefix} of {@code a.b} becomes the one component {@code a_b}, exactly as Bucky's
 * {@code name_prefix}; several components go into {@code prefixParts}. Immutable, thread-safe.
 */
final class NameRules {

    private final List<String> before;
    private final List<String> after;
    private final String replace;
    private final boolean stripDuplicates;
    private final boolean reverseHost;
    /** Each trim entry's components, reversed (tld first), as Bucky compares them. */
    private final List<List<String>> hostTrim;

    /**
     * @param replace the replacement for '.' inside components, or null to leave them alone
     */
    NameRules(String prefix, List<String> prefixParts, List<String> postfixParts, String postfix, String replace,
            boolean stripDuplicates, boolean reverseHost, List<String> hostTrim) {
        List<String> b = new ArrayList<>();
        if (prefix != null && !prefix.isEmpty()) {
            b.add(prefix);
        }
        b.addAll(prefixParts);
        List<String> a = new ArrayList<>(postfixParts);
        if (postfix != null && !postfix.isEmpty()) {
            a.add(postfix);
        }
        this.before = List.copyOf(b);
        this.after = List.copyOf(a);
        this.replace = replace;
        this.stripDuplicates = stripDuplicates;
        this.reverseHost = reverseHost;
        List<List<String>> t = new ArrayList<>();
        for (String entry : hostTrim) {
            if (entry != null && !entry.isBlank()) {
                t.add(reversedParts(entry));
            }
        }
        this.hostTrim = List.copyOf(t);
    }

    /**
     * The full name for {@code name} from {@code host} (null or empty: no host components).
     */
    String statname(String host, String name) {
        List<String> parts = new ArrayList<>(before);
        if (host != null && !host.isEmpty()) {
            parts.addAll(hostname(host));
        }
        Collections.addAll(parts, name.split("\\.", -1));
        parts.addAll(after);
        if (replace != null) {
            parts.replaceAll(p -> p.replace(".", replace));
        }
        if (stripDuplicates) {
            parts = stripDuplicates(parts);
        }
        return String.join(".", parts);
    }

    /**
     * Bucky's {@code hostname()}: components trimmed of whitespace and reversed; the first
     * {@code hostTrim} entry that is a suffix of the host is removed. With {@code reverseHost=false} the
     * remaining components keep the host's own order.
     */
    List<String> hostname(String host) {
        List<String> parts = reversedParts(host);
        for (List<String> trim : hostTrim) {
            // Bucky would fail with an IndexError on a host shorter than the trim entry; that is "no match"
            if (trim.size() <= parts.size() && parts.subList(0, trim.size()).equals(trim)) {
                parts = new ArrayList<>(parts.subList(trim.size(), parts.size()));
                break;
            }
        }
        if (!reverseHost) {
            Collections.reverse(parts);
        }
        return parts;
    }

    static List<String> stripDuplicates(List<String> parts) {
        List<String> out = new ArrayList<>(parts.size());
        for (String p : parts) {
            if (out.isEmpty() || !p.equals(out.get(out.size() - 1))) {
                out.add(p);
            }
        }
        return out;
    }

    private static List<String> reversedParts(String dotted) {
        List<String> parts = new ArrayList<>();
        for (String p : dotted.split("\\.", -1)) {
            parts.add(p.strip());
        }
        Collections.reverse(parts);
        return parts;
    }
}
