package lodestar.listener.metricsd.internal;

/** A packet that breaks the MetricsD protocol; cheap (no stack trace), since senders can flood them. */
final class ProtocolError extends Exception {

    private static final long serialVersionUID = 1L;

    ProtocolError(String reason) {
        super(reason, null, false, false);
    }
}
