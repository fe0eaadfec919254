package lodestar.api;

import java.util.Objects;

/**
 * One measurement: a dotted name, tags, a value, when it was taken, and what kind of value it is.
 *
 * <p>Immutable and cheap: processors that rename or retag return a new sample. The timestamp is in
 * milliseconds since the epoch; the value is a double, which may be NaN or infinite (sinks decide how
 * their backend represents those).
 */
public final class Sample {

    private final String name;
    private final Tags tags;
    private final double value;
    private final long timestamp;
    private final Kind kind;

    /**
     * @throws IllegalArgumentException when {@code name} is null or empty
     */
    public Sample(String name, Tags tags, double value, long timestamp, Kind kind) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("sample name must not be empty");
        }
        this.name = name;
        this.tags = tags == null ? Tags.EMPTY : tags;
        this.value = value;
        this.timestamp = timestamp;
        this.kind = kind == null ? Kind.GAUGE : kind;
    }

    /** A gauge taken now, without tags. */
    public static Sample gauge(String name, double value) {
        return new Sample(name, Tags.EMPTY, value, System.currentTimeMillis(), Kind.GAUGE);
    }

    /** A sample of the given kind taken at {@code timestamp}. */
    public static Sample of(String name, Tags tags, double value, long timestamp, Kind kind) {
        return new Sample(name, tags, value, timestamp, kind);
    }

    public String name() {
        return name;
    }

    public Tags tags() {
        return tags;
    }

    public double value() {
        return value;
    }

    /** Milliseconds since the epoch. */
    public long timestamp() {
        return timestamp;
    }

    public Kind kind() {
        return kind;
    }

    public Sample withName(String newName) {
        return newName.equals(name) ? this : new Sample(newName, tags, value, timestamp, kind);
    }

    public Sample withTags(Tags newTags) {
        return newTags.equals(tags) ? this : new Sample(name, newTags, value, timestamp, kind);
    }

    public Sample withTag(String key, String tagValue) {
        return withTags(tags.with(key, tagValue));
    }

    public Sample withValue(double newValue) {
        return new Sample(name, tags, newValue, timestamp, kind);
    }

    /**
     * The series this sample belongs to, as Graphite writes tagged series: {@code name;k=v;k2=v2}, or
     * just the name when there are no tags.
     */
    public String seriesKey() {
        return seriesKey(name, tags);
    }

    /** See {@link #seriesKey()}. */
    public static String seriesKey(String name, Tags tags) {
        if (tags.isEmpty()) {
            return name;
        }
        StringBuilder b = new StringBuilder(name.length() + 16 * tags.size()).append(name);
        for (int i = 0; i < tags.size(); i++) {
            b.append(';').append(tags.key(i)).append('=').append(tags.value(i));
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sample s
                && s.timestamp == timestamp
                && Double.compare(s.value, value) == 0
                && s.kind == kind
                && s.name.equals(name)
                && s.tags.equals(tags);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, tags, value, timestamp, kind);
    }

    @Override
    public String toString() {
        return seriesKey() + " " + value + " " + timestamp + " " + kind;
    }
}
