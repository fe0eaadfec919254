package lodestar.runtime.internal.web;

/**
 * A client's text (a header, a user name) made fit for one log line: at most {@value #MAX} characters, control
 * characters and non-ASCII as {@code \}{@code uXXXX}, so that what a client sends can neither forge log lines nor
 * fill the log.
 */
final class Printable {

    static final int MAX = 200;

    private Printable() {
    }

    static String of(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX) + 16);
        int i = 0;
        for (; i < s.length() && b.length() < MAX; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                b.append(c);
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        if (i < s.length()) {
            b.append("...(").append(s.length()).append(" chars)");
        }
        return b.toString();
    }
}
