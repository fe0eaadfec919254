package lodestar.support.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Include/exclude metric-name globs, used the same way everywhere (a sink's {@code include} and
 * {@code exclude}, the store's queries, processors): {@code *} matches within one dot-separated
 * component, {@code **} across components, {@code ?} one character other than a dot, anything else
 * literally. A name passes when it matches some include glob (or there is none) and no exclude glob.
 * Each entry may hold several globs separated by commas, since a plain {@code .cfg} file gives one
 * string. Immutable and thread-safe.
 */
public final class NameFilter {

    /** Passes every name. */
    public static final NameFilter ALL = new NameFilter(null, null);

    private final Pattern include;
    private final Pattern exclude;

    private NameFilter(Pattern include, Pattern exclude) {
        this.include = include;
        this.exclude = exclude;
    }

    /** A filter from include and exclude globs; null or empty arrays mean none. */
    public static NameFilter of(String[] include, String[] exclude) {
        Pattern in = compile(include);
        Pattern ex = compile(exclude);
        return in == null && ex == null ? ALL : new NameFilter(in, ex);
    }

    /**
     * A filter passing the names that match one glob, taken whole (a comma is literal here, as in a
     * tag value); a null or blank glob passes all.
     */
    public static NameFilter glob(String glob) {
        return glob == null || glob.isBlank() ? ALL : new NameFilter(Pattern.compile(toRegex(glob.trim()), Pattern.DOTALL), null);
    }

    /** Whether {@code name} passes. */
    public boolean accepts(String name) {
        return (include == null || include.matcher(name).matches())
                && (exclude == null || !exclude.matcher(name).matches());
    }

    /** True when every name passes, so callers can skip the check. */
    public boolean passesAll() {
        return include == null && exclude == null;
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

    private static String toRegex(String glob) {
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
