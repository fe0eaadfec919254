package lodestar.web.graphite.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Graphite path expression ({@code servers.web{1,2}.cpu-[0-7].*}): dot-separated components, each matched
 * on its own as graphite-web's finder does (fnmatch after brace expansion): {@code *} any characters,
 * {@code ?} one, {@code [abc]}, {@code [a-z]} and {@code [!a]} one of (or none of) a set, {@code {a,b}} one of
 * the alternatives (which may hold the other wildcards). A tagged series name ({@code name;k=v}) is one more
 * component after the last, matched literally except for the same wildcards.
 */
final class PathGlob {

    private final String text;
    private final List<Pattern> components;
    private final List<String> literal;

    private PathGlob(String text, List<Pattern> components, List<String> literal) {
        this.text = text;
        this.components = components;
        this.literal = literal;
    }

    /** @throws BadRequest when a bracket or brace is not closed */
    static PathGlob compile(String text) {
        List<String> parts = split(text);
        List<Pattern> patterns = new ArrayList<>(parts.size());
        List<String> literal = new ArrayList<>(parts.size());
        for (String p : parts) {
            if (hasWildcard(p)) {
                patterns.add(Pattern.compile(toRegex(p, text), Pattern.DOTALL));
                literal.add(null);
            } else {
                patterns.add(null);
                literal.add(p);
            }
        }
        return new PathGlob(text, patterns, literal);
    }

    String text() {
        return text;
    }

    int size() {
        return components.size();
    }

    /** The glob the store's {@code find} takes for these components: ours where it reads them alike, else {@code *}. */
    String storeGlob() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < components.size(); i++) {
            if (i > 0) {
                b.append('.');
            }
            String lit = literal.get(i);
            if (lit != null) {
                b.append(lit);
            } else {
                String raw = split(text).get(i);
                // the store reads * and ? alike within a component; brackets and braces it does not know
                b.append(raw.indexOf('[') >= 0 || raw.indexOf('{') >= 0 ? "*" : raw);
            }
        }
        return b.toString();
    }

    /** Whether component {@code i} matches {@code value}. */
    boolean matches(int i, String value) {
        String lit = literal.get(i);
        return lit != null ? lit.equals(value) : components.get(i).matcher(value).matches();
    }

    /** Whether the whole of {@code path} (already split at dots) matches. */
    boolean matchesAll(List<String> path) {
        if (path.size() != components.size()) {
            return false;
        }
        for (int i = 0; i < path.size(); i++) {
            if (!matches(i, path.get(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean hasWildcard(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{') {
                return true;
            }
        }
        return false;
    }

    /** Splits at the dots outside braces and brackets. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && depth > 0) {
                depth--;
            } else if (c == '.' && depth == 0) {
                out.add(text.substring(start, i));
                start = i + 1;
            }
        }
        out.add(text.substring(start));
        return out;
    }

    /** Splits a series name at its dots (a tagged name's tags stay with the last component). */
    static List<String> nodes(String name) {
        int semi = name.indexOf(';');
        String path = semi < 0 ? name : name.substring(0, semi);
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '.') {
                out.add(path.substring(start, i));
                start = i + 1;
            }
        }
        if (semi >= 0) {
            int last = out.size() - 1;
            out.set(last, out.get(last) + name.substring(semi));
        }
        return out;
    }

    private static String toRegex(String glob, String whole) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        int n = glob.length();
        int braces = 0;
        while (i < n) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> b.append(".*");
                case '?' -> b.append('.');
                case '[' -> {
                    int end = glob.indexOf(']', i + 2);
                    if (end < 0) {
                        throw new BadRequest("unclosed '[' in '" + whole + "'");
                    }
                    String set = glob.substring(i + 1, end);
                    b.append('[');
                    if (set.startsWith("!")) {
                        b.append('^');
                        set = set.substring(1);
                    }
                    for (char s : set.toCharArray()) {
                        if (s == '-' || Character.isLetterOrDigit(s)) {
                            b.append(s);
                        } else {
                            b.append('\\').append(s);
                        }
                    }
                    b.append(']');
                    i = end;
                }
                case '{' -> {
                    braces++;
                    b.append("(?:");
                }
                case '}' -> {
                    if (braces == 0) {
                        b.append("\\}");
                    } else {
                        braces--;
                        b.append(')');
                    }
                }
                case ',' -> b.append(braces > 0 ? "|" : ",");
                default -> {
                    if (Character.isLetterOrDigit(c)) {
                        b.append(c);
                    } else {
                        b.append('\\').append(c);
                    }
                }
            }
            i++;
        }
        if (braces > 0) {
            throw new BadRequest("unclosed '{' in '" + whole + "'");
        }
        return b.toString();
    }
}
