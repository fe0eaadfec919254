package lodestar.beacon.script.internal;

/**
 * A line of script output that cannot be read; the message says why, for the log line that names the
 * script and the line number. No stack trace: it is an expected, counted event.
 */
final class BadLineException extends Exception {

    private static final long serialVersionUID = 1L;

    BadLineException(String why) {
        super(why, null, false, false);
    }
}
