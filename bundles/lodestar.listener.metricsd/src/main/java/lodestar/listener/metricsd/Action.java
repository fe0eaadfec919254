package lodestar.listener.metricsd;

/** What a command does to its metric: the low nibble of a command byte. */
public enum Action {
    /** Apply a value (the command carries a number). */
    UPDATE(0x0),
    /** Reset the metric's state, keep reporting it. */
    CLEAR(0x1),
    /** Forget the metric: it is no longer reported. */
    DELETE(0x2);

    private final int code;

    Action(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The action for a command byte's low nibble, or null when the protocol has none. */
    public static Action of(int lowNibble) {
        for (Action a : values()) {
            if (a.code == lowNibble) {
                return a;
            }
        }
        return null;
    }
}
