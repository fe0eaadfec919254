package lodestar.api.util;

import java.util.Collection;
import java.util.Map;

import lodestar.api.Sink;

/**
 * The sink-runner properties a sink's configuration may set ({@link Sink#BATCH_SIZE},
 * {@link Sink#FLUSH_INTERVAL}, {@link Sink#BUFFER_MEMORY}, {@link Sink#RETRY_INITIAL},
 * {@link Sink#RETRY_MAX}, {@link Sink#RETRY_FACTOR}, {@code include}, {@code exclude}, {@code levels}), read from
 * service or configuration properties. Absent, blank, or (for the numbers) 0 means "the
 * {@code lodestar.core} default". One parser for the core that uses them and for every sink that
 * validates them at activation, so a typo fails that sink's activation with the property's name.
 */
public final class RunnerProperties {

    /** Service property: name globs a sink wants; empty: all. */
    public static final String INCLUDE = "include";
    /** Service property: name globs a sink does not want. */
    public static final String EXCLUDE = "exclude";
    /** Service property: {@code key=glob,...} entries; a sample passes only if its tags match one ({@link TagFilter}). */
    public static final String TAGPASS = "tagpass";
    /** Service property: {@code key=glob,...} entries; a sample whose tags match one is not sent. */
    public static final String TAGDROP = "tagdrop";
    /**
     * Service property: the levels a sink wants ({@code critical,error}); samples without a
     * {@value LevelFilter#TAG} tag always pass. See {@link LevelFilter}.
     */
    public static final String LEVELS = "levels";
    /**
     * Service property: disk for samples a sink could not write yet (a size, {@code 0} = no disk buffer),
     * under {@code data/spool/<sink>/}.
     */
    public static final String BUFFER_DISK = "bufferDisk";

    private final Map<String, ?> props;

    private RunnerProperties(Map<String, ?> props) {
        this.props = props;
    }

    /**
     * Reads and validates every runner property present.
     *
     * @throws IllegalArgumentException naming the first invalid property
     */
    public static RunnerProperties of(Map<String, ?> props) {
        RunnerProperties r = new RunnerProperties(props);
        r.batchSize(1);
        r.flushIntervalMillis(1);
        r.bufferBytes(1);
        r.bufferDiskBytes(0);
        long initial = r.retryInitialMillis(1);
        long max = r.retryMaxMillis(Long.MAX_VALUE);
        if (string(props, Sink.RETRY_MAX) != null && string(props, Sink.RETRY_INITIAL) != null && max < initial) {
            throw new IllegalArgumentException(Sink.RETRY_MAX + ": must not be shorter than " + Sink.RETRY_INITIAL
                    + " (" + string(props, Sink.RETRY_INITIAL) + "), got '" + string(props, Sink.RETRY_MAX) + "'");
        }
        r.retryFactor(1);
        r.filter();
        r.tagpass();
        r.tagdrop();
        r.levels();
        return r;
    }

    public int batchSize(int dflt) {
        String s = string(props, Sink.BATCH_SIZE);
        if (s == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(s);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n == 0 ? dflt : n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(Sink.BATCH_SIZE + ": expected a positive whole number, got '" + s + "'");
        }
    }

    public long flushIntervalMillis(long dflt) {
        String s = string(props, Sink.FLUSH_INTERVAL);
        return s == null ? dflt : Units.positiveDurationMillis(Sink.FLUSH_INTERVAL, s);
    }

    public long bufferBytes(long dflt) {
        String s = string(props, Sink.BUFFER_MEMORY);
        if (s == null) {
            return dflt;
        }
        long b = Units.bytes(Sink.BUFFER_MEMORY, s);
        if (b <= 0) {
            throw new IllegalArgumentException(Sink.BUFFER_MEMORY + ": must be a positive size, got '" + s + "'");
        }
        return b;
    }

    /**
     * The disk spool's size limit: absent or blank gives {@code dflt}; {@code 0} turns the spool off.
     */
    public long bufferDiskBytes(long dflt) {
        String s = string(props, BUFFER_DISK);
        return s == null ? dflt : Units.bytes(BUFFER_DISK, s);
    }

    public long retryInitialMillis(long dflt) {
        String s = string(props, Sink.RETRY_INITIAL);
        return s == null ? dflt : Units.positiveDurationMillis(Sink.RETRY_INITIAL, s);
    }

    public long retryMaxMillis(long dflt) {
        String s = string(props, Sink.RETRY_MAX);
        return s == null ? dflt : Units.positiveDurationMillis(Sink.RETRY_MAX, s);
    }

    public double retryFactor(double dflt) {
        String s = string(props, Sink.RETRY_FACTOR);
        if (s == null) {
            return dflt;
        }
        try {
            double f = Double.parseDouble(s);
            if (f == 0) {
                return dflt;
            }
            if (!(f >= 1.0) || Double.isInfinite(f)) {
                throw new NumberFormatException();
            }
            return f;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(Sink.RETRY_FACTOR + ": must be a number of at least 1, got '" + s + "'");
        }
    }

    /** The {@value #TAGPASS} table. */
    public TagFilter tagpass() {
        return TagFilter.parse(TAGPASS, strings(props, TAGPASS));
    }

    /** The {@value #TAGDROP} table. */
    public TagFilter tagdrop() {
        return TagFilter.parse(TAGDROP, strings(props, TAGDROP));
    }

    /** The include/exclude globs as one filter. */
    public NameFilter filter() {
        return NameFilter.of(strings(props, INCLUDE), strings(props, EXCLUDE));
    }

    /** The {@value #LEVELS} property as a filter on the samples' {@value LevelFilter#TAG} tag. */
    public LevelFilter levels() {
        return LevelFilter.of(strings(props, LEVELS));
    }

    private static String string(Map<String, ?> props, String key) {
        Object v = props.get(key);
        if (v instanceof String[] a) {
            v = a.length == 0 ? null : a[0];
        }
        if (v == null) {
            return null;
        }
        String s = String.valueOf(v).trim();
        return s.isEmpty() ? null : s;
    }

    private static String[] strings(Map<String, ?> props, String key) {
        Object v = props.get(key);
        if (v == null) {
            return new String[0];
        }
        if (v instanceof String[] a) {
            return a;
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toArray(String[]::new);
        }
        return new String[] {String.valueOf(v)};
    }
}
