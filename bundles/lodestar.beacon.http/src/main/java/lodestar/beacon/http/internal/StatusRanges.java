package lodestar.beacon.http.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP status codes a check accepts, parsed from {@code expectedStatus}: codes and inclusive ranges
 * separated by commas ({@code 200-399}, {@code 200,204}, {@code 200-299,301}). Immutable.
 */
final class StatusRanges {

    private final int[] from;
    private final int[] to;
    private final String text;

    private StatusRanges(int[] from, int[] to, String text) {
        this.from = from;
        this.to = to;
        this.text = text;
    }

    /**
     * @throws IllegalArgumentException starting with {@code expectedStatus:} on anything but codes 100..599
     *                                  and ranges of them
     */
    static StatusRanges parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("expectedStatus: required, e.g. 200-399 or 200,204");
        }
        List<int[]> ranges = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-');
            int lo = code(dash < 0 ? p : p.substring(0, dash), text);
            int hi = dash < 0 ? lo : code(p.substring(dash + 1), text);
            if (hi < lo) {
                throw new IllegalArgumentException("expectedStatus: range " + p + " ends before it starts");
            }
            ranges.add(new int[] {lo, hi});
        }
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("expectedStatus: required, e.g. 200-399 or 200,204");
        }
        int[] f = new int[ranges.size()];
        int[] t = new int[ranges.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ranges.get(i)[0];
            t[i] = ranges.get(i)[1];
        }
        return new StatusRanges(f, t, text.trim());
    }

    boolean accepts(int status) {
        for (int i = 0; i < from.length; i++) {
            if (status >= from[i] && status <= to[i]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }

    private static int code(String s, String whole) {
        try {
            int c = Integer.parseInt(s.trim());
            if (c >= 100 && c <= 599) {
                return c;
            }
        } catch (NumberFormatException e) {
            // reported below with the whole value
        }
        throw new IllegalArgumentException("expectedStatus: expected status codes 100..599 and ranges such as"
                + " 200-399, separated by commas, got '" + whole + "'");
    }
}
