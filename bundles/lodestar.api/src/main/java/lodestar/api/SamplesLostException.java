package lodestar.api;

/**
 * Samples handed on with {@link Pipeline#offerAll} that a sink dropped before writing or storing them (its
 * buffer overflowed under load from other producers). The producer should not acknowledge them to its sender.
 *
 * @since 2.1
 */
public class SamplesLostException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String sink;
    private final long lost;

    public SamplesLostException(String sink, long lost) {
        super("sink " + sink + " dropped " + lost + " of the samples");
        this.sink = sink;
        this.lost = lost;
    }

    /** The sink that dropped them. */
    public String sink() {
        return sink;
    }

    /** How many of the offered samples that sink dropped, at least 1. */
    public long lost() {
        return lost;
    }
}
