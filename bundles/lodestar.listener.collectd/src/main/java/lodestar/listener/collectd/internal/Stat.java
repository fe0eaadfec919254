package lodestar.listener.collectd.internal;

/**
 * The listener's counters. The key is the status key (and the core's {@code lodestar.self.listener.<name>.<key>});
 * the first four are counters every listener shows ({@link #common}), the rest are collectd's own, in the order
 * {@code lodestar:status} shows them.
 */
enum Stat {
    /** datagrams decoded */
    PACKETS("packets", true),
    /** samples handed to the pipeline */
    SAMPLES("samples", true),
    /** values parts (or whole packets, for malformed framing) refused; the four below say why */
    BAD_INPUT("bad_input", true),
    /** datagrams dropped because the worker was behind by queueMemory */
    QUEUE_DROPS("queue_drops", true),
    MALFORMED("bad_input.malformed"),
    UNKNOWN_TYPE("bad_input.unknown_type"),
    VALUE_COUNT("bad_input.value_count"),
    KIND_MISMATCH("bad_input.kind_mismatch"),
    VALUES("values_received"),
    OUT_OF_RANGE("out_of_range"),
    UNKNOWN_VALUES("unknown_values"),
    /** infinite values: no measurement, and no backend stores them */
    INFINITE("infinite_values"),
    /** values stamped further ahead of the listener's clock than maxTimeAhead */
    FUTURE("future_values"),
    STALE("stale_values"),
    IGNORED("ignored"),
    REJECTED("rejected"),
    REJECTED_UNSIGNED("rejected.unsigned"),
    REJECTED_UNENCRYPTED("rejected.unencrypted"),
    REJECTED_UNKNOWN_USER("rejected.unknown_user"),
    REJECTED_BAD_SIGNATURE("rejected.bad_signature"),
    REJECTED_BAD_CHECKSUM("rejected.bad_checksum"),
    REJECTED_NO_AUTH_FILE("rejected.no_auth_file"),
    NOTIFICATIONS("notifications"),
    UNKNOWN_PARTS("unknown_parts"),
    /** series remembered now: a level, not a running total */
    SERIES("series"),
    SERIES_EVICTED("series_evicted");

    final String key;
    /** one of the counters every listener shows, placed by {@link lodestar.support.net.ListenerStatus} */
    final boolean common;

    Stat(String key) {
        this(key, false);
    }

    Stat(String key, boolean common) {
        this.key = key;
        this.common = common;
    }
}
