package lodestar.beacon.script.internal;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output formats a script may print, and how {@code auto} picks one: a first line
 * {@code # format: puypuy|graphite|influx} decides for the whole run, otherwise each line is guessed
 * on its own (see {@link #guess(String)}).
 */
enum Format {
    AUTO(null), PUYPUY(new PuyPuyParser()), GRAPHITE(new GraphiteParser()), INFLUX(new InfluxParser());

    private static final Pattern HEADER = Pattern.compile("#\\s*format\\s*:\\s*(\\S+)\\s*", Pattern.CASE_INSENSITIVE);

    private final LineParser parser;

    Format(LineParser parser) {
        this.parser = parser;
    }

    /** The parser of a concrete format; null for {@link #AUTO}. */
    LineParser parser() {
        return parser;
    }

    /** The configured value. @throws IllegalArgumentException {@code format: ...} */
    static Format of(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "auto", "" -> AUTO;
            case "puypuy" -> PUYPUY;
            case "graphite" -> GRAPHITE;
            case "influx" -> INFLUX;
            default -> throw new IllegalArgumentException("format: expected auto, puypuy, graphite or influx, got '" + text + "'");
        };
    }

    /**
     * The format a header line names: null when the line is no header, {@link #AUTO} when it is a header
     * naming no known format (the caller reports it).
     */
    static Format header(String line) {
        Matcher m = HEADER.matcher(line.trim());
        if (!m.matches()) {
            return null;
        }
        try {
            Format f = of(m.group(1));
            return f;
        } catch (IllegalArgumentException e) {
            return AUTO;
        }
    }

    /**
     * Guesses one line's format: InfluxDB when the text after the first unescaped blank starts with a
     * {@code key=value} field; PuyPuy with four blank-separated fields; Graphite with two or three. Null
     * when none fits.
     */
    static Format guess(String line) {
        String t = line.trim();
        int blank = firstUnescapedBlank(t);
        if (blank > 0) {
            String rest = t.substring(blank).trim();
            int end = rest.indexOf(' ');
            String first = end < 0 ? rest : rest.substring(0, end);
            if (first.indexOf('=') > 0) {
                return INFLUX;
            }
        }
        int fields = t.split("\\s+").length;
        return fields == 4 ? PUYPUY : fields == 2 || fields == 3 ? GRAPHITE : null;
    }

    private static int firstUnescapedBlank(String t) {
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ' ' || c == '\t') {
                return i;
            }
        }
        return -1;
    }
}
