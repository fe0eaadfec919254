package lodestar.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of one running part of the platform, for {@code lodestar:status} and the web console.
 *
 * @param type    {@code beacon}, {@code sink}, {@code listener}, ...
 * @param name    the part's name
 * @param state   a short word: {@code ok}, {@code backoff}, {@code failing}, {@code idle}, ...
 * @param counters counters and gauges by name, in a stable order
 * @param lastError the last error message, or null
 */
public record ComponentStatus(String type, String name, String state, Map<String, Long> counters, String lastError) {
    public ComponentStatus {
        counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
    }
}
