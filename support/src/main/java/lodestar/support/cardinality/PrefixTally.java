package lodestar.support.cardinality;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.StringJoiner;

/**
 * Which name prefixes bring the most new series, in fixed memory whatever the names: the first component of a
 * name and its first two components ({@code flood} and {@code flood.42} for {@code flood.42.requests}; a
 * {@code ;} ends the name part, as in {@code name;tag=value}) are counted with the space-saving algorithm over
 * {@link #CAPACITY} slots. A prefix not held takes the slot of the smallest count and inherits it as its possible
 * error, so a heavy prefix is never lost and every count reported is a guaranteed lower bound. Prefixes are cut
 * at {@link #MAX_PREFIX} characters. Adding a prefix already held allocates nothing. Not thread-safe.
 */
final class PrefixTally {

    static final int CAPACITY = 32;
    static final int MAX_PREFIX = 64;

    private final String[] prefixes = new String[CAPACITY];
    private final int[] hashes = new int[CAPACITY];
    private final long[] counts = new long[CAPACITY];
    private final long[] errors = new long[CAPACITY];
    private int used;

    void add(CharSequence name) {
        int first = end(name, 0);
        add(name, first);
        if (first < name.length() && name.charAt(first) == '.') {
            int second = end(name, first + 1);
            if (second > first + 1) {
                add(name, second);
            }
        }
    }

    /** Where the component starting at {@code from} ends: the next '.' or ';', the end, or the length cap. */
    private static int end(CharSequence name, int from) {
        int n = Math.min(name.length(), MAX_PREFIX);
        for (int i = from; i < n; i++) {
            char c = name.charAt(i);
            if (c == '.' || c == ';') {
                return i;
            }
        }
        return n;
    }

    private void add(CharSequence name, int len) {
        int h = 0;
        for (int i = 0; i < len; i++) {
            h = 31 * h + name.charAt(i);
        }
        for (int i = 0; i < used; i++) {
            if (hashes[i] == h && sameAs(prefixes[i], name, len)) {
                counts[i]++;
                return;
            }
        }
        int slot;
        long inherited = 0;
        if (used < CAPACITY) {
            slot = used++;
        } else {
            slot = 0;
            for (int i = 1; i < CAPACITY; i++) {
                if (counts[i] < counts[slot]) {
                    slot = i;
                }
            }
            inherited = counts[slot];
        }
        prefixes[slot] = name.subSequence(0, len).toString();
        hashes[slot] = h;
        counts[slot] = inherited + 1;
        errors[slot] = inherited;
    }

    private static boolean sameAs(String held, CharSequence name, int len) {
        if (held.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (held.charAt(i) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The {@code n} prefixes with the most new series for sure, most first, as {@code prefix (count)}; "none" when empty. */
    String top(int n) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < used; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong((Integer i) -> counts[i] - errors[i]).reversed().thenComparing(i -> prefixes[i]));
        StringJoiner j = new StringJoiner(", ");
        j.setEmptyValue("none");
        for (int k = 0; k < Math.min(n, order.size()); k++) {
            int i = order.get(k);
            j.add(prefixes[i] + " (" + (counts[i] - errors[i]) + ")");
        }
        return j.toString();
    }

    void clear() {
        java.util.Arrays.fill(prefixes, null);
        used = 0;
    }
}
