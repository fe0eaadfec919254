package lodestar.support.http.server;

/**
 * A request body that does not decompress (not gzip, not snappy, truncated): the answer is 400, which senders do not
 * retry. No stack trace, as for every refusal of hostile input.
 */
public final class MalformedBody extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with the body, for the log line and the answer */
    public MalformedBody(String message) {
        super(message, null, false, false);
    }
}
