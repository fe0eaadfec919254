package lodestar.listener.collectd.internal;

/**
 * The listener's counters, in the order {@code lodestar:status} shows them. The name is the metric suffix
 * ({@code lodestar.self.listener.<name>.<stat>}) and the status key.
 */
enum Stat {
    PACKETS("packets_received"),
    VALUES("values_received"),
    SAMPLES("samples_emitted"),
    PROTOCOL_ERRORS("protocol_errors"),
    MALFORMED("protocol_errors.malformed"),
    UNKNOWN_TYPE("protocol_errors.unknown_type"),
    VALUE_COUNT("protocol_errors.value_count"),
    KIND_MISMATCH("protocol_errors.kind_mismatch"),
    OUT_OF_RANGE("out_of_range"),
    UNKNOWN_VALUES("unknown_values"),
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
    QUEUE_DROPS("queue_drops"),
    KERNEL_DROPS("kernel_drops"),
    SERIES("series"),
    SERIES_EVICTED("series_evicted");

    final String key;

    Stat(String key) {
        this.key = key;
    }
}
