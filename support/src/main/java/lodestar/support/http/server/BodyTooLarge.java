package lodestar.support.http.server;

/**
 * A request body over a listener's limit, as sent or once decompressed: the answer is 413. Thrown for hostile input,
 * so it carries no stack trace (filling one in per refused request would make refusing cost more than taking).
 */
public final class BodyTooLarge extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message what was over which limit, for the log line and the answer */
    public BodyTooLarge(String message) {
        super(message, null, false, false);
    }
}
