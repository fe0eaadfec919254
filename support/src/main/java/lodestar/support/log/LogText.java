package lodestar.support.log;

/**
 * Received input as a log line may show it: cut to {@link #MAX_INPUT} characters (the rest only counted) and with
 * every character that could disturb a terminal or a log reader escaped, so that one client can neither fill a
 * disk with one line nor forge, hide or colour log lines. {@code \n}, {@code \r} and {@code \t} are written as
 * such, other control characters (C0, DEL, C1) as {@code \xNN}, invisible formatting characters (bidirectional
 * overrides, zero-width characters, line and paragraph separators) and lone surrogates as {@code \}{@code uNNNN};
 * everything else, other scripts included, stays as it is. Pure functions, thread-safe.
 *
 * <pre>
 * badLine.log(() -&gt; "bad line from " + peer + ": " + why + ": '" + LogText.of(bytes, off, len) + "'");
 * </pre>
 */
public final class LogText {

    /** At most this many characters (or bytes) of one piece of input reach a log line. */
    public static final int MAX_INPUT = 200;
    /** At most this many characters of a whole log line, whatever it is built of ({@link #line}). */
    public static final int MAX_LINE = 1000;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogText() {
    }

    /**
     * Text that came from outside: escaped, and cut once the result has {@link #MAX_INPUT} characters, saying how
     * long the input was.
     */
    public static String of(CharSequence input) {
        if (input == null) {
            return "null";
        }
        return escape(input, MAX_INPUT, " characters");
    }

    /**
     * Bytes that came from outside, not decoded: printable ASCII as it is, every other byte escaped
     * ({@code \xNN}), cut once the result has {@link #MAX_INPUT} characters, saying how many bytes there were.
     */
    public static String of(byte[] input, int off, int len) {
        StringBuilder b = new StringBuilder(Math.min(len, MAX_INPUT) + 24);
        int i = 0;
        for (; i < len && b.length() < MAX_INPUT; i++) {
            int c = input[off + i] & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                b.append((char) c);
            } else {
                escapeControl(b, c);
            }
        }
        if (i < len) {
            b.append("...(").append(len).append(" bytes)");
        }
        return b.toString();
    }

    /**
     * A whole log line made safe, the last guard for lines built of input that was not passed through
     * {@link #of}: escaped like input and cut once it has {@link #MAX_LINE} characters. Text already made safe
     * comes through unchanged.
     */
    public static String line(String message) {
        if (message == null) {
            return "null";
        }
        if (message.length() <= MAX_LINE && isSafe(message)) {
            return message; // the usual case: no copy
        }
        return escape(message, MAX_LINE, " characters");
    }

    private static boolean isSafe(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (needsEscape(s, i)) {
                return false;
            }
        }
        return true;
    }

    private static String escape(CharSequence s, int max, String unit) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 24);
        int i = 0;
        for (; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            if (!needsEscape(s, i)) {
                b.append(c);
            } else if (c < 0x100) {
                escapeControl(b, c);
            } else {
                b.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            }
        }
        if (i < s.length()) {
            b.append("...(").append(s.length()).append(unit).append(')');
        }
        return b.toString();
    }

    private static boolean needsEscape(CharSequence s, int i) {
        char c = s.charAt(i);
        if (c >= 0x20 && c < 0x7f) {
            return false;
        }
        if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
            return true;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        int type = Character.getType(c);
        return type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    private static void escapeControl(StringBuilder b, int c) {
        switch (c) {
            case '\n' -> b.append("\\n");
            case '\r' -> b.append("\\r");
            case '\t' -> b.append("\\t");
            default -> b.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
        }
    }
}
