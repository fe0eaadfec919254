package lodestar.listener.statsd.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import lodestar.support.cardinality.CardinalityGuard;
import lodestar.support.log.RateLimitedLog;

/**
 * Parses StatsD lines straight from bytes and aggregates them with Etsy statsd's semantics (stats.js
 * {@code handlePacket}, helpers.js {@code is_valid_packet}). One per shard; only the shard's thread calls it,
 * so there is no locking. Allocates only when it meets a new key or a new set member.
 *
 * <p>A new key is created only when the listener's {@link CardinalityGuard} lets it in (the guard is shared by the
 * shards, so its limits hold for the listener); a refused key's value is dropped, or folded into this shard's
 * overflow key of its type ({@code <prefixStats>.overflow}, merged across shards by {@link Snapshot#overflow}).
 * A key that received nothing for {@code seriesTimeout} is forgotten at a flush, which tells the guard.
 */
final class Aggregator {

    private static final byte[] PACKETS = "packets_received".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] METRICS = "metrics_received".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BAD = "bad_lines_seen".getBytes(StandardCharsets.US_ASCII);

    private static final int COUNTER = 0;
    private static final int TIMER = 1;
    private static final int GAUGE = 2;
    private static final int SET = 3;

    private volatile Settings settings;
    private final RateLimitedLog badLog;
    private final CardinalityGuard guard;
    /** the key being parsed, as characters for the guard's report (no copy) */
    private final KeyChars keyChars = new KeyChars();
    /** this window's overflow keys by type, made at the first value folded into each */
    private final Metric[] overflow = new Metric[4];
    /** when the overflow gauge was last set, so the flush takes the latest of all shards */
    private long overflowGaugeAt;

    final MetricMap counters = new MetricMap();
    final MetricMap timers = new MetricMap();
    final MetricMap gauges = new MetricMap();
    final MetricMap sets = new MetricMap();
    long metricsReceived;
    long badLines;
    /** metrics and bad lines of the windows already handed over (for the running totals) */
    private long metricsBefore;
    private long badBefore;

    private byte[] key;
    private int keyLen;
    private boolean ws;

    Aggregator(Settings settings, RateLimitedLog badLog, CardinalityGuard guard) {
        this.settings = settings;
        this.badLog = badLog;
        this.guard = guard;
        this.key = new byte[settings.maxLineLength() + 8];
    }

    void settings(Settings s) {
        this.settings = s;
    }

    /** Lines separated by '\n' (a packet, or several packets joined by '\n'); empty lines are skipped. */
    void packet(byte[] b, int off, int len) {
        int end = off + len;
        int s = off;
        Settings st = settings;
        while (s < end) {
            if (b[s] == '\n') {
                s++;
                continue;
            }
            int e = simpleLine(st, b, s, end);
            if (e < 0) {
                int nl = Bytes.indexOf(b, s, end, (byte) '\n');
                e = nl < 0 ? end : nl;
                line(b, s, e);
            }
            s = e + 1;
        }
    }

    /**
     * The common line in one pass over the name: ASCII, no DogStatsD tags, no '|' in the name, not longer
     * than maxLineLength, a name that sanitizes to something. It sanitizes and hashes the name as it scans,
     * then checks the rest of the line before applying any value. Anything else returns -1 without having
     * changed any state, and {@link #line} (the general parser) takes the line; both give the same result.
     *
     * @return the end of the line (index of its '\n', or {@code end}), or -1
     */
    private int simpleLine(Settings st, byte[] b, int s, int end) {
        byte[] k = key;
        int lim = Math.min(end, s + Math.min(st.maxLineLength(), k.length - 8));
        int n = 0;
        int h = Bytes.HASH_SEED;
        boolean w = false;
        int i = s;
        for (;; i++) {
            if (i >= lim) {
                return -1;
            }
            byte c = b[i];
            if (c == ':') {
                break;
            }
            if (c == '\n' || c == '|' || c < 0) {
                return -1;
            }
            byte m = Bytes.SANITIZE[c];
            if (m == Bytes.DROP) {
                continue;
            }
            if (m == Bytes.WS) {
                if (w) {
                    continue;
                }
                m = '_';
                w = true;
            } else {
                w = false;
            }
            k[n++] = m;
            h = 31 * h + m;
        }
        if (n == 0 || k[0] == ';') {
            return -1;
        }
        int colon = i;
        int e = colon + 1;
        for (; e < end; e++) {
            byte c = b[e];
            if (c == '\n') {
                break;
            }
            if (c < 0 || (c == '|' && e + 1 < end && b[e + 1] == '#')) {
                return -1;
            }
        }
        if (e - s > st.maxLineLength()) {
            return -1;
        }
        metricsReceived++;
        keyLen = n;
        int hash = Bytes.mix(h);
        int p = colon + 1;
        while (true) {
            int q = Bytes.indexOf(b, p, e, (byte) ':');
            int fe = q < 0 ? e : q;
            value(st, b, s, e, p, fe, hash);
            if (q < 0) {
                return e;
            }
            p = q + 1;
        }
    }

    void line(byte[] b, int s, int e) {
        Settings st = settings;
        metricsReceived++;
        if (e - s > st.maxLineLength()) {
            bad(b, s, e, "longer than maxLineLength " + st.maxLineLength());
            return;
        }
        if (!Bytes.validUtf8(b, s, e)) {
            bad(b, s, e, "not UTF-8");
            return;
        }
        if (key.length < e - s + 8) {
            key = new byte[e - s + 8];
        }
        int tagMark = Bytes.indexOfTagMark(b, s, e);
        int vEnd = tagMark < 0 ? e : tagMark;
        int colon = Bytes.indexOf(b, s, vEnd, (byte) ':');
        if (colon < 0) {
            bad(b, s, e, "no ':' after the name");
            return;
        }
        keyLen = 0;
        ws = false;
        sanitize(b, s, colon, false);
        if (keyLen == 0 || key[0] == ';') {
            bad(b, s, e, "empty name");
            return;
        }
        if (st.dogstatsdTags() && tagMark >= 0) {
            int ts = tagMark + 2;
            int te = Bytes.indexOfTagMark(b, ts, e);
            if (te < 0) {
                te = e;
            }
            if (te > ts) {
                int p = ts;
                while (true) {
                    int c = Bytes.indexOf(b, p, te, (byte) ',');
                    int ce = c < 0 ? te : c;
                    key[keyLen++] = ';';
                    ws = false;
                    sanitize(b, p, ce, true);
                    if (c < 0) {
                        break;
                    }
                    p = c + 1;
                }
            }
        }
        int hash = Bytes.hash(key, 0, keyLen);
        int p = colon + 1;
        while (true) {
            int q = Bytes.indexOf(b, p, vEnd, (byte) ':');
            int fe = q < 0 ? vEnd : q;
            value(st, b, s, e, p, fe, hash);
            if (q < 0) {
                break;
            }
            p = q + 1;
        }
    }

    /** Appends Etsy's sanitized form of [from, to); for a tag, first ';' -> '_' and first ':' -> '=' before. */
    private void sanitize(byte[] b, int from, int to, boolean tag) {
        boolean semi = tag;
        boolean colon = tag;
        byte[] k = key;
        int n = keyLen;
        boolean w = ws;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (semi && c == ';') {
                c = '_';
                semi = false;
            } else if (colon && c == ':') {
                c = '=';
                colon = false;
            }
            byte m = Bytes.SANITIZE[c & 0xff];
            if (m == Bytes.DROP) {
                continue;
            }
            if (m == Bytes.WS) {
                if (!w) {
                    k[n++] = '_';
                    w = true;
                }
            } else {
                k[n++] = m;
                w = false;
            }
        }
        keyLen = n;
        ws = w;
    }

    private void value(Settings st, byte[] b, int ls, int le, int fs, int fe, int hash) {
        int p1 = Bytes.indexOf(b, fs, fe, (byte) '|');
        if (p1 < 0) {
            bad(b, ls, le, "missing type");
            return;
        }
        int p2 = Bytes.indexOf(b, p1 + 1, fe, (byte) '|');
        int te = p2 < 0 ? fe : p2;
        double rate = 1;
        if (p2 >= 0) {
            int p3 = Bytes.indexOf(b, p2 + 1, fe, (byte) '|');
            rate = Bytes.parseRate(b, p2 + 1, p3 < 0 ? fe : p3);
            if (Double.isNaN(rate)) {
                bad(b, ls, le, "bad sample rate");
                return;
            }
        }
        int ts = p1 + 1;
        while (ts < te && Bytes.isJsSpace(b[ts])) {
            ts++;
        }
        while (te > ts && Bytes.isJsSpace(b[te - 1])) {
            te--;
        }
        int tl = te - ts;
        byte t0 = tl > 0 ? b[ts] : 0;
        if (tl == 1 && t0 == 'c') {
            double v = Bytes.parseNumber(b, fs, p1);
            if (Double.isNaN(v)) {
                bad(b, ls, le, "bad number");
                return;
            }
            Metric m = find(counters, hash, COUNTER);
            if (m != null) {
                m.value += v * (1 / rate);
            }
        } else if ((tl == 2 && t0 == 'm' && b[ts + 1] == 's') || (tl == 1 && t0 == 'h')) {
            double v = Bytes.parseNumber(b, fs, p1);
            if (Double.isNaN(v) || v < 0) {
                bad(b, ls, le, Double.isNaN(v) ? "bad number" : "negative timer value");
                return;
            }
            Metric m = find(timers, hash, TIMER);
            if (m != null) {
                m.addTimerValue(v);
                m.count += 1 / rate;
            }
        } else if (tl == 1 && t0 == 'g') {
            double v = Bytes.parseNumber(b, fs, p1);
            if (Double.isNaN(v)) {
                bad(b, ls, le, "bad number");
                return;
            }
            Metric m = find(gauges, hash, GAUGE);
            if (m == null) {
                return;
            }
            if (b[fs] == '+' || b[fs] == '-') {
                m.value += v;
            } else {
                m.value = v;
            }
            m.ttl = st.gaugesMaxTTL();
            if (m == overflow[GAUGE]) {
                overflowGaugeAt = System.nanoTime();
            }
        } else if (tl == 1 && t0 == 's') {
            Metric m = find(sets, hash, SET);
            if (m == null) {
                return;
            }
            if (m.set == null) {
                m.set = new ByteSet();
            }
            if (p1 == fs) {
                m.set.add(ZERO, 0, 1);
            } else {
                m.set.add(b, fs, p1);
            }
        } else {
            bad(b, ls, le, tl == 0 ? "missing type" : "unknown type");
        }
    }

    private static final byte[] ZERO = {'0'};

    /**
     * The metric of the key just parsed, created if the guard lets it in; the overflow metric of the type when the
     * guard folds it; null when the guard drops it (counted there).
     */
    private Metric find(MetricMap map, int hash, int type) {
        Metric m = map.get(key, keyLen, hash);
        if (m == null) {
            CardinalityGuard.Verdict v = guard.admit(keyChars.of(key, keyLen));
            if (v == CardinalityGuard.Verdict.DROP) {
                return null;
            }
            if (v == CardinalityGuard.Verdict.FOLD) {
                m = overflow(type);
            } else {
                SeriesId id = SeriesId.of(key, keyLen);
                // the key right before its metric: a lookup's two reads tend to share cache lines
                byte[] k = Arrays.copyOf(key, keyLen);
                m = new Metric(k, hash, id);
                map.put(m);
            }
        }
        m.touched = true;
        return m;
    }

    private Metric overflow(int type) {
        Metric m = overflow[type];
        if (m == null) {
            byte[] k = (settings.prefixStats() + ".overflow").getBytes(StandardCharsets.US_ASCII);
            m = new Metric(k, Bytes.hash(k, 0, k.length), SeriesId.of(k, k.length));
            overflow[type] = m;
        }
        return m;
    }

    private void bad(byte[] b, int s, int e, String why) {
        badLines++;
        badLog.log(() -> "statsd: bad line '" + printable(b, s, e) + "': " + why);
    }

    private static String printable(byte[] b, int s, int e) {
        StringBuilder sb = new StringBuilder();
        for (int i = s; i < Math.min(e, s + 200); i++) {
            int c = b[i] & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                // not String.format: a Formatter per byte made a logged line of 200 bad bytes cost 150 KB (fuzzing found it)
                sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            }
        }
        if (e - s > 200) {
            sb.append("...(").append(e - s).append(" bytes)");
        }
        return sb.toString();
    }

    /**
     * Hands the window's aggregates over and resets them as Etsy does after a flush: counters to 0, timers
     * and sets emptied, gauges kept; or deleted per the delete options. Then forgets the keys that went
     * {@code seriesTimeout} without an update (this window's flush still has them): Etsy keeps an idle key
     * flushing its zero or last value forever, which a flood of invented names would make a permanent table.
     */
    Snapshot snapshot() {
        Settings st = settings;
        Snapshot sn = new Snapshot();
        int expired = 0;
        Metric[] a = new Metric[counters.size()];
        int n = counters.values(a);
        sn.counterIds = new SeriesId[n];
        sn.counterValues = new double[n];
        boolean idle = false;
        for (int i = 0; i < n; i++) {
            sn.counterIds[i] = a[i].id;
            sn.counterValues[i] = a[i].value;
            a[i].value = 0;
            idle |= aged(a[i], st);
        }
        if (st.deleteCounters()) {
            guard.removed(counters.retain(m -> contains(m.key, PACKETS) || contains(m.key, METRICS) || contains(m.key, BAD)));
        }
        expired += expire(counters, idle, st);
        a = new Metric[timers.size()];
        n = timers.values(a);
        sn.timerIds = new SeriesId[n];
        sn.timerValues = new double[n][];
        sn.timerCounts = new double[n];
        sn.timerKeys = new String[n];
        idle = false;
        for (int i = 0; i < n; i++) {
            Metric m = a[i];
            sn.timerIds[i] = m.id;
            sn.timerValues[i] = m.n == 0 ? EMPTY : Arrays.copyOf(m.values, m.n);
            sn.timerCounts[i] = m.count;
            sn.timerKeys[i] = st.histograms().isEmpty() ? null : new String(m.key, StandardCharsets.US_ASCII);
            if (m.values != null && m.values.length > 4096 && m.n < m.values.length / 4) {
                m.values = new double[Math.max(8, m.n)];
            }
            m.n = 0;
            m.count = 0;
            idle |= aged(m, st);
        }
        if (st.deleteTimers()) {
            guard.removed(timers.clear());
        }
        expired += expire(timers, idle, st);
        a = new Metric[gauges.size()];
        n = gauges.values(a);
        sn.gaugeIds = new SeriesId[n];
        sn.gaugeValues = new double[n];
        idle = false;
        for (int i = 0; i < n; i++) {
            sn.gaugeIds[i] = a[i].id;
            sn.gaugeValues[i] = a[i].value;
            idle |= aged(a[i], st);
        }
        if (st.deleteGauges()) {
            guard.removed(gauges.retain(m -> --m.ttl >= 1));
        }
        expired += expire(gauges, idle, st);
        a = new Metric[sets.size()];
        n = sets.values(a);
        sn.setIds = new SeriesId[n];
        sn.setSizes = new int[n];
        idle = false;
        for (int i = 0; i < n; i++) {
            sn.setIds[i] = a[i].id;
            sn.setSizes[i] = a[i].set == null ? 0 : a[i].set.size();
            if (a[i].set != null) {
                a[i].set.clear();
            }
            idle |= aged(a[i], st);
        }
        if (st.deleteSets()) {
            guard.removed(sets.clear());
        }
        expired += expire(sets, idle, st);
        guard.expired(expired);
        foldedInto(sn);
        sn.metricsReceived = metricsReceived;
        sn.badLines = badLines;
        metricsBefore += metricsReceived;
        badBefore += badLines;
        metricsReceived = 0;
        badLines = 0;
        return sn;
    }

    /** One more window of {@code m}'s life: whether it has now gone {@code seriesTimeout} without an update. */
    private static boolean aged(Metric m, Settings st) {
        m.idleMillis = m.touched ? 0 : m.idleMillis + st.flushMillis();
        m.touched = false;
        return st.seriesTimeoutMillis() > 0 && m.idleMillis >= st.seriesTimeoutMillis();
    }

    /** Removes the metrics {@link #aged} found expired, when it found any; returns how many went. */
    private static int expire(MetricMap map, boolean any, Settings st) {
        long timeout = st.seriesTimeoutMillis();
        return any ? map.retain(m -> m.idleMillis < timeout) : 0;
    }

    /** Hands over what was folded into the overflow keys in this window; they start afresh with the next fold. */
    private void foldedInto(Snapshot sn) {
        for (int type = 0; type < overflow.length; type++) {
            Metric m = overflow[type];
            if (m == null) {
                continue;
            }
            sn.overflowId = m.id;
            switch (type) {
                case COUNTER -> sn.overflowCounter = m.value;
                case TIMER -> {
                    sn.overflowTimerValues = m.n == 0 ? EMPTY : Arrays.copyOf(m.values, m.n);
                    sn.overflowTimerCount = m.count;
                }
                case GAUGE -> {
                    sn.overflowGauge = m.value;
                    sn.overflowGaugeAt = overflowGaugeAt;
                }
                default -> sn.overflowSetSize = m.set == null ? 0 : m.set.size();
            }
        }
        sn.foldedCounter = overflow[COUNTER] != null;
        sn.foldedGauge = overflow[GAUGE] != null;
        Arrays.fill(overflow, null);
    }

    /** Lines (metrics) seen since this aggregator was created. */
    long metricsTotal() {
        return metricsBefore + metricsReceived;
    }

    /** Bad lines seen since this aggregator was created. */
    long badTotal() {
        return badBefore + badLines;
    }

    private static final double[] EMPTY = new double[0];

    /** Bytes of an ASCII key seen as characters, without copying; reused for every new key of the shard. */
    private static final class KeyChars implements CharSequence {
        private byte[] b;
        private int len;

        KeyChars of(byte[] bytes, int length) {
            b = bytes;
            len = length;
            return this;
        }

        @Override
        public int length() {
            return len;
        }

        @Override
        public char charAt(int i) {
            return (char) (b[i] & 0xff);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return new String(b, 0, len, StandardCharsets.ISO_8859_1);
        }
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
