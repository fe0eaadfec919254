package lodestar.instrument;

/** A reading; the latest one set before each send goes out. Lock-free and allocation-free; never blocks or throws. */
public interface Gauge {

    /** Sets the reading (NaN and infinities are ignored). */
    void set(double value);
}
