package lodestar.api;

/** A check's verdict, with the Nagios plugin exit code each maps to. */
public enum CheckStatus {
    OK(0), WARNING(1), CRITICAL(2), UNKNOWN(3);

    private final int code;

    CheckStatus(int code) {
        this.code = code;
    }

    /** 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN: also the value of the check's status metric. */
    public int code() {
        return code;
    }

    /** The status for a Nagios plugin exit code; anything outside 0..2 is UNKNOWN. */
    public static CheckStatus ofExitCode(int exit) {
        return switch (exit) {
            case 0 -> OK;
            case 1 -> WARNING;
            case 2 -> CRITICAL;
            default -> UNKNOWN;
        };
    }
}
