package lodestar.web.graphite.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * One component of a path expression, matched without regular expressions so that a hostile glob
 * ({@code *a*a*a*a*a*b} against a long name) costs at most (name length x glob length) steps: braces are
 * expanded first (as graphite-web does), at most {@link #MAX_ALTERNATIVES}, then each alternative is matched by
 * the classic wildcard walk that backtracks only to the last {@code *}.
 */
final class ComponentGlob {

    static final int MAX_ALTERNATIVES = 256;

    private final List<Token[]> alternatives;

    private ComponentGlob(List<Token[]> alternatives) {
        this.alternatives = alternatives;
    }

    /** @param whole the whole expression, for messages */
    static ComponentGlob compile(String glob, String whole) {
        List<String> expanded = new ArrayList<>();
        expand(glob, expanded, whole);
        List<Token[]> alts = new ArrayList<>(expanded.size());
        for (String e : expanded) {
            alts.add(tokens(e, whole));
        }
        return new ComponentGlob(alts);
    }

    boolean matches(String s) {
        for (Token[] t : alternatives) {
            if (matches(t, s)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(Token[] tok, String s) {
        int p = 0;
        int i = 0;
        int starP = -1;
        int starI = 0;
        int n = s.length();
        while (i < n) {
            if (p < tok.length && tok[p] != Token.STAR && tok[p].accepts(s.charAt(i))) {
                p++;
                i++;
            } else if (p < tok.length && tok[p] == Token.STAR) {
                starP = p++;
                starI = i;
            } else if (starP >= 0) {
                p = starP + 1;
                i = ++starI;
            } else {
                return false;
            }
        }
        while (p < tok.length && tok[p] == Token.STAR) {
            p++;
        }
        return p == tok.length;
    }

    /** Expands the first top-level {@code {a,b}} and recurses, as graphite-web's {@code expand_braces}. */
    private static void expand(String glob, List<String> out, String whole) {
        int open = glob.indexOf('{');
        if (open < 0) {
            if (glob.indexOf('}') >= 0) {
                throw new BadRequest("unmatched '}' in '" + whole + "'");
            }
            add(out, glob, whole);
            return;
        }
        int depth = 0;
        int close = -1;
        List<Integer> commas = new ArrayList<>();
        for (int i = open; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth == 0) {
                    close = i;
                    break;
                }
            } else if (c == ',' && depth == 1) {
                commas.add(i);
            }
        }
        if (close < 0) {
            throw new BadRequest("unclosed '{' in '" + whole + "'");
        }
        String head = glob.substring(0, open);
        String tail = glob.substring(close + 1);
        int from = open + 1;
        commas.add(close);
        for (int c : commas) {
            expand(head + glob.substring(from, c) + tail, out, whole);
            from = c + 1;
        }
    }

    private static void add(List<String> out, String glob, String whole) {
        if (out.size() >= MAX_ALTERNATIVES) {
            throw new BadRequest("more than " + MAX_ALTERNATIVES + " {..} alternatives in '" + whole + "'");
        }
        out.add(glob);
    }

    private static Token[] tokens(String glob, String whole) {
        List<Token> out = new ArrayList<>();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (out.isEmpty() || out.get(out.size() - 1) != Token.STAR) {
                    out.add(Token.STAR);
                }
            } else if (c == '?') {
                out.add(Token.ANY);
            } else if (c == '[') {
                int end = glob.indexOf(']', i + 2);
                if (end < 0) {
                    throw new BadRequest("unclosed '[' in '" + whole + "'");
                }
                String set = glob.substring(i + 1, end);
                boolean negated = set.startsWith("!");
                if (negated) {
                    set = set.substring(1);
                }
                out.add(new Token(set, negated));
                i = end;
            } else {
                out.add(new Token(String.valueOf(c), false));
            }
        }
        return out.toArray(new Token[0]);
    }

    /** A literal character, a set ({@code [a-z0-9_]}, possibly negated), any one character, or {@code *}. */
    private static final class Token {
        static final Token STAR = new Token(null, false);
        static final Token ANY = new Token(null, true);

        private final String set;
        private final boolean negated;

        Token(String set, boolean negated) {
            this.set = set;
            this.negated = negated;
        }

        boolean accepts(char c) {
            if (set == null) {
                return this == ANY;
            }
            boolean in = false;
            for (int i = 0; i < set.length() && !in; i++) {
                if (i + 2 < set.length() && set.charAt(i + 1) == '-') {
                    in = c >= set.charAt(i) && c <= set.charAt(i + 2);
                    i += 2;
                } else {
                    in = c == set.charAt(i);
                }
            }
            return in != negated;
        }
    }
}
