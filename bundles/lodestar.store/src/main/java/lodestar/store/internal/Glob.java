package lodestar.store.internal;

import lodestar.support.filter.NameFilter;

/**
 * A series glob as the shell and dashboard write it (the platform's name globs, see
 * {@link NameFilter}). A glob containing {@code ;} is matched against the whole series key
 * ({@code name;k=v;...}) so tagged series can be picked out; otherwise against the name only.
 */
final class Glob {

    private static final Glob ALL = new Glob(NameFilter.ALL, false);

    private final NameFilter filter;
    private final boolean onKey;

    private Glob(NameFilter filter, boolean onKey) {
        this.filter = filter;
        this.onKey = onKey;
    }

    /** Null or blank matches every series. */
    static Glob compile(String glob) {
        if (glob == null || glob.isBlank()) {
            return ALL;
        }
        String g = glob.trim();
        return new Glob(NameFilter.glob(g), g.indexOf(';') >= 0);
    }

    boolean matches(String name, String key) {
        return filter.accepts(onKey ? key : name);
    }
}
