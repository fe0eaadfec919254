package lodestar.support.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON that HTTP sinks need, so none of them carries a JSON library or its own copy of the
 * escaping rules: appending a string or a number to a {@link StringBuilder} (RFC 8259), and a strict
 * parser for the small answers backends give (and for test servers that check what a sink sends).
 *
 * <pre>
 * StringBuilder b = new StringBuilder("{\"metric\":");
 * Json.string(b, name).append(",\"value\":");
 * Json.number(b, value).append('}');
 * Map&lt;String, Object&gt; answer = Json.object(Json.parse(body));
 * </pre>
 *
 * Stateless and thread-safe.
 */
public final class Json {

    /** Integral doubles up to this magnitude are written without a fraction ({@code 42}, not {@code 42.0}). */
    private static final double EXACT_LONG = 0x1p53;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    /**
     * Appends {@code s} as a JSON string: quoted, with {@code "}, {@code \}, and control characters
     * escaped; other characters (non-ASCII too) as they are, for a UTF-8 body. A lone UTF-16 surrogate,
     * which UTF-8 cannot carry, becomes U+FFFD.
     *
     * @return {@code b}
     */
    public static StringBuilder string(StringBuilder b, CharSequence s) {
        b.append('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        // U+2028/9 are legal JSON but end a line in JavaScript: escaped too
                        b.append("\\u").append(HEX[c >> 12]).append(HEX[c >> 8 & 0xf])
                                .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                    } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        b.append('\uFFFD');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }

    /**
     * Appends a finite number exactly: integral values up to 2^53 without a fraction ({@code 42},
     * {@code -0.0} keeps its sign), others as the shortest decimal that reads back as the same double
     * ({@code 0.30000000000000004}, {@code 1.0E-5}, {@code 1.7976931348623157E308}).
     *
     * @return {@code b}
     * @throws IllegalArgumentException for NaN and infinities, which JSON cannot represent
     */
    public static StringBuilder number(StringBuilder b, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("JSON has no representation for " + v);
        }
        if (v == Math.rint(v) && Math.abs(v) <= EXACT_LONG && !(v == 0 && 1 / v < 0)) {
            return b.append((long) v);
        }
        return b.append(v);
    }

    /** Appends a whole number. @return {@code b} */
    public static StringBuilder number(StringBuilder b, long v) {
        return b.append(v);
    }

    /**
     * Parses one JSON value strictly (RFC 8259: no comments, trailing commas, leading zeros, NaN, or
     * text after the value). Objects become {@code Map<String, Object>} in document order (a repeated
     * key keeps its last value), arrays {@code List<Object>}, strings {@code String}, numbers
     * {@code Long} when written without fraction or exponent and within range, else {@code Double},
     * and {@code true}/{@code false}/{@code null} {@code Boolean} or null.
     *
     * @throws IllegalArgumentException saying where and why the text is not JSON
     */
    public static Object parse(CharSequence text) {
        Parser p = new Parser(text);
        p.space();
        Object v = p.value(0);
        p.space();
        if (p.i < text.length()) {
            throw p.error("unexpected text after the value");
        }
        return v;
    }

    /**
     * {@code value} as an object.
     *
     * @throws IllegalArgumentException if it is not one
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object value) {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException("expected a JSON object, got " + describe(value));
    }

    /**
     * {@code value} as an array.
     *
     * @throws IllegalArgumentException if it is not one
     */
    @SuppressWarnings("unchecked")
    public static List<Object> array(Object value) {
        if (value instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new IllegalArgumentException("expected a JSON array, got " + describe(value));
    }

    private static String describe(Object v) {
        return v == null ? "null" : v instanceof String ? "a string" : v instanceof Number ? "a number"
                : v instanceof Boolean ? "a boolean" : v instanceof Map ? "an object" : "an array";
    }

    private static final class Parser {
        private static final int MAX_DEPTH = 512;
        private final CharSequence s;
        private int i;

        Parser(CharSequence s) {
            this.s = s;
        }

        IllegalArgumentException error(String why) {
            return new IllegalArgumentException("invalid JSON at offset " + i + ": " + why);
        }

        void space() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) {
                i++;
            }
        }

        char peek() {
            if (i >= s.length()) {
                throw error("unexpected end of input");
            }
            return s.charAt(i);
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nested deeper than " + MAX_DEPTH);
            }
            char c = peek();
            switch (c) {
                case '{':
                    return object(depth);
                case '[':
                    return array(depth);
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw error("unexpected character '" + c + "'");
            }
        }

        Object literal(String word, Object v) {
            for (int k = 0; k < word.length(); k++) {
                if (i >= s.length() || s.charAt(i) != word.charAt(k)) {
                    throw error("expected " + word);
                }
                i++;
            }
            return v;
        }

        Map<String, Object> object(int depth) {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            space();
            if (peek() == '}') {
                i++;
                return m;
            }
            while (true) {
                space();
                if (peek() != '"') {
                    throw error("expected a quoted member name");
                }
                String key = string();
                space();
                if (peek() != ':') {
                    throw error("expected ':' after member name");
                }
                i++;
                space();
                m.put(key, value(depth + 1));
                space();
                char c = peek();
                i++;
                if (c == '}') {
                    return m;
                }
                if (c != ',') {
                    i--;
                    throw error("expected ',' or '}' in object");
                }
            }
        }

        List<Object> array(int depth) {
            List<Object> l = new ArrayList<>();
            i++;
            space();
            if (peek() == ']') {
                i++;
                return l;
            }
            while (true) {
                space();
                l.add(value(depth + 1));
                space();
                char c = peek();
                i++;
                if (c == ']') {
                    return l;
                }
                if (c != ',') {
                    i--;
                    throw error("expected ',' or ']' in array");
                }
            }
        }

        String string() {
            i++; // opening quote
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = peek();
                i++;
                if (c == '"') {
                    return b.toString();
                }
                if (c < 0x20) {
                    i--;
                    throw error("unescaped control character in string");
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = peek();
                i++;
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw error("truncated \\u escape");
                        }
                        int cp = 0;
                        for (int k = 0; k < 4; k++) {
                            int d = Character.digit(s.charAt(i++), 16);
                            if (d < 0) {
                                throw error("bad \\u escape");
                            }
                            cp = cp << 4 | d;
                        }
                        b.append((char) cp);
                    }
                    default -> {
                        i--;
                        throw error("bad escape '\\" + e + "'");
                    }
                }
            }
        }

        Number number() {
            int start = i;
            boolean integral = true;
            if (s.charAt(i) == '-') {
                i++;
            }
            if (peek() == '0') {
                i++;
            } else if (peek() >= '1' && peek() <= '9') {
                digits();
            } else {
                throw error("expected a digit");
            }
            if (i < s.length() && s.charAt(i) == '.') {
                integral = false;
                i++;
                if (i >= s.length() || !Character.isDigit(s.charAt(i))) {
                    throw error("expected a digit after '.'");
                }
                digits();
            }
            if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                integral = false;
                i++;
                if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                    i++;
                }
                if (i >= s.length() || !Character.isDigit(s.charAt(i))) {
                    throw error("expected a digit in the exponent");
                }
                digits();
            }
            String t = s.subSequence(start, i).toString();
            if (integral && t.length() <= 19) {
                try {
                    return Long.parseLong(t);
                } catch (NumberFormatException tooLarge) {
                    // falls through to double
                }
            }
            return Double.parseDouble(t);
        }

        void digits() {
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
        }
    }
}
