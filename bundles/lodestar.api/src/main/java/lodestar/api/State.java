package lodestar.api;

import java.util.Locale;

/**
 * The health of a running part of the platform, as {@code lodestar:status}, the Lodestar page and the
 * {@code lodestar.self.*.state} self-metric show it. Four values so that every screen colours them alike;
 * {@link ComponentStatus#detail()} says which case of a state applies ({@code backoff}, {@code dropping}).
 */
public enum State {
    /** Working as configured. */
    OK,
    /**
     * Working, but not fully: a sink whose backend is away (its samples wait in the buffer), a listener
     * that lost datagrams in the last window, a beacon with nothing to read yet.
     */
    DEGRADED,
    /** Not doing its job until something changes: a receiver thread that died, a sink whose settings are invalid. */
    FAILED,
    /** Stopped on purpose: closed, disabled, or shutting down. */
    STOPPED;

    /** The lower-case word shown to people and written into JSON: {@code ok}, {@code degraded}, ... */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The numeric value of the {@code lodestar.self.<type>.<name>.state} self-metric: 0 ok, 1 degraded,
     * 2 failed, 3 stopped, so that "max over the fleet" picks the worst.
     */
    public int code() {
        return ordinal();
    }

    /** The state with this {@linkplain #word() word}, case-insensitively. */
    public static State of(String word) {
        return valueOf(word.trim().toUpperCase(Locale.ROOT));
    }
}
