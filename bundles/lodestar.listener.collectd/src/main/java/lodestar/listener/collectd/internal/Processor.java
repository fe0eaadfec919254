package lodestar.listener.collectd.internal;

import java.util.Arrays;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.support.cardinality.CardinalityGuard;
import lodestar.support.log.LogText;
import lodestar.support.log.RateLimitedLog;
import lodestar.listener.collectd.CollectdConverter;
import lodestar.listener.collectd.CollectdValue;
import lodestar.listener.collectd.CollectdValue.DsType;
import lodestar.listener.collectd.internal.TypesDb.DataSource;
import lodestar.listener.collectd.internal.TypesDb.TypeSpec;

/**
 * Turns the values parts of decoded packets into samples: checks them against types.db, keeps the previous
 * value of each series to turn COUNTER, DERIVE and ABSOLUTE into rates per second, drops values outside the
 * data source's bounds, and names them through the converters (names cached per series).
 *
 * <p>Single-threaded (the worker). Series live in a chained hash table keyed by the raw identity bytes, so a
 * known series is found without decoding Strings. The state is bounded by the listener's {@link CardinalityGuard}:
 * a new series is remembered only when the guard lets it in ({@code maxSeries}, {@code maxNewSeries} per
 * interval), else its values are dropped (counted by the guard) and it asks again with its next values; series
 * idle for {@code seriesTimeout} are removed by {@link #sweep}, which makes room again. A flood of invented
 * identities therefore costs neither memory nor the rate state of the series already known.
 */
final class Processor {

    private static final Logger LOG = LoggerFactory.getLogger(Processor.class);
    private static final DsType[] WIRE = {DsType.COUNTER, DsType.GAUGE, DsType.DERIVE, DsType.ABSOLUTE};
    private static final double CD_PER_SECOND = 1L << 30;

    private final TypesDb types;
    private final Converters converters;
    private final Stats stats;
    private final String prefix;
    private final boolean hostInName;
    private final boolean hostTag;
    private final boolean counterEqDerive;
    private final CardinalityGuard guard;
    /** whether {@link #release} let this processor's series go from the guard's count */
    private boolean released;
    private final long seriesTimeoutMillis;
    private final long maxTimeAheadMillis;
    private final RateLimitedLog errorLog = new RateLimitedLog(10_000, LOG::warn);
    private final RateLimitedLog converterLog = new RateLimitedLog(10_000, LOG::warn);
    private final RateLimitedLog valueLog = new RateLimitedLog(10_000, LOG::warn);
    private Series[] table = new Series[1024];
    private int size;
    private List<Sample> out;

    /** The identity of a series; the Strings are usually the decoder's cached instances. */
    record Key(String host, String plugin, String pluginInstance, String type, String typeInstance) {
    }

    /** One series: its type, cached names and the previous raw values for rates. */
    static final class Series implements CollectdValue {
        final Key key;
        final TypeSpec spec;
        /** the identity as it arrived: per field a 2-byte length and the bytes */
        final byte[] id;
        final int hash;
        Series next;
        String[] names;
        /** host=<host> with hostTag, else empty; set with the names */
        Tags tags = Tags.EMPTY;
        int generation = -1;
        final long[] previous;
        long previousTime;
        boolean primed;
        long lastSeen;
        int dsIndex;

        Series(Key key, TypeSpec spec, Decoder.Frame f, int hash) {
            this.key = key;
            this.spec = spec;
            this.previous = new long[spec.sources().length];
            this.hash = hash;
            int total = 0;
            for (int i = 0; i < Decoder.Frame.FIELDS; i++) {
                total += 2 + f.len[i];
            }
            byte[] b = new byte[total];
            int p = 0;
            for (int i = 0; i < Decoder.Frame.FIELDS; i++) {
                int n = f.len[i];
                b[p] = (byte) (n >> 8);
                b[p + 1] = (byte) n;
                if (n > 0) {
                    System.arraycopy(f.buf[i], f.off[i], b, p + 2, n);
                }
                p += 2 + n;
            }
            this.id = b;
        }

