package lodestar.listener.graphite.internal;

import lodestar.support.log.LogText;

/**
 * A line, path or pickle that cannot be taken, with the reason for the log. Cheap, since senders can flood them:
 * no stack trace, and the input it quotes is cut and escaped for the log only when the message is read.
 */
final class BadInput extends Exception {

    private static final long serialVersionUID = 1L;

    private final String why;
    private final String input;

    BadInput(String reason) {
        this(reason, null);
    }

    /** @param input the offending text, quoted after the reason ({@code bad value 'x'}) */
    BadInput(String why, String input) {
        super(null, null, false, false);
        this.why = why;
        this.input = input;
    }

    @Override
    public String getMessage() {
        return input == null ? why : why + " '" + LogText.of(input) + "'";
    }
}
