package lodestar.listener.graphite.internal;

import java.util.List;

/** A Python tuple as the pickle reader builds it (lists are {@link java.util.ArrayList}s). */
record Pickled(List<Object> items) {

    /** A marker for Python's None, since the reader's stack holds no nulls. */
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };
}
