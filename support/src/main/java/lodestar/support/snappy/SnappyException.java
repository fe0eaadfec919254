package lodestar.support.snappy;

import java.io.IOException;

/** A snappy block that cannot be decoded: malformed, truncated, or larger than the caller allows. */
public final class SnappyException extends IOException {

    private static final long serialVersionUID = 1L;

    private final boolean tooLarge;

    SnappyException(String message, boolean tooLarge) {
        super(message);
        this.tooLarge = tooLarge;
    }

    /** True when the block is well formed as far as read but declares more bytes than the caller's maximum. */
    public boolean tooLarge() {
        return tooLarge;
    }
}
