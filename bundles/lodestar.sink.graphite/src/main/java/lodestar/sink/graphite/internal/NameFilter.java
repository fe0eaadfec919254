package lodestar.sink.graphite.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code include} / {@code exclude} name globs of a sink: {@code *} matches within one
 * dot-separated component, {@code **} across components, {@code ?} one character other than a dot.
 * A sample passes when it matches some include glob (or there is none) and no exclude glob. Each
 * entry may hold several globs separated by commas, since a plain {@code .cfg} file gives one string.
 */
final class NameFilter {

    private final Pattern include;
    private final Pattern exclude;

    NameFilter(String[] include, String[] exclude) {
        this.include = compile(include);
        this.exclude = compile(exclude);
    }

    boolean accepts(String name) {
        return (include == null || include.matcher(name).matches())
                && (exclude == null || !exclude.matcher(name).matches());
    }

    /** One alternation of all the globs, or null when there are none. */
    private static Pattern compile(String[] globs) {
        List<String> parts = new ArrayList<>();
        if (globs != null) {
            for (String entry : globs) {
                for (String g : entry == null ? new String[0] : entry.split(",")) {
                    if (!g.isBlank()) {
                        parts.add(toRegex(g.trim()));
                    }
                }
            }
        }
        return parts.isEmpty() ? null : Pattern.compile(String.join("|", parts));
    }

    static String toRegex(String glob) {
        StringBuilder b = new StringBuilder("(?:");
        int n = glob.length();
        for (int i = 0; i < n; i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < n && glob.charAt(i + 1) == '*') {
                    b.append(".*");
                    i++;
                } else {
                    b.append("[^.]*");
                }
            } else if (c == '?') {
                b.append("[^.]");
            } else if (Character.isLetterOrDigit(c) || c == '_') {
                b.append(c);
            } else {
                b.append('\\').append(c);
            }
        }
        return b.append(')').toString();
    }
}
