package lodestar.support.cardinality;

import java.util.Locale;

/** What becomes of a new series the limits refuse. */
public enum Overflow {
    /** Its values are dropped (and counted) until the series is let in. */
    DROP,
    /** Its values go into one overflow series of the same kind, so totals stay right while names are lost. */
    FOLD;

    /** The configuration word: {@code drop}, {@code fold}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException starting with {@code property} for anything but {@code drop} or {@code fold}
     *         (any case; empty means {@code drop})
     */
    public static Overflow parse(String property, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "", "drop" -> DROP;
            case "fold" -> FOLD;
            default -> throw new IllegalArgumentException(property + ": expected drop or fold, got '" + value + "'");
        };
    }
}
