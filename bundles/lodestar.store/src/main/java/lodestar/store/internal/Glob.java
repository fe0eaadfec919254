package lodestar.store.internal;

import java.util.regex.Pattern;

/**
 * A series name glob as the shell and dashboard write it: {@code *} matches within one dot-separated
 * component, {@code **} across components, {@code ?} one character other than a dot. Everything else
 * is literal. A glob containing {@code ;} is matched against the whole series key
 * ({@code name;k=v;...}) so tagged series can be picked out; otherwise against the name only.
 */
final class Glob {

    private static final Glob ALL = new Glob(null, false);

    private final Pattern pattern;
    private final boolean onKey;

    private Glob(Pattern pattern, boolean onKey) {
        this.pattern = pattern;
        this.onKey = onKey;
    }

    /** Null or blank matches every series. */
    static Glob compile(String glob) {
        if (glob == null || glob.isBlank()) {
            return ALL;
        }
        String g = glob.trim();
        StringBuilder re = new StringBuilder(g.length() + 16);
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            if (c == '*') {
                if (i + 1 < g.length() && g.charAt(i + 1) == '*') {
                    re.append(".*");
                    i++;
                } else {
                    re.append("[^.]*");
                }
            } else if (c == '?') {
                re.append("[^.]");
            } else if (Character.isLetterOrDigit(c) || c == '_') {
                re.append(c);
            } else {
                re.append('\\').append(c);
            }
        }
        return new Glob(Pattern.compile(re.toString(), Pattern.DOTALL), g.indexOf(';') >= 0);
    }

    boolean matches(String name, String key) {
        return pattern == null || pattern.matcher(onKey ? key : name).matches();
    }
}