        boolean matches(Decoder.Frame f) {
            byte[] b = id;
            int p = 0;
            for (int i = 0; i < Decoder.Frame.FIELDS; i++) {
                int n = f.len[i];
                if (((b[p] & 0xff) << 8 | (b[p + 1] & 0xff)) != n
                        || (n > 0 && !Arrays.equals(b, p + 2, p + 2 + n, f.buf[i], f.off[i], f.off[i] + n))) {
                    return false;
                }
                p += 2 + n;
            }
            return true;
        }

        // CollectdValue for the converters, positioned on dsIndex
        @Override
        public String host() {
            return key.host;
        }

        @Override
        public String plugin() {
            return key.plugin;
        }

        @Override
        public String pluginInstance() {
            return key.pluginInstance;
        }

        @Override
        public String type() {
            return key.type;
        }

        @Override
        public String typeInstance() {
            return key.typeInstance;
        }

        @Override
        public String dsName() {
            return spec.sources()[dsIndex].name();
        }

        @Override
        public int dsIndex() {
            return dsIndex;
        }

        @Override
        public int dsCount() {
            return spec.sources().length;
        }

        @Override
        public DsType dsType() {
            return spec.sources()[dsIndex].type();
        }

        @Override
        public String toString() {
            return key.host + "/" + key.plugin + "-" + key.pluginInstance + "/" + key.type + "-" + key.typeInstance + "/" + dsName();
        }
    }

    /** @param guard the listener's, which outlives processors (a configuration change makes a new one) */
    Processor(TypesDb types, Converters converters, Stats stats, Settings s, CardinalityGuard guard) {
        this.types = types;
        this.converters = converters;
        this.stats = stats;
        this.prefix = s.prefix();
        // with the host as a tag, it is not in the name too (a naming processor may put it there, Bucky's way)
        this.hostInName = s.hostInName() && !s.hostTag();
        this.hostTag = s.hostTag();
        this.counterEqDerive = s.counterEqDerive();
        this.guard = guard;
        this.seriesTimeoutMillis = s.seriesTimeoutMillis();
        this.maxTimeAheadMillis = s.maxTimeAheadMillis();
    }

    /**
     * Takes over the series of a processor built from the same types.db files (a configuration change), so
     * that counters and derives go on with their rates; their names are derived again under the new settings.
     * Call only when neither processor's worker runs.
     */
    void adopt(Processor old) {
        table = old.table;
        size = old.size;
        if (old.released) {
            guard.adopted(size); // a failed change had let them go: they are held again
            old.released = false;
        }
        for (Series head : table) {
            for (Series x = head; x != null; x = x.next) {
                x.generation = -1;
            }
        }
        stats.set(Stat.SERIES, size);
    }

    /**
     * This processor's series leave with it (the next one reads other types.db files and starts empty): the guard
     * no longer counts them. Call only when its worker no longer runs.
     */
    void release() {
        if (!released) {
            guard.removed(size);
            released = true;
        }
    }

    /** Where samples go until the next call. */
    void output(List<Sample> out) {
        this.out = out;
    }

    int seriesCount() {
        return size;
    }

    private Series lastSeries;

