package lodestar.api;

import java.util.Objects;

/**
 * One measurement: a dotted name, tags, a value, when it was taken, and what kind of value it is.
 *
 * <p>Immutable and cheap: processors that rename or retag return a new sample. The timestamp is in
 * milliseconds since the epoch; the value is a double, which may be NaN or infinite (sinks decide how
 * their backend represents those).
 *
 * <p>A sample of {@link Kind#HISTOGRAM kind HISTOGRAM} carries a whole distribution ({@link #histogram()});
 * its {@link #value()} is the number of observations. Renaming and retagging keep the distribution.
 */
public final class Sample {

    private final String name;
    private final Tags tags;
    private final double value;
    private final long timestamp;
    private final Kind kind;
    private final Histogram histogram;

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
        if (this.kind == Kind.HISTOGRAM) {
            throw new IllegalArgumentException("a HISTOGRAM sample needs its histogram: Sample.histogram(...)");
        }
        this.histogram = null;
    }

    private Sample(String name, Tags tags, Histogram histogram, long timestamp) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("sample name must not be empty");
        }
        this.name = name;
        this.tags = tags == null ? Tags.EMPTY : tags;
        this.histogram = java.util.Objects.requireNonNull(histogram, "histogram");
        this.value = histogram.count();
        this.timestamp = timestamp;
        this.kind = Kind.HISTOGRAM;
    }

    /**
     * A distribution taken at {@code timestamp}: kind {@link Kind#HISTOGRAM}, value the number of observations.
     *
     * @throws IllegalArgumentException when {@code name} is null or empty
     */
    public static Sample histogram(String name, Tags tags, Histogram histogram, long timestamp) {
        return new Sample(name, tags, histogram, timestamp);
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

    /** The distribution of a {@link Kind#HISTOGRAM} sample; null for every other kind. */
    public Histogram histogram() {
        return histogram;
    }

    public Sample withName(String newName) {
        if (newName.equals(name)) {
            return this;
        }
        return histogram != null ? new Sample(newName, tags, histogram, timestamp) : new Sample(newName, tags, value, timestamp, kind);
    }

    public Sample withTags(Tags newTags) {
        if (newTags.equals(tags)) {
            return this;
        }
        return histogram != null ? new Sample(name, newTags, histogram, timestamp) : new Sample(name, newTags, value, timestamp, kind);
    }

    public Sample withTag(String key, String tagValue) {
        return withTags(tags.with(key, tagValue));
    }

    /**
     * This sample with another value. A {@link Kind#HISTOGRAM} sample becomes a {@link Kind#GAUGE}: a single
     * number cannot keep a distribution.
     */
    public Sample withValue(double newValue) {
        return new Sample(name, tags, newValue, timestamp, kind == Kind.HISTOGRAM ? Kind.GAUGE : kind);
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
                && s.tags.equals(tags)
                && java.util.Objects.equals(s.histogram, histogram);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, tags, value, timestamp, kind);
    }

    @Override
    public String toString() {
        return seriesKey() + " " + (histogram != null ? "[" + histogram + "]" : String.valueOf(value)) + " " + timestamp + " " + kind;
    }
}
