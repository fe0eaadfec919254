package lodestar.runtime.internal.failures;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** A configuration's values as one comparable string: arrays by content, keys in order. */
final class Values {

    private Values() {
    }

    static String of(Map<String, Object> props) {
        if (props == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        new TreeMap<>(props).forEach((k, v) -> b.append(k).append('=')
                .append(v instanceof Object[] a ? Arrays.deepToString(a) : primitiveArray(v)).append('\n'));
        return b.toString();
    }

    private static String primitiveArray(Object v) {
        if (v instanceof int[] a) {
            return Arrays.toString(a);
        }
        if (v instanceof long[] a) {
            return Arrays.toString(a);
        }
        if (v instanceof boolean[] a) {
            return Arrays.toString(a);
        }
        if (v instanceof double[] a) {
            return Arrays.toString(a);
        }
        return String.valueOf(v);
    }
}
