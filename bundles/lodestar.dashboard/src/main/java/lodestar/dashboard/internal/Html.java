package lodestar.dashboard.internal;

/** Escaping for text and attribute values in the HTML the web console shows. */
final class Html {

    private Html() {
    }

    /**
     * Appends {@code s} (null: nothing) so that it reads as text in an element or in a quoted attribute:
     * {@code & < > " '} as entities, and also {@code $} and {@code \}, because the web console passes
     * every {@code text/html} answer through a filter that replaces {@code ${key}} with its own variables
     * and drops the {@code \} of {@code \$}: a component named {@code ${appRoot}} must show as written.
     *
     * @return {@code b}
     */
    static StringBuilder text(StringBuilder b, String s) {
        if (s == null) {
            return b;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                case '$' -> b.append("&#36;");
                case '\\' -> b.append("&#92;");
                default -> b.append(c);
            }
        }
        return b;
    }

    /** {@link #text(StringBuilder, String)} into a new string. */
    static String text(String s) {
        return text(new StringBuilder(), s).toString();
    }
}
