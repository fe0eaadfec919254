package lodestar.support.cardinality;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The gate in front of a table of series (a listener's aggregates, the store's series): every series the table
 * is about to create asks {@link #admit} first, and is refused when the table holds {@code maxSeries} already or
 * {@code maxNewSeries} were let in during the current {@code newSeriesInterval}. A refused series is not created;
 * its value is dropped or folded into the table's overflow series ({@link Overflow}), and it asks again with its
 * next value, so the table takes it once there is room. The table tells the guard when series leave it
 * ({@link #expired} for idle ones it ages out, {@link #removed} for deleted ones), which is how a table filled by
 * a flood recovers.
 *
 * <p>What the operator sees: the counters {@value #SERIES} (held now, a gauge), {@value #SERIES_CREATED},
 * {@value #SERIES_REFUSED} (values of new series refused; a refused series that keeps sending counts each time)
 * and {@value #SERIES_EXPIRED}; {@link #tripping()} while anything was refused in the last minute, for the
 * component's status ({@code degraded}, detail {@value #DETAIL}); and a log line at the first refusal, then at most
 * once a minute while refusals go on, with how many were refused, which limit refused them and the name prefixes
 * that brought the most new series, then one line when a minute passes without any.
 *
 * <p>Thread-safe: admissions are serialised, which costs nothing while names are known and bounds a flood of
 * new names to one lock per line. Keeps no reference to the names it sees beyond {@link PrefixTally}'s slots.
 */
public final class CardinalityGuard {

    public static final String SERIES = "series";
    public static final String SERIES_CREATED = "series_created";
    public static final String SERIES_REFUSED = "series_refused";
    public static final String SERIES_EXPIRED = "series_expired";
    /** The status detail while the guard trips. */
    public static final String DETAIL = "cardinality-limit";
    /** How long the guard trips after a refusal, and the period of its log line. */
    public static final long REPORT_MILLIS = 60_000;

    /** What the table does with the series that asked. */
    public enum Verdict {
        /** create it */
        ADMIT,
        /** do not create it; drop its value */
        DROP,
        /** do not create it; put its value into the overflow series */
        FOLD
    }

    private final String owner;
    private final LongSupplier clock;
    private final Consumer<String> log;
    private final PrefixTally tally = new PrefixTally();
    private volatile CardinalityLimits limits;

    private volatile int series;
    private volatile long created;
    private volatile long refused;
    private volatile long expired;
    private volatile long lastRefusal = Long.MIN_VALUE;

    private long windowStart = Long.MIN_VALUE;
    private int newInWindow;
    /** start of the period the next report covers */
    private long periodStart = Long.MIN_VALUE;
    private long periodRefusedFull;
    private long periodRefusedRate;
    private boolean reportedRefusals;

    /**
     * @param owner the component's name, first word of its log lines ({@code statsd-edge}, {@code store})
     * @param clock epoch milliseconds (tests pass their own)
     * @param log   where the reports go, typically {@code logger::warn}
     */
    public CardinalityGuard(String owner, CardinalityLimits limits, LongSupplier clock, Consumer<String> log) {
        this.owner = owner;
        this.limits = limits;
        this.clock = clock;
        this.log = log;
    }

    public CardinalityGuard(String owner, CardinalityLimits limits, Consumer<String> log) {
        this(owner, limits, System::currentTimeMillis, log);
    }

    public CardinalityLimits limits() {
        return limits;
    }

    /**
     * New limits, for what asks from now on. Series already held stay, also beyond a lower {@code maxSeries}:
     * they leave as they go idle.
     */
    public void limits(CardinalityLimits l) {
        limits = l;
    }

    /**
     * A series the table does not hold asks to be created; {@code name} is its name, for the report's prefixes
     * (read only during the call). {@link Verdict#ADMIT} counts it as held from now on.
     */
    public synchronized Verdict admit(CharSequence name) {
        long now = clock.getAsLong();
        CardinalityLimits l = limits;
        if (windowStart == Long.MIN_VALUE || now - windowStart >= l.newSeriesIntervalMillis() || now < windowStart) {
            windowStart = now;
            newInWindow = 0;
        }
        tally.add(name);
        boolean full = series >= l.maxSeries();
        if (full || (l.maxNewSeries() > 0 && newInWindow >= l.maxNewSeries())) {
            refused++;
            lastRefusal = now;
            if (full) {
                periodRefusedFull++;
            } else {
                periodRefusedRate++;
            }
            report(now);
            return l.overflow() == Overflow.FOLD ? Verdict.FOLD : Verdict.DROP;
        }
        newInWindow++;
        series++;
        created++;
        return Verdict.ADMIT;
    }

    /** Series that were there without asking (restored from a snapshot, taken over from a previous table). */
    public synchronized void adopted(int n) {
        series += n;
    }

    /** Idle series the table aged out: they no longer count, and show in {@value #SERIES_EXPIRED}. */
    public synchronized void expired(int n) {
        if (n > 0) {
            series = Math.max(0, series - n);
            expired += n;
        }
    }

    /** Series the table deleted on request (a delete command, a cleared table, eviction for memory). */
    public synchronized void removed(int n) {
        if (n > 0) {
            series = Math.max(0, series - n);
        }
    }

    /** Series held now. */
    public int series() {
        return series;
    }

    public long created() {
        return created;
    }

    public long refused() {
        return refused;
    }

    public long expired() {
        return expired;
    }

    /** Whether a new series was refused in the last {@link #REPORT_MILLIS}. */
    public boolean tripping() {
        long last = lastRefusal;
        return last != Long.MIN_VALUE && clock.getAsLong() - last < REPORT_MILLIS;
    }

    /**
     * For a status: {@value #SERIES} as a gauge, then {@value #SERIES_CREATED}, {@value #SERIES_REFUSED} and
     * {@value #SERIES_EXPIRED} as running totals.
     */
    public void counters(BiConsumer<String, Long> gauge, BiConsumer<String, Long> counter) {
        gauge.accept(SERIES, (long) series);
        counter.accept(SERIES_CREATED, created);
        counter.accept(SERIES_REFUSED, refused);
        counter.accept(SERIES_EXPIRED, expired);
    }

    /**
     * Call now and then (each flush or sweep): writes the minute's report when one is due, also when no new series
     * asked since the last refusal.
     */
    public synchronized void tick() {
        report(clock.getAsLong());
    }

    /**
     * The first refusal after a quiet spell is reported at once; then the tally of each {@link #REPORT_MILLIS} while
     * refusals go on; then one line once a period passed without any.
     */
    private void report(long now) {
        long full = periodRefusedFull;
        long rate = periodRefusedRate;
        boolean onset = !reportedRefusals && full + rate > 0;
        boolean due = periodStart == Long.MIN_VALUE || now - periodStart >= REPORT_MILLIS || now < periodStart;
        if (!onset && !due) {
            return;
        }
        String since = onset || periodStart == Long.MIN_VALUE ? "" : " in the last " + Math.max(0, now - periodStart) / 1000 + " s";
        if (full + rate > 0) {
            CardinalityLimits l = limits;
            log.accept(owner + ": cardinality limit reached: " + (full + rate) + " new series refused" + since + " ("
                    + full + " at the series limit, " + rate + " over the new-series rate), "
                    + (l.overflow() == Overflow.FOLD ? "their values folded into the overflow series" : "their values dropped")
                    + "; " + series + " series held; limits: " + l.describe() + "; top new-series prefixes: " + tally.top(5));
            reportedRefusals = true;
        } else if (reportedRefusals) {
            log.accept(owner + ": cardinality limit: no new series refused" + since + "; " + series + " series held");
            reportedRefusals = false;
        }
        periodStart = now;
        periodRefusedFull = 0;
        periodRefusedRate = 0;
        tally.clear();
    }
}
