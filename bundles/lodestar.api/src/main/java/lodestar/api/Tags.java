package lodestar.api;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * An immutable, key-sorted set of tags (dimensions) of a {@link Sample}.
 *
 * <p>Sorted by key so that two samples with the same tags compare equal and every sink renders them in
 * the same order (Graphite's {@code name;a=1;b=2}, InfluxDB's line protocol). Arrays instead of a map
 * because samples are created by the million and most carry none or few tags.
 */
public final class Tags {

    /**
     * The tag that carries a sample's level ({@code debug}, {@code info}, {@code warning}, {@code error},
     * {@code critical}, or any word an application uses): instrumented code sets it, and a sink configured
     * with {@link RunnerProperties#LEVELS} gets only the levels it lists. Samples without it are not levelled.
     */
    public static final String LEVEL = "level";

    /** No tags. */
    public static final Tags EMPTY = new Tags(new String[0], new String[0]);

    private final String[] keys;
    private final String[] values;
    private int hash;

    private Tags(String[] keys, String[] values) {
        this.keys = keys;
        this.values = values;
    }

    /**
     * Tags from alternating keys and values: {@code Tags.of("host", "a", "dc", "x")}.
     *
     * @throws IllegalArgumentException on an odd count, a null or empty key, or a null value
     */
    public static Tags of(String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("tags need key/value pairs, got " + keyValues.length + " strings");
        }
        Tags t = EMPTY;
        for (int i = 0; i < keyValues.length; i += 2) {
            t = t.with(keyValues[i], keyValues[i + 1]);
        }
        return t;
    }

    /** Tags copied from a map. */
    public static Tags of(Map<String, String> map) {
        Tags t = EMPTY;
        for (Map.Entry<String, String> e : map.entrySet()) {
            t = t.with(e.getKey(), e.getValue());
        }
        return t;
    }

    /** These tags with {@code key} set to {@code value} (replacing an existing value). */
    public Tags with(String key, String value) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("tag key must not be empty");
        }
        Objects.requireNonNull(value, "tag value");
        int i = Arrays.binarySearch(keys, key);
        if (i >= 0) {
            if (values[i].equals(value)) {
                return this;
            }
            String[] v = values.clone();
            v[i] = value;
            return new Tags(keys, v);
        }
        int at = -i - 1;
        String[] k = new String[keys.length + 1];
        String[] v = new String[keys.length + 1];
        System.arraycopy(keys, 0, k, 0, at);
        System.arraycopy(values, 0, v, 0, at);
        k[at] = key;
        v[at] = value;
        System.arraycopy(keys, at, k, at + 1, keys.length - at);
        System.arraycopy(values, at, v, at + 1, keys.length - at);
        return new Tags(k, v);
    }

    /** These tags plus {@code other}'s; {@code other} wins on a shared key. */
    public Tags withAll(Tags other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        Tags t = this;
        for (int i = 0; i < other.keys.length; i++) {
            t = t.with(other.keys[i], other.values[i]);
        }
        return t;
    }

    /** These tags without {@code key}. */
    public Tags without(String key) {
        int i = Arrays.binarySearch(keys, key);
        if (i < 0) {
            return this;
        }
        String[] k = new String[keys.length - 1];
        String[] v = new String[keys.length - 1];
        System.arraycopy(keys, 0, k, 0, i);
        System.arraycopy(values, 0, v, 0, i);
        System.arraycopy(keys, i + 1, k, i, keys.length - i - 1);
        System.arraycopy(values, i + 1, v, i, keys.length - i - 1);
        return new Tags(k, v);
    }

    /** The value of {@code key}, or null. */
    public String get(String key) {
        int i = Arrays.binarySearch(keys, key);
        return i >= 0 ? values[i] : null;
    }

    public int size() {
        return keys.length;
    }

    public boolean isEmpty() {
        return keys.length == 0;
    }

    /** The i-th key in sorted order. */
    public String key(int i) {
        return keys[i];
    }

    /** The value of the i-th key in sorted order. */
    public String value(int i) {
        return values[i];
    }

    /** Calls {@code action} for each tag, in key order. */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < keys.length; i++) {
            action.accept(keys[i], values[i]);
        }
    }

    /** An unmodifiable, key-ordered map view (a copy). */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        forEach(m::put);
        return Collections.unmodifiableMap(m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tags t && Arrays.equals(keys, t.keys) && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0 && keys.length > 0) {
            h = 31 * Arrays.hashCode(keys) + Arrays.hashCode(values);
            hash = h;
        }
        return h;
    }

    /** {@code a=1,b=2}, or the empty string. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < keys.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(keys[i]).append('=').append(values[i]);
        }
        return b.toString();
    }
}
