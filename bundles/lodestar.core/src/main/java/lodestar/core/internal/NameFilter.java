package lodestar.core.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A sink's {@code include}/{@code exclude} name globs (Telegraf's namepass/namedrop): a sample passes
 * when it matches some include (or there are none) and no exclude.
 */
final class NameFilter {

    static final NameFilter ALL = new NameFilter(List.of(), List.of());

    private final List<Glob> include;
    private final List<Glob> exclude;

    private NameFilter(List<Glob> include, List<Glob> exclude) {
        this.include = include;
        this.exclude = exclude;
    }

    static NameFilter of(String[] include, String[] exclude) {
        List<Glob> in = globs(include);
        List<Glob> ex = globs(exclude);
        return in.isEmpty() && ex.isEmpty() ? ALL : new NameFilter(in, ex);
    }

    private static List<Glob> globs(String[] texts) {
        List<Glob> l = new ArrayList<>();
        if (texts != null) {
            for (String t : texts) {
                if (t != null && !t.isBlank()) {
                    l.add(new Glob(t.trim()));
                }
            }
        }
        return List.copyOf(l);
    }

    boolean passesAll() {
        return this == ALL;
    }

    boolean passes(String name) {
        if (!include.isEmpty()) {
            boolean any = false;
            for (Glob g : include) {
                if (g.matches(name)) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        for (Glob g : exclude) {
            if (g.matches(name)) {
                return false;
            }
        }
        return true;
    }
}
