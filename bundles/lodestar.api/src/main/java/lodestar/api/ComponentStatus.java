package lodestar.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A snapshot of one running part of the platform, for {@code lodestar:status}, the web console and the
 * core's self-metrics: every counter becomes {@code lodestar.self.<type>.<name>.<counter>}, and the state
 * {@code lodestar.self.<type>.<name>.state} ({@link State#code()}).
 *
 * @param type      {@code beacon}, {@code sink}, {@code listener}, ...
 * @param name      the part's name
 * @param state     its health
 * @param detail    a short word for which case of {@code state} applies ({@code backoff}, {@code dropping},
 *                  {@code disabled}); the state's own word when there is nothing more to say
 * @param counters  numbers by name, in a stable order: running totals since start, except those named in
 *                  {@code gauges}
 * @param gauges    the names among {@code counters} that are levels (open connections, series held, a port)
 *                  rather than running totals, so that self-metrics carry the right {@link Kind}
 * @param lastError the last error message, or null
 */
public record ComponentStatus(String type, String name, State state, String detail, Map<String, Long> counters,
        Set<String> gauges, String lastError) {

    public ComponentStatus {
        Objects.requireNonNull(state, "state");
        detail = detail == null || detail.isBlank() ? state.word() : detail;
        counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
        gauges = gauges == null ? Set.of() : Set.copyOf(gauges);
    }

    /** A status whose numbers are all running totals. */
    public ComponentStatus(String type, String name, State state, String detail, Map<String, Long> counters,
            String lastError) {
        this(type, name, state, detail, counters, Set.of(), lastError);
    }

    /** A status whose detail is the state's own word and whose numbers are all running totals. */
    public ComponentStatus(String type, String name, State state, Map<String, Long> counters, String lastError) {
        this(type, name, state, null, counters, Set.of(), lastError);
    }

    /** Whether the number called {@code counter} is a level rather than a running total. */
    public boolean isGauge(String counter) {
        return gauges.contains(counter);
    }

    /** {@code ok}, or {@code failed (backoff)} when the detail adds something. */
    public String describeState() {
        return detail.equals(state.word()) ? detail : state.word() + " (" + detail + ")";
    }
}
