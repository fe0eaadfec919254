package lodestar.beacon.command.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The first line of a Nagios plugin's output: {@code TEXT | 'label'=value[UOM];[warn];[crit];[min];[max] ...}.
 * The text before {@code |} is the message; the performance data after it becomes extra samples. An item
 * that does not parse is skipped (it is decoration; the check's verdict comes from the exit code).
 *
 * @param message the text before {@code |}, trimmed
 * @param perf    the parsed performance data items, in order
 */
record PluginOutput(String message, List<Perf> perf) {

    /**
     * One performance data item.
     *
     * @param label the label as written (quotes removed)
     * @param value the value as written, in its own unit (no conversion: {@code 12ms} is 12, {@code 1.5s} is 1.5)
     * @param unit  the unit of measure: empty, {@code s}, {@code ms}, {@code us}, {@code %}, {@code B}, {@code KB},
     *              {@code MB}, {@code TB}, {@code c} (a counter)
     */
    record Perf(String label, double value, String unit) {
        boolean counter() {
            return unit.equals("c");
        }
    }

    /** Parses the first line of {@code stdout}; an empty output gives an empty message. */
    static PluginOutput parse(String stdout) {
        String first = stdout == null ? "" : stdout.lines().findFirst().orElse("");
        int bar = first.indexOf('|');
        if (bar < 0) {
            return new PluginOutput(first.trim(), List.of());
        }
        return new PluginOutput(first.substring(0, bar).trim(), perf(first.substring(bar + 1)));
    }

    /** Items separated by blanks; a label in single quotes may hold blanks, {@code ''} being a quote. */
    static List<Perf> perf(String s) {
        List<Perf> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            StringBuilder label = new StringBuilder();
            if (s.charAt(i) == '\'') {
                i++;
                while (i < n) {
                    char c = s.charAt(i);
                    if (c == '\'') {
                        if (i + 1 < n && s.charAt(i + 1) == '\'') {
                            label.append('\'');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    label.append(c);
                    i++;
                }
            } else {
                while (i < n && s.charAt(i) != '=' && !Character.isWhitespace(s.charAt(i))) {
                    label.append(s.charAt(i++));
                }
            }
            int end = i;
            while (end < n && !Character.isWhitespace(s.charAt(end))) {
                end++;
            }
            String rest = s.substring(i, end);
            i = end;
            Perf p = item(label.toString(), rest);
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    /** {@code =value[UOM];warn;crit;min;max} after the label, or null when it does not parse. */
    private static Perf item(String label, String rest) {
        if (label.isEmpty() || !rest.startsWith("=")) {
            return null;
        }
        String v = rest.substring(1);
        int semi = v.indexOf(';');
        if (semi >= 0) {
            v = v.substring(0, semi);
        }
        int u = v.length();
        while (u > 0 && !Character.isDigit(v.charAt(u - 1)) && v.charAt(u - 1) != '.') {
            u--;
        }
        String number = v.substring(0, u);
        String unit = v.substring(u);
        try {
            double d = Double.parseDouble(number);
            // 'U' (undetermined) and anything that is not a plain number are left out
            return Double.isFinite(d) && !number.isEmpty() && number.chars().noneMatch(Character::isLetter)
                    ? new Perf(label, d, unit) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
