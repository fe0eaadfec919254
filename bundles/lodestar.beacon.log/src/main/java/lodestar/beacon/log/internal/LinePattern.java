package lodestar.beacon.log.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One {@code name=regex} entry of {@code patterns}: the lines it finds (searched, not matched whole) are
 * counted, and when the regex has a named group {@code value} the number it captures is summed, maxed
 * and kept as the last value. Holds the current interval's tally; used by one thread at a time.
 */
final class LinePattern {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    private static final Pattern HAS_VALUE_GROUP = Pattern.compile("\\(\\?<value>");

    final String name;
    private final Pattern regex;
    private final boolean extracts;

    private long count;
    private long values;
    private double sum;
    private double max;
    private double last;
    private long badValues;

    private LinePattern(String name, Pattern regex) {
        this.name = name;
        this.regex = regex;
        this.extracts = HAS_VALUE_GROUP.matcher(regex.pattern()).find();
    }

    /**
     * @throws IllegalArgumentException starting with {@code patterns:} for an entry that is not
     *                                  {@code name=regex}, a bad name, a duplicate name or an invalid regex
     */
    static List<LinePattern> parse(String[] entries) {
        List<LinePattern> list = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String e : entries == null ? new String[0] : entries) {
            if (e == null || e.isBlank()) {
                continue;
            }
            int eq = e.indexOf('=');
            String name = eq < 0 ? "" : e.substring(0, eq).trim();
            String regex = eq < 0 ? "" : e.substring(eq + 1);
            if (!NAME.matcher(name).matches() || regex.isEmpty()) {
                throw new IllegalArgumentException("patterns: expected name=regex with a name of letters, digits, '_',"
                        + " '-' and dots, got '" + e + "'");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("patterns: name '" + name + "' appears twice");
            }
            try {
                list.add(new LinePattern(name, Pattern.compile(regex)));
            } catch (PatternSyntaxException x) {
                throw new IllegalArgumentException("patterns: '" + name + "': invalid regular expression: "
                        + x.getMessage().replaceAll("\\s*[\\r\\n]+\\s*", " "));
            }
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("patterns: at least one name=regex entry is required, e.g. errors=ERROR");
        }
        return List.copyOf(list);
    }

    /** Tallies the line if it matches; returns whether it did. */
    boolean offer(CharSequence line) {
        Matcher m = regex.matcher(line);
        if (!m.find()) {
            return false;
        }
        count++;
        if (extracts) {
            String v = m.group("value");
            try {
                double d = Double.parseDouble(v == null ? "" : v.trim());
                if (Double.isFinite(d)) {
                    max = values == 0 ? d : Math.max(max, d);
                    sum += d;
                    last = d;
                    values++;
                } else {
                    badValues++;
                }
            } catch (NumberFormatException e) {
                badValues++;
            }
        }
        return true;
    }

    boolean extracts() {
        return extracts;
    }

    long count() {
        return count;
    }

    /** Values extracted this interval. */
    long values() {
        return values;
    }

    double sum() {
        return sum;
    }

    double max() {
        return max;
    }

    double last() {
        return last;
    }

    /** Matching lines whose {@code value} group was not a number, this interval. */
    long badValues() {
        return badValues;
    }

    /** Starts the next interval. */
    void reset() {
        count = 0;
        values = 0;
        sum = 0;
        max = 0;
        last = 0;
        badValues = 0;
    }
}
