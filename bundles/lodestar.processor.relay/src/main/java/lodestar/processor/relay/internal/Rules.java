package lodestar.processor.relay.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * carbon-c-relay's routing statements, parsed from its own configuration syntax: {@code match}, {@code rewrite} and
 * {@code aggregate}, each ended by {@code ;}, {@code #} comments. Clusters are not declared here: in Lodestar a
 * cluster is a Graphite sink configuration selecting the samples routed to it (see the README). Immutable.
 */
final class Rules {

    /** Longest rules text accepted, in characters: a configuration, not a data channel. */
    static final int MAX_TEXT = 1 << 20;
    static final String BLACKHOLE = "blackhole";

    /** A match expression: {@code *}, a regular expression (searched, as POSIX regexec does), or a literal prefix. */
    record Expr(String text, Pattern regex, String prefix) {

        static Expr parse(String text) {
            if (text.equals("*")) {
                return new Expr(text, null, "");
            }
            // ^ followed by plain text (an escaped '.' counts as plain) needs no regex engine: a prefix test
            if (text.startsWith("^")) {
                String literal = literal(text.substring(1));
                if (literal != null) {
                    return new Expr(text, null, literal);
                }
            }
            try {
                return new Expr(text, Pattern.compile(text), null);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("rules: bad regular expression '" + text + "': " + e.getDescription());
            }
        }

        /** A match, for the capture groups, or null. A prefix or {@code *} match has no groups beyond 0. */
        Matcher match(String name) {
            if (regex == null) {
                return name.startsWith(prefix) ? NO_GROUPS.matcher(name) : null;
            }
            Matcher m = regex.matcher(name);
            return m.find() ? m : null;
        }

        boolean matches(String name) {
            return regex == null ? name.startsWith(prefix) : regex.matcher(name).find();
        }

        private static String literal(String s) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '.') {
                    b.append('.');
                    i++;
                } else if (".[]()*+?{}|^$\\".indexOf(c) >= 0) {
                    return null;
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }
    }

    /** Matches the empty start of any name: group 0 only, for templates after a prefix match. */
    private static final Pattern NO_GROUPS = Pattern.compile("^");

    sealed interface Rule permits Match, Rewrite, Aggregate {
    }

    /** {@code match <* | expr ...> send to <cluster ... | blackhole> [stop];} */
    record Match(List<Expr> exprs, List<String> clusters, boolean stop) implements Rule {

        boolean matches(String name) {
            for (Expr e : exprs) {
                if (e.matches(name)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code rewrite <expr> into <replacement>;} */
    record Rewrite(Expr expr, String replacement) implements Rule {
    }

    enum Compute {
        SUM, COUNT, MAX, MIN, AVERAGE, MEDIAN, PERCENTILE, VARIANCE, STDDEV
    }

    /** One {@code compute <function> write to <metric>} of an aggregation. */
    record Output(Compute compute, double percentile, String template) {
    }

    enum Stamp {
        START, MIDDLE, END
    }

    /** {@code aggregate <expr ...> every N seconds expire after M seconds [timestamp at ...] compute ... [send to ...] [stop];} */
    record Aggregate(List<Expr> exprs, int every, int expire, Stamp stamp, List<Output> outputs, List<String> clusters,
            boolean stop, int index) implements Rule {

        /** The first expression's match with its groups, or null. */
        Matcher match(String name) {
            for (Expr e : exprs) {
                Matcher m = e.match(name);
                if (m != null) {
                    return m;
                }
            }
            return null;
        }

        boolean needsValues() {
            return outputs.stream().anyMatch(o -> o.compute() == Compute.MEDIAN || o.compute() == Compute.PERCENTILE);
        }
    }

    private final List<Rule> rules;

    private Rules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    List<Rule> list() {
        return rules;
    }

    boolean hasAggregates() {
        return rules.stream().anyMatch(r -> r instanceof Aggregate);
    }

    /**
     * Expands a {@code rewrite} replacement or an aggregate's {@code write to} metric with the match's groups as
     * carbon-c-relay does: {@code \1}..{@code \9} (and more digits), {@code \_1} lower case, {@code \^1} upper case,
     * a {@code .} after the backslash ({@code \.1}, {@code \_.1}) turns dots in the group into underscores.
     */
    static String expand(String template, Matcher m) {
        StringBuilder b = new StringBuilder(template.length() + 32);
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '\\' || i + 1 >= template.length()) {
                b.append(c);
                continue;
            }
            int j = i + 1;
            int caseMode = 0; // 1 lower, 2 upper
            boolean dots = false;
            if (template.charAt(j) == '_') {
                caseMode = 1;
                j++;
            } else if (template.charAt(j) == '^') {
                caseMode = 2;
                j++;
            }
            if (j < template.length() && template.charAt(j) == '.') {
                dots = true;
                j++;
            }
            int k = j;
            while (k < template.length() && Character.isDigit(template.charAt(k)) && k - j < 3) {
                k++;
            }
            if (k == j) {
                b.append(template.charAt(i + 1)); // an escaped character stands for itself
                i++;
                continue;
            }
            int ref = Integer.parseInt(template.substring(j, k));
            if (ref > 0 && ref <= m.groupCount() && m.group(ref) != null) {
                String g = m.group(ref);
                if (caseMode == 1) {
                    g = g.toLowerCase(Locale.ROOT);
                } else if (caseMode == 2) {
                    g = g.toUpperCase(Locale.ROOT);
                }
                b.append(dots ? g.replace('.', '_') : g);
            }
            i = k - 1;
        }
        return b.toString();
    }

    /** {@code name} with the part {@code m} matched replaced by the expanded replacement, as carbon-c-relay rewrites. */
    static String rewrite(String name, Matcher m, String replacement) {
        return name.substring(0, m.start()) + expand(replacement, m) + name.substring(m.end());
    }

    /* ------------------------------------------------------------------ parsing */

    /** @throws IllegalArgumentException starting with {@code rules:}, naming the statement at fault */
    static Rules parse(String text) {
        if (text == null) {
            return new Rules(List.of());
        }
        if (text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("rules: longer than " + MAX_TEXT + " characters");
        }
        List<List<String>> statements = statements(text);
        List<Rule> rules = new ArrayList<>();
        int aggregates = 0;
        for (List<String> st : statements) {
            String keyword = st.get(0).toLowerCase(Locale.ROOT);
            Cursor c = new Cursor(st);
            c.next();
            switch (keyword) {
                case "match" -> rules.add(match(c));
                case "rewrite" -> rules.add(rewrite(c));
                case "aggregate" -> rules.add(aggregate(c, aggregates++));
                case "cluster" -> throw new IllegalArgumentException("rules: 'cluster " + (c.more() ? c.peek() : "")
                        + "': a cluster is a Graphite sink configuration in Lodestar (destinations=..., routing=...,"
                        + " tagpass=relay_to_<cluster>=*), not a rule; see the relay README");
                default -> throw new IllegalArgumentException("rules: unknown statement '" + st.get(0)
                        + "' (match, rewrite and aggregate are supported)");
            }
        }
        return new Rules(rules);
    }

    private static Match match(Cursor c) {
        List<Expr> exprs = new ArrayList<>();
        while (c.more() && !c.peekIs("send") && !c.peekIs("validate")) {
            exprs.add(Expr.parse(c.next()));
        }
        if (exprs.isEmpty()) {
            throw c.error("match: an expression (or *) is needed");
        }
        if (c.peekIs("validate")) {
            throw c.error("match: validate is not supported");
        }
        c.expect("send");
        c.expect("to");
        List<String> clusters = clusters(c, "match");
        boolean stop = stop(c);
        c.end("match");
        return new Match(exprs, clusters, stop);
    }

    private static Rewrite rewrite(Cursor c) {
        if (!c.more()) {
            throw c.error("rewrite: an expression is needed");
        }
        String expr = c.next();
        c.expect("into");
        if (!c.more()) {
            throw c.error("rewrite: a replacement is needed after into");
        }
        String into = c.next();
        c.end("rewrite");
        Expr e = Expr.parse(expr);
        if (e.regex() == null && !expr.equals("*")) {
            e = new Expr(expr, Pattern.compile(expr), null); // a rewrite needs the match's position
        }
        if (e.regex() == null) {
            throw c.error("rewrite: * is not a rewrite expression");
        }
        return new Rewrite(e, into);
    }

    private static Aggregate aggregate(Cursor c, int index) {
        List<Expr> exprs = new ArrayList<>();
        while (c.more() && !c.peekIs("every")) {
            exprs.add(Expr.parse(c.next()));
        }
        if (exprs.isEmpty()) {
            throw c.error("aggregate: an expression is needed");
        }
        c.expect("every");
        int every = c.positiveInt("aggregate: every");
        c.expect("seconds");
        c.expect("expire");
        c.expect("after");
        int expire = c.positiveInt("aggregate: expire after");
        c.expect("seconds");
        Stamp stamp = Stamp.END; // carbon-c-relay's default (carbon-aggregator.py's is start)
        if (c.peekIs("timestamp")) {
            c.next();
            c.expect("at");
            String at = c.more() ? c.next().toLowerCase(Locale.ROOT) : "";
            stamp = switch (at) {
                case "start" -> Stamp.START;
                case "middle" -> Stamp.MIDDLE;
                case "end" -> Stamp.END;
                default -> throw c.error("aggregate: timestamp at start, middle or end of bucket, got '" + at + "'");
            };
            c.expect("of");
            c.expect("bucket");
        }
        List<Output> outputs = new ArrayList<>();
        while (c.peekIs("compute")) {
            c.next();
            String f = c.more() ? c.next().toLowerCase(Locale.ROOT) : "";
            Compute compute;
            double pct = Double.NaN;
            if (f.startsWith("percentile")) {
                compute = Compute.PERCENTILE;
                try {
                    pct = Double.parseDouble(f.substring("percentile".length()));
                } catch (NumberFormatException e) {
                    pct = -1;
                }
                if (!(pct > 0 && pct <= 100)) {
                    throw c.error("aggregate: percentile<N> with N in (0, 100], got '" + f + "'");
                }
            } else {
                try {
                    compute = Compute.valueOf(f.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw c.error("aggregate: compute sum, count, max, min, average, median, percentile<N>, variance"
                            + " or stddev, got '" + f + "'");
                }
            }
            c.expect("write");
            c.expect("to");
            if (!c.more()) {
                throw c.error("aggregate: a metric is needed after write to");
            }
            outputs.add(new Output(compute, pct, c.next()));
        }
        if (outputs.isEmpty()) {
            throw c.error("aggregate: at least one compute ... write to ... is needed");
        }
        List<String> clusters = List.of();
        if (c.peekIs("send")) {
            c.next();
            c.expect("to");
            clusters = clusters(c, "aggregate");
        }
        boolean stop = stop(c);
        c.end("aggregate");
        return new Aggregate(exprs, every, expire, stamp, outputs, clusters, stop, index);
    }

    private static List<String> clusters(Cursor c, String statement) {
        List<String> clusters = new ArrayList<>();
        while (c.more() && !c.peekIs("stop")) {
            String name = c.next();
            if (!name.matches("[A-Za-z0-9_-]+")) {
                throw c.error(statement + ": cluster names are letters, digits, '_' and '-', got '" + name + "'");
            }
            clusters.add(name);
        }
        if (clusters.isEmpty()) {
            throw c.error(statement + ": send to needs a cluster (or blackhole)");
        }
        if (clusters.contains(BLACKHOLE) && clusters.size() > 1) {
            throw c.error(statement + ": blackhole goes alone");
        }
        return clusters;
    }

    private static boolean stop(Cursor c) {
        if (c.peekIs("stop")) {
            c.next();
            return true;
        }
        return false;
    }

    /** Splits into statements of words: ';' ends one, '#' comments to the end of the line, "..." quotes. */
    private static List<List<String>> statements(String text) {
        List<List<String>> out = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder w = null;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char ch = text.charAt(i);
            if (ch == '"' && w == null) {
                int close = text.indexOf('"', i + 1);
                if (close < 0) {
                    throw new IllegalArgumentException("rules: unterminated quote");
                }
                words.add(text.substring(i + 1, close));
                i = close;
            } else if (ch == '#' && w == null) {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (Character.isWhitespace(ch) || ch == ';') {
                if (w != null) {
                    words.add(w.toString());
                    w = null;
                }
                if (ch == ';') {
                    if (words.isEmpty()) {
                        throw new IllegalArgumentException("rules: empty statement (a ';' too many)");
                    }
                    out.add(words);
                    words = new ArrayList<>();
                }
            } else {
                if (w == null) {
                    w = new StringBuilder();
                }
                w.append(ch);
            }
        }
        if (w != null) {
            words.add(w.toString());
        }
        if (!words.isEmpty()) {
            throw new IllegalArgumentException("rules: the last statement ('" + String.join(" ", words.subList(0,
                    Math.min(3, words.size()))) + " ...') has no closing ';'");
        }
        return out;
    }

    private static final class Cursor {
        private final List<String> words;
        private int at;

        Cursor(List<String> words) {
            this.words = words;
        }

        boolean more() {
            return at < words.size();
        }

        String peek() {
            return words.get(at);
        }

        boolean peekIs(String word) {
            return more() && words.get(at).equalsIgnoreCase(word);
        }

        String next() {
            return words.get(at++);
        }

        void expect(String word) {
            if (!peekIs(word)) {
                throw error(words.get(0) + ": expected '" + word + "'" + (more() ? ", got '" + peek() + "'" : " before ';'"));
            }
            at++;
        }

        int positiveInt(String what) {
            String s = more() ? next() : "";
            try {
                int v = Integer.parseInt(s);
                if (v > 0 && v <= 86_400) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw error(what + ": a whole number of seconds from 1 to 86400, got '" + s + "'");
        }

        void end(String statement) {
            if (more()) {
                throw error(statement + ": unexpected '" + peek() + "'");
            }
        }

        IllegalArgumentException error(String message) {
            String st = String.join(" ", words);
            return new IllegalArgumentException("rules: " + message + " (in '" + (st.length() > 120 ? st.substring(0, 120) + "..." : st) + "')");
        }
    }
}
