package lodestar.support.config;

/**
 * A check's name as people read it ({@code Is True?}, Pharos's display names) and as it appears in metric
 * names ({@code check.Is_True.status}): one rule for every kind of check, so the same display name gives the
 * same metric name in the command and the HTTP checks.
 */
public final class CheckNames {

    private static final java.util.regex.Pattern WORD = java.util.regex.Pattern.compile("[A-Za-z0-9_-]+");
    private static final java.util.regex.Pattern DOTTED = java.util.regex.Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

    /** Longest display name, in characters. */
    public static final int MAX_LENGTH = 200;

    private CheckNames() {
    }

    /**
     * The display name, trimmed and checked: at most {@link #MAX_LENGTH} characters, no control characters,
     * and at least one letter or digit (so the metric name is not empty).
     *
     * @param property the property named in the message
     * @param dots     whether '.' separates metric path components (kept) or is replaced
     * @throws IllegalArgumentException starting with {@code property:}
     */
    public static String display(String property, String name, boolean dots) {
        String n = name == null ? "" : name.trim();
        if (n.length() > MAX_LENGTH || n.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(property + ": at most " + MAX_LENGTH + " characters, no control characters");
        }
        if (metricName(n, dots).isEmpty()) {
            throw new IllegalArgumentException(property + ": needs at least one letter or digit (it names the metrics"
                    + " check.<name>.*), got '" + n + "'");
        }
        return n;
    }

    /**
     * The display name made metric-safe: characters other than ASCII letters, digits, '_', '-' (and '.' when
     * {@code dots}) become '_', runs of '_' one, and '_' at either end of a dotted word go; empty words are
     * dropped. {@code Is True?} -> {@code Is_True}. A name that is already metric-safe is returned as it is.
     * Empty when nothing usable is left.
     */
    public static String metricName(String display, boolean dots) {
        if ((dots ? DOTTED : WORD).matcher(display).matches()) {
            return display; // already a metric name: kept exactly as configured before display names existed
        }
        StringBuilder b = new StringBuilder(display.length());
        for (int i = 0; i < display.length(); i++) {
            char c = display.charAt(i);
            boolean keep = c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || (dots && c == '.'));
            b.append(keep ? c : '_');
        }
        StringBuilder out = new StringBuilder();
        for (String word : b.toString().split("\\.")) {
            String w = word.replaceAll("_+", "_").replaceAll("^_|_$", "");
            if (!w.isEmpty()) {
                out.append(out.length() == 0 ? "" : ".").append(w);
            }
        }
        return out.toString();
    }
}
