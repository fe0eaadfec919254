package lodestar.web.graphite.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Graphite's target grammar, as much as the functions here need: {@code func(arg, ...)} with nested calls,
 * path expressions (globs, {@code {a,b}}, {@code [..]}, tagged names {@code name;k=v}), single- or
 * double-quoted strings, numbers, {@code true}/{@code false} and {@code key=value} arguments. Recursive descent,
 * bounded in nesting so a hostile target cannot exhaust the stack.
 */
final class TargetParser {

    static final int MAX_DEPTH = 16;
    private static final Pattern NUMBER = Pattern.compile("[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?");
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final String text;
    private int pos;

    private TargetParser(String text) {
        this.text = text;
    }

    /** @throws BadRequest saying where the target stops making sense */
    static Expr parse(String target) {
        TargetParser p = new TargetParser(target);
        Expr e = p.expression(0);
        p.skipBlanks();
        if (p.pos != target.length()) {
            throw p.error("unexpected '" + target.charAt(p.pos) + "'");
        }
        if (!(e instanceof Expr.Call) && !(e instanceof Expr.Path)) {
            throw new BadRequest("target '" + target + "': not a series expression");
        }
        return e;
    }

    private Expr expression(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH);
        }
        skipBlanks();
        if (pos >= text.length()) {
            throw error("expression expected");
        }
        char c = text.charAt(pos);
        if (c == '"' || c == '\'') {
            int end = text.indexOf(c, pos + 1);
            if (end < 0) {
                throw error("unclosed string");
            }
            String s = text.substring(pos + 1, end);
            pos = end + 1;
            return new Expr.Str(s);
        }
        Matcher id = IDENT.matcher(text).region(pos, text.length());
        if (id.lookingAt()) {
            int after = skipBlanksFrom(id.end());
            if (after < text.length() && text.charAt(after) == '(') {
                String name = id.group();
                pos = after + 1;
                return call(name, depth);
            }
            String word = id.group();
            if ((word.equals("true") || word.equals("false")) && atArgEnd(id.end())) {
                pos = id.end();
                return new Expr.Bool(word.equals("true"));
            }
        }
        Matcher num = NUMBER.matcher(text).region(pos, text.length());
        if (num.lookingAt() && atArgEnd(num.end())) {
            pos = num.end();
            return new Expr.Num(num.group(), Double.parseDouble(num.group()));
        }
        return path();
    }

    private Expr call(String name, int depth) {
        List<Expr> args = new ArrayList<>();
        Map<String, Expr> kwargs = new LinkedHashMap<>();
        skipBlanks();
        if (pos < text.length() && text.charAt(pos) == ')') {
            pos++;
            return new Expr.Call(name, args, kwargs);
        }
        while (true) {
            skipBlanks();
            Matcher kw = IDENT.matcher(text).region(pos, text.length());
            if (kw.lookingAt() && kw.end() < text.length() && text.charAt(kw.end()) == '='
                    && (kw.end() + 1 >= text.length() || text.charAt(kw.end() + 1) != '=')) {
                pos = kw.end() + 1;
                kwargs.put(kw.group(), expression(depth + 1));
            } else {
                if (!kwargs.isEmpty()) {
                    throw error("positional argument after a keyword argument");
                }
                args.add(expression(depth + 1));
            }
            skipBlanks();
            if (pos >= text.length()) {
                throw error("')' expected");
            }
            char c = text.charAt(pos++);
            if (c == ')') {
                return new Expr.Call(name, args, kwargs);
            }
            if (c != ',') {
                throw error("',' or ')' expected");
            }
        }
    }

    private Expr path() {
        int start = pos;
        int depth = 0;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && depth > 0) {
                depth--;
            } else if (depth == 0 && (c == ',' || c == ')')) {
                break;
            } else if (c == '(' || c == '"' || c == '\'' || c < 0x20 || c == 0x7f || Character.isWhitespace(c)) {
                break;
            }
            pos++;
        }
        if (pos == start) {
            throw error("series expected");
        }
        if (depth != 0) {
            throw error("unclosed '{' or '['");
        }
        return new Expr.Path(text.substring(start, pos));
    }

    private boolean atArgEnd(int i) {
        int j = skipBlanksFrom(i);
        return j >= text.length() || text.charAt(j) == ',' || text.charAt(j) == ')';
    }

    private void skipBlanks() {
        pos = skipBlanksFrom(pos);
    }

    private int skipBlanksFrom(int i) {
        while (i < text.length() && text.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    private BadRequest error(String why) {
        return new BadRequest("target '" + text + "': " + why + " at position " + pos);
    }
}
