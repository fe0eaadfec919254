package lodestar.api;

import java.util.Objects;

/**
 * The outcome of one run of a check: status, a message for people, the measured value, when it was
 * taken and since when the check has been in this status.
 *
 * @param check     the check's name
 * @param status    the verdict
 * @param message   what a person should read, never null
 * @param value     the measured value (a response time, an exit code), NaN if none
 * @param timestamp when, epoch millis
 * @param since     when the check entered {@code status}, epoch millis
 */
public record CheckResult(String check, CheckStatus status, String message, double value, long timestamp, long since) {
    public CheckResult {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(status, "status");
        message = message == null ? "" : message;
    }

    /** Milliseconds in the current status as of {@link #timestamp()}. */
    public long inStatusFor() {
        return timestamp - since;
    }
}
