package lodestar.core.internal;

import java.util.Map;

import lodestar.api.RunnerProperties;
import lodestar.support.config.Units;
import lodestar.support.filter.LevelFilter;
import lodestar.support.filter.NameFilter;
import lodestar.support.filter.TagFilter;

/**
 * Reads the {@link RunnerProperties} of one sink from its service properties (strings from a {@code .cfg}
 * file, typed values from a {@code .config} file or the web console). Absent, blank, or (for the numbers)
 * 0 means "the {@code lodestar.core} default". Only the core reads them: a sink never sees its runner settings.
 */
final class RunnerPropertyReader {

    private final Map<String, ?> props;

    private RunnerPropertyReader(Map<String, ?> props) {
        this.props = props;
    }

    /**
     * Reads and validates every runner property present.
     *
     * @throws IllegalArgumentException naming the first invalid property
     */
    static RunnerPropertyReader of(Map<String, ?> props) {
        RunnerPropertyReader r = new RunnerPropertyReader(props);
        r.batchSize(1);
        r.flushIntervalMillis(1);
        r.bufferBytes(1);
        r.bufferDiskBytes(0);
        long initial = r.retryInitialMillis(1);
        long max = r.retryMaxMillis(Long.MAX_VALUE);
        String initialText = Props.string(props, RunnerProperties.RETRY_INITIAL, null);
        String maxText = Props.string(props, RunnerProperties.RETRY_MAX, null);
        if (initialText != null && maxText != null && max < initial) {
            throw new IllegalArgumentException(RunnerProperties.RETRY_MAX + ": must not be shorter than "
                    + RunnerProperties.RETRY_INITIAL + " (" + initialText + "), got '" + maxText + "'");
        }
        r.retryFactor(1);
        r.filter();
        r.tagpass();
        r.tagdrop();
        r.levels();
        return r;
    }

    public int batchSize(int dflt) {
        String s = Props.string(props, RunnerProperties.BATCH_SIZE, null);
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
            throw new IllegalArgumentException(RunnerProperties.BATCH_SIZE + ": expected a positive whole number, got '" + s + "'");
        }
    }

    public long flushIntervalMillis(long dflt) {
        String s = Props.string(props, RunnerProperties.FLUSH_INTERVAL, null);
        return s == null ? dflt : Units.positiveDurationMillis(RunnerProperties.FLUSH_INTERVAL, s);
    }

    public long bufferBytes(long dflt) {
        String s = Props.string(props, RunnerProperties.BUFFER_MEMORY, null);
        if (s == null) {
            return dflt;
        }
        long b = Units.bytes(RunnerProperties.BUFFER_MEMORY, s);
        if (b <= 0) {
            throw new IllegalArgumentException(RunnerProperties.BUFFER_MEMORY + ": must be a positive size, got '" + s + "'");
        }
        return b;
    }

    /**
     * The disk spool's size limit: absent or blank gives {@code dflt}; {@code 0} turns the spool off.
     */
    public long bufferDiskBytes(long dflt) {
        String s = Props.string(props, RunnerProperties.BUFFER_DISK, null);
        return s == null ? dflt : Units.bytes(RunnerProperties.BUFFER_DISK, s);
    }

    public long retryInitialMillis(long dflt) {
        String s = Props.string(props, RunnerProperties.RETRY_INITIAL, null);
        return s == null ? dflt : Units.positiveDurationMillis(RunnerProperties.RETRY_INITIAL, s);
    }

    public long retryMaxMillis(long dflt) {
        String s = Props.string(props, RunnerProperties.RETRY_MAX, null);
        return s == null ? dflt : Units.positiveDurationMillis(RunnerProperties.RETRY_MAX, s);
    }

    public double retryFactor(double dflt) {
        String s = Props.string(props, RunnerProperties.RETRY_FACTOR, null);
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
            throw new IllegalArgumentException(RunnerProperties.RETRY_FACTOR + ": must be a number of at least 1, got '" + s + "'");
        }
    }

    /** The {@value #RunnerProperties.TAGPASS} table. */
    public TagFilter tagpass() {
        return TagFilter.parse(RunnerProperties.TAGPASS, Props.entries(props, RunnerProperties.TAGPASS));
    }

    /** The {@value #RunnerProperties.TAGDROP} table. */
    public TagFilter tagdrop() {
        return TagFilter.parse(RunnerProperties.TAGDROP, Props.entries(props, RunnerProperties.TAGDROP));
    }

    /** The include/exclude globs as one filter. */
    public NameFilter filter() {
        return NameFilter.of(Props.entries(props, RunnerProperties.INCLUDE), Props.entries(props, RunnerProperties.EXCLUDE));
    }

    /** The {@value #RunnerProperties.LEVELS} property as a filter on the samples' {@code level} tag. */
    public LevelFilter levels() {
        return LevelFilter.of(Props.entries(props, RunnerProperties.LEVELS));
    }
}