    /** One values part: {@code n} kind bytes at {@code at}, then n 8-byte values. */
    void values(Decoder.Frame f, byte[] b, int at, int n) {
        stats.add(Stat.VALUES, n);
        Series s = lookup(f);
        if (s == null) {
            return;
        }
        TypeSpec spec = s.spec;
        DataSource[] ds = spec.sources();
        if (ds.length != n) {
            error(Stat.VALUE_COUNT, () -> LogText.of(s.key.type()) + " has " + ds.length + " data sources in types.db but " + n
                    + " values arrived from " + LogText.of(s.toString()));
            return;
        }
        for (int i = 0; i < n; i++) {
            DsType wire = WIRE[b[at + i]];
            if (wire != ds[i].type() && !(counterEqDerive && counterOrDerive(wire) && counterOrDerive(ds[i].type()))) {
                int idx = i;
                error(Stat.KIND_MISMATCH, () -> "value " + ds[idx].name() + " of " + LogText.of(s.toString()) + " arrived as " + wire
                        + " but types.db says " + ds[idx].type());
                return;
            }
        }
        long now = System.currentTimeMillis();
        long time = f.time != 0 ? f.time : fromMillis(now);
        long timestamp = toMillis(time);
        if (timestamp - now > maxTimeAheadMillis || time < 0) {
            // a broken clock: stored, such values would sit years ahead, and as a series' previous value they would
            // make every real one after them look stale until then
            stats.add(Stat.FUTURE, n);
            valueLog.log(() -> "collectd values of " + LogText.of(s.toString()) + " stamped " + (time < 0 ? "beyond the year 2242"
                    : (timestamp - now) / 1000 + " s ahead of this clock") + " dropped (maxTimeAhead " + maxTimeAheadMillis / 1000 + " s)");
            return;
        }
        s.lastSeen = now;
        boolean hadPrevious = s.primed;
        double dt = (time - s.previousTime) / CD_PER_SECOND;
        if (hadPrevious && dt <= 0 && needsPrevious(ds)) {
            stats.add(Stat.STALE, n);
            return; // repeated or out-of-order: keep the newer previous values
        }
        if (s.generation != converters.generation()) {
            name(s);
        }
        int valuesAt = at + n;
        for (int i = 0; i < n; i++) {
            int p = valuesAt + 8 * i;
            DataSource d = ds[i];
            double v;
            Kind kind;
            if (b[at + i] == 1) { // GAUGE: little-endian double
                v = (double) Decoder.F64_LE.get(b, p);
                kind = Kind.GAUGE;
            } else {
                long raw = (long) Decoder.I64_BE.get(b, p);
                long prev = s.previous[i];
                s.previous[i] = raw;
                if (!hadPrevious) {
                    continue; // the first value of a series only primes it
                }
                kind = Kind.RATE;
                v = switch (b[at + i]) {
                    case 0 -> unsigned(counterDelta(prev, raw)) / dt;
                    case 2 -> (double) (raw - prev) / dt;
                    default -> unsigned(raw) / dt;
                };
            }
            if (Double.isNaN(v)) {
                stats.inc(Stat.UNKNOWN_VALUES);
                continue;
            }
            if (Double.isInfinite(v)) {
                stats.inc(Stat.INFINITE);
                double inf = v;
                valueLog.log(() -> "collectd value " + inf + " of " + LogText.of(s.toString()) + " dropped: not a measurement");
                continue;
            }
            if (!d.inRange(v)) {
                stats.inc(Stat.OUT_OF_RANGE);
                continue;
            }
            String name = s.names[i];
            if (name == null) {
                stats.inc(Stat.IGNORED);
                continue;
            }
            out.add(new Sample(name, s.tags, v, timestamp, kind));
        }
        s.previousTime = time;
        s.primed = true;
    }

    private Series lookup(Decoder.Frame f) {
        int h = f.identityHash();
        Series s = lastSeries;
        if (s != null && s.hash == h && s.matches(f)) {
            return s;
        }
        s = table[h & (table.length - 1)];
        while (s != null && !(s.hash == h && s.matches(f))) {
            s = s.next;
        }
        if (s == null) {
            String type = f.type();
            TypeSpec spec = types.get(type);
            if (spec == null) {
                error(Stat.UNKNOWN_TYPE, () -> "type '" + LogText.of(type) + "' (plugin " + LogText.of(f.plugin()) + ") is not in types.db; add it with typesDb");
                return null;
            }
            if (guard.admit(identity(f, type)) != CardinalityGuard.Verdict.ADMIT) {
                return null;
            }
            s = new Series(new Key(f.host(), f.plugin(), f.pluginInstance(), type, f.typeInstance()), spec, f, h);
            insert(s);
        }
        lastSeries = s;
        return s;
    }

    private void insert(Series s) {
        if (size >= table.length * 3 / 4) {
            Series[] old = table;
            table = new Series[old.length * 2];
            for (Series head : old) {
                for (Series x = head; x != null; ) {
                    Series next = x.next;
                    int i = x.hash & (table.length - 1);
                    x.next = table[i];
                    table[i] = x;
                    x = next;
                }
            }
        }
        int i = s.hash & (table.length - 1);
        s.next = table[i];
        table[i] = s;
        size++;
        stats.set(Stat.SERIES, size);
    }

