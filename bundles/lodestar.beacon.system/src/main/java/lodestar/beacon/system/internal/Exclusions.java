package lodestar.beacon.system.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A list of glob patterns from configuration ({@code *} any run of characters except {@code /},
 * {@code **} any run of characters, {@code ?} one character except {@code /}). Each configured value
 * may itself hold several patterns separated by commas or white space, because a FileInstall
 * {@code .cfg} line {@code interfaceExclude=lo,docker*} arrives as one string. Matching is
 * case-sensitive, like the names the kernel uses.
 */
final class Exclusions {

    private final List<Pattern> patterns;
    private final List<String> texts;

    private Exclusions(List<String> texts) {
        this.texts = List.copyOf(texts);
        List<Pattern> p = new ArrayList<>();
        for (String t : texts) {
            p.add(toRegex(t));
        }
        this.patterns = List.copyOf(p);
    }

    static Exclusions of(String... values) {
        List<String> texts = new ArrayList<>();
        if (values != null) {
            for (String v : values) {
                if (v == null) {
                    continue;
                }
                for (String t : v.split("[,\\s]+")) {
                    if (!t.isEmpty()) {
                        texts.add(t);
                    }
                }
            }
        }
        return new Exclusions(texts);
    }

    /** True when any pattern matches the whole of {@code name}. */
    boolean matches(String name) {
        if (name == null) {
            return false;
        }
        for (Pattern p : patterns) {
            if (p.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Only the patterns that satisfy {@code keep} (used to split mount point paths from fs types). */
    Exclusions filter(java.util.function.Predicate<String> keep) {
        return new Exclusions(texts.stream().filter(keep).toList());
    }

    boolean isEmpty() {
        return patterns.isEmpty();
    }

    @Override
    public String toString() {
        return String.join(",", texts);
    }

    private static Pattern toRegex(String glob) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    b.append(".*");
                    i++;
                } else {
                    b.append("[^/]*");
                }
            } else if (c == '?') {
                b.append("[^/]");
            } else {
                b.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(b.toString());
    }
}
