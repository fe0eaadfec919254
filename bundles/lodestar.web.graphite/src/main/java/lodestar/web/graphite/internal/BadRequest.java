package lodestar.web.graphite.internal;

/**
 * A request the API refuses with 400: a bad target (unknown function, wrong arguments, syntax), a bad time,
 * or one over a limit. The message goes back to the client as JSON and, rate-limited, to the log, so it
 * never carries a stack trace.
 */
final class BadRequest extends RuntimeException {

    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
        super(message, null, false, false);
    }
}