    /** A new series' identity for the guard's report: the host (dots made '_'), plugin, type, so prefixes are host and host.plugin. */
    private static String identity(Decoder.Frame f, String type) {
        return f.host().replace('.', '_') + "." + f.plugin() + "." + type;
    }

    /** Removes series not updated for seriesTimeout, and tells the guard. */
    void sweep(long nowMillis) {
        int before = size;
        for (int i = 0; i < table.length; i++) {
            Series prev = null;
            for (Series x = table[i]; x != null; x = x.next) {
                if (nowMillis - x.lastSeen > seriesTimeoutMillis) {
                    if (prev == null) {
                        table[i] = x.next;
                    } else {
                        prev.next = x.next;
                    }
                    size--;
                    stats.inc(Stat.SERIES_EVICTED);
                    if (lastSeries == x) {
                        lastSeries = null;
                    }
                } else {
                    prev = x;
                }
            }
        }
        stats.set(Stat.SERIES, size);
        guard.expired(before - size);
        guard.tick();
    }

    /** Names each data source through the converter for the plugin; null for a value the converter drops. */
    private void name(Series s) {
        int gen = converters.generation();
        CollectdConverter c = converters.forPlugin(s.key.plugin);
        String[] names = new String[s.spec.sources().length];
        for (int i = 0; i < names.length; i++) {
            s.dsIndex = i;
            List<String> parts;
            try {
                parts = c.convert(s);
            } catch (RuntimeException e) {
                converterLog.log(() -> "collectd converter " + c + " failed for " + LogText.of(s.toString()) + ": " + e);
                parts = null;
            }
            names[i] = parts == null ? null : join(s.key.host, parts);
        }
        s.names = names;
        s.tags = hostTag && !s.key.host.isEmpty() ? Tags.of("host", s.key.host) : Tags.EMPTY;
        s.generation = gen;
    }

    private String join(String host, List<String> parts) {
        StringBuilder b = new StringBuilder(64).append(prefix);
        if (hostInName && !host.isEmpty()) {
            append(b, host.replace('.', '_'));
        }
        int before = b.length();
        for (String p : parts) {
            if (p != null && !p.isEmpty()) {
                append(b, p);
            }
        }
        return b.length() == before ? null : b.toString();
    }

    /** Appends one component; whitespace becomes '_' so a component never splits a Graphite line. */
    private static void append(StringBuilder b, String part) {
        if (b.length() > 0) {
            b.append('.');
        }
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            b.append(Character.isWhitespace(c) ? '_' : c);
        }
    }

    private void error(Stat reason, java.util.function.Supplier<String> why) {
        stats.inc(Stat.BAD_INPUT);
        stats.inc(reason);
        errorLog.log(() -> "collectd protocol error: " + why.get());
    }

    private static boolean counterOrDerive(DsType t) {
        return t == DsType.COUNTER || t == DsType.DERIVE;
    }

    private static boolean needsPrevious(DataSource[] ds) {
        for (DataSource d : ds) {
            if (d.type() != DsType.GAUGE) {
                return true;
            }
        }
        return false;
    }

    /**
     * The increase of an unsigned COUNTER; when it went down it wrapped: at 2^32 if the old value fitted in
     * 32 bits, else at 2^64 (collectd's rule). The result is unsigned.
     */
    static long counterDelta(long prev, long now) {
        if (Long.compareUnsigned(now, prev) >= 0) {
            return now - prev;
        }
        if (Long.compareUnsigned(prev, 1L << 32) <= 0) {
            return now - prev + (1L << 32);
        }
        return now - prev; // modulo 2^64
    }

    static double unsigned(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }

    /** Epoch milliseconds to collectd time. */
    static long fromMillis(long ms) {
        return ((ms / 1000) << 30) + (((ms % 1000) << 30) / 1000);
    }

    /** collectd time (2^-30 s) to epoch milliseconds. */
    static long toMillis(long cd) {
        return (cd >>> 30) * 1000 + (((cd & ((1L << 30) - 1)) * 1000) >>> 30);
    }
}
