package lodestar.listener.graphite.internal;

/** A line, path or pickle that cannot be taken, with the reason for the log. Cheap: no stack trace. */
final class BadInput extends Exception {

    private static final long serialVersionUID = 1L;

    BadInput(String reason) {
        super(reason, null, false, false);
    }
}
