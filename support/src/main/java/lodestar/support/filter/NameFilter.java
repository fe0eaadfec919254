package lodestar.support.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * Include/exclude metric-name globs, used the same way everywhere (a sink's {@code include} and
 * {@code exclude}, the store's queries, processors): {@code *} matches within one dot-separated
 * component, {@code **} across components, {@code ?} one character other than a dot, anything else
 * literally. A name passes when it matches some include glob (or there is none) and no exclude glob.
 * Each entry may hold several globs separated by commas, since a plain {@code .cfg} file gives one
 * string. Immutable and thread-safe.
 *
 * <p>Matched without regular expressions: a glob is run as a small automaton over the name's characters, so
 * a hostile one ({@code *a*a*a*a*a*a*a*a*a*a*a*a*b} against a long name, which a store query can send) costs at
 * most (name length x glob length) steps. As regular expressions these globs backtracked exponentially: that
 * glob against 60 a's ran for minutes (found writing the glob fuzz target, ConfigValuesFuzzTest#glob).
 */
public final class NameFilter {

    /** Passes every name. */
    public static final NameFilter ALL = new NameFilter(null, null);

    /** glob tokens: a code point (>= 0) or one of these */
    private static final int ONE = -1;
    private static final int STAR = -2;
    private static final int DOUBLE_STAR = -3;

    private final int[][] include;
    private final int[][] exclude;

    private NameFilter(int[][] include, int[][] exclude) {
        this.include = include;
        this.exclude = exclude;
    }

    /** A filter from include and exclude globs; null or empty arrays mean none. */
    public static NameFilter of(String[] include, String[] exclude) {
        int[][] in = compile(include);
        int[][] ex = compile(exclude);
        return in == null && ex == null ? ALL : new NameFilter(in, ex);
    }

    /**
     * A filter passing the names that match one glob, taken whole (a comma is literal here, as in a
     * tag value); a null or blank glob passes all.
     */
    public static NameFilter glob(String glob) {
        return glob == null || glob.isBlank() ? ALL : new NameFilter(new int[][] {tokens(glob.trim())}, null);
    }

    /** Whether {@code name} passes. */
    public boolean accepts(String name) {
        return (include == null || matchesAny(include, name)) && (exclude == null || !matchesAny(exclude, name));
    }

    /** True when every name passes, so callers can skip the check. */
    public boolean passesAll() {
        return include == null && exclude == null;
    }

    /** The globs of all entries, or null when there are none. */
    private static int[][] compile(String[] globs) {
        List<int[]> parts = new ArrayList<>();
        if (globs != null) {
            for (String entry : globs) {
                for (String g : entry == null ? new String[0] : entry.split(",")) {
                    if (!g.isBlank()) {
                        parts.add(tokens(g.trim()));
                    }
                }
            }
        }
        return parts.isEmpty() ? null : parts.toArray(new int[0][]);
    }

    private static int[] tokens(String glob) {
        int[] t = new int[glob.length()];
        int n = 0;
        for (int i = 0; i < glob.length();) {
            int c = glob.codePointAt(i);
            i += Character.charCount(c);
            if (c == '*') {
                if (i < glob.length() && glob.charAt(i) == '*') {
                    i++;
                    c = DOUBLE_STAR;
                } else {
                    c = STAR;
                }
                if (n > 0 && t[n - 1] == c) {
                    continue; // a run of stars of one kind matches what one does
                }
            } else if (c == '?') {
                c = ONE;
            }
            t[n++] = c;
        }
        return java.util.Arrays.copyOf(t, n);
    }

    private static boolean matchesAny(int[][] globs, String name) {
        for (int[] g : globs) {
            if (matches(g, name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs the glob as a nondeterministic automaton whose states are positions in the glob: {@code on[k]} when the
     * name so far can be matched by the glob's first k tokens. One pass over the name, each step over the glob.
     */
    static boolean matches(int[] glob, String name) {
        int m = glob.length;
        boolean[] on = new boolean[m + 1];
        boolean[] next = new boolean[m + 1];
        on[0] = true;
        closure(glob, on);
        for (int i = 0; i < name.length();) {
            int c = name.codePointAt(i);
            i += Character.charCount(c);
            boolean any = false;
            java.util.Arrays.fill(next, false);
            for (int k = 0; k < m; k++) {
                if (!on[k]) {
                    continue;
                }
                int t = glob[k];
                if (t == DOUBLE_STAR || (t == STAR && c != '.')) {
                    next[k] = true; // the star takes the character and stays
                    any = true;
                } else if (t == c || (t == ONE && c != '.')) {
                    next[k + 1] = true;
                    any = true;
                }
            }
            if (!any) {
                return false;
            }
            closure(glob, next);
            boolean[] swap = on;
            on = next;
            next = swap;
        }
        return on[m];
    }

    /** A star may match nothing: the state after it is on whenever the state before it is. */
    private static void closure(int[] glob, boolean[] on) {
        for (int k = 0; k < glob.length; k++) {
            if (on[k] && glob[k] <= STAR) {
                on[k + 1] = true;
            }
        }
    }
}
