package lodestar.listener.graphite.internal;

import java.math.BigInteger;
import java.util.List;
import java.util.function.Consumer;

import lodestar.api.Kind;
import lodestar.api.Sample;

/**
 * Turns what {@link PickleReader} read into samples, accepting only Carbon's shape
 * {@code [(path, (timestamp, value)), ...]}. A pair may be a tuple or a list (Carbon indexes them either
 * way); numbers may be ints, floats, bools or numeric strings, as Carbon's {@code float()} takes them.
 * One bad entry is skipped and counted; the others are kept.
 */
final class PickleMetrics {

    private PickleMetrics() {
    }

    /**
     * @param bad called with why each entry that is skipped was
     * @throws BadInput when the message is not a list at all
     */
    static void samples(Object message, long nowMillis, Consumer<Sample> out, Consumer<BadInput> bad) throws BadInput {
        if (!(message instanceof List<?> list)) {
            throw new BadInput("pickle is not a list of (path, (timestamp, value)) tuples");
        }
        for (Object entry : list) {
            try {
                out.accept(sample(entry, nowMillis));
            } catch (BadInput e) {
                bad.accept(e);
            }
        }
    }

    private static Sample sample(Object entry, long nowMillis) throws BadInput {
        List<?> pair = pair(entry, "entry");
        if (!(pair.get(0) instanceof String path)) {
            throw new BadInput("path is not a string");
        }
        List<?> point = pair(pair.get(1), "datapoint");
        double value = number(Numbers.VALUE, point.get(1));
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            // Carbon drops NaN; infinity is not a measurement either
            throw new BadInput("value is " + value);
        }
        long t = Numbers.timestampMillis(number("timestamp", point.get(0)), nowMillis);
        GraphitePath p = GraphitePath.parse(path.strip());
        return new Sample(p.name(), p.tags(), value, t, Kind.GAUGE);
    }

    private static List<?> pair(Object o, String what) throws BadInput {
        List<?> items = o instanceof Pickled t ? t.items() : o instanceof List<?> l ? l : null;
        if (items == null || items.size() != 2) {
            throw new BadInput(what + " is not a pair");
        }
        return items;
    }

    private static double number(String what, Object o) throws BadInput {
        if (o instanceof Long l) {
            return l;
        }
        if (o instanceof Double d) {
            return d;
        }
        if (o instanceof BigInteger b) {
            return b.doubleValue();
        }
        if (o instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (o instanceof String s) {
            return Numbers.parse(what, s.strip());
        }
        throw new BadInput(what + " is not a number");
    }
}
