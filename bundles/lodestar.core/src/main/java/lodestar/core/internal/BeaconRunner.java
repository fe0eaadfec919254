package lodestar.core.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Beacon;
import lodestar.api.ComponentStatus;
import lodestar.api.State;
import lodestar.api.Emitter;
import lodestar.api.Sample;
import lodestar.support.log.RateLimitedLog;

/**
 * One scheduled {@link Beacon}: runs it, hands what it emitted downstream as one batch, and keeps the
 * counts (runs, errors, overruns, samples, duration) the operator sees. A run never overlaps the
 * previous one: a turn that comes while the beacon still runs is skipped and counted as an overrun.
 */
final class BeaconRunner {

    private static final Logger LOG = LoggerFactory.getLogger(BeaconRunner.class);

    private final String name;
    private final Beacon beacon;
    private final long intervalMillis;
    private final boolean enabled;
    private final ReentrantLock running = new ReentrantLock();
    private final RateLimitedLog failureLog = new RateLimitedLog(60_000, LOG::warn);
    private final RateLimitedLog overrunLog = new RateLimitedLog(60_000, LOG::warn);

    private final LongAdder runs = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder overruns = new LongAdder();
    private final LongAdder samples = new LongAdder();
    private volatile long lastDurationMillis;
    private volatile String lastError;
    private volatile ScheduledFuture<?> future;

    BeaconRunner(String name, Beacon beacon, long intervalMillis, boolean enabled) {
        this.name = name;
        this.beacon = beacon;
        this.intervalMillis = intervalMillis;
        this.enabled = enabled;
    }

    String name() {
        return name;
    }

    Beacon beacon() {
        return beacon;
    }

    long intervalMillis() {
        return intervalMillis;
    }

    boolean enabled() {
        return enabled;
    }

    void scheduled(ScheduledFuture<?> f) {
        this.future = f;
    }

    void cancel() {
        ScheduledFuture<?> f = future;
        if (f != null) {
            f.cancel(false);
        }
    }

    /** A turn that could not run because the previous one is still going (or no worker was free). */
    void countOverrun() {
        overruns.increment();
        overrunLog.log(() -> "beacon " + name + " is still running after its interval of " + intervalMillis
                + " ms; skipped a turn (lengthen its interval, or find what it waits for)");
    }

    /** A scheduled turn: runs unless a run is in progress, never throws. */
    void runScheduled(Consumer<List<Sample>> downstream) {
        if (!running.tryLock()) {
            countOverrun();
            return;
        }
        try {
            collect(downstream);
        } catch (Throwable t) {
            // counted and logged in collect(); a scheduled turn must not throw
        } finally {
            running.unlock();
        }
    }

    /** Runs now on the caller's thread, waiting for a run in progress to finish first. */
    List<Sample> runNow(Consumer<List<Sample>> downstream) throws Exception {
        if (!running.tryLock(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("beacon " + name + " has been busy for 30 s");
        }
        try {
            return collect(downstream);
        } finally {
            running.unlock();
        }
    }

    private List<Sample> collect(Consumer<List<Sample>> downstream) throws Exception {
        List<Sample> out = new ArrayList<>();
        Emitter collector = out::add;
        long t0 = System.nanoTime();
        try {
            beacon.collect(collector);
            return out;
        } catch (Exception | LinkageError e) {
            errors.increment();
            lastError = e.toString();
            failureLog.log(() -> "beacon " + name + " failed: " + e + " (" + out.size() + " samples before the failure kept)");
            throw e;
        } finally {
            runs.increment();
            lastDurationMillis = (System.nanoTime() - t0) / 1_000_000;
            samples.add(out.size());
            if (!out.isEmpty()) {
                downstream.accept(out);
            }
        }
    }

    ComponentStatus status() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("interval_ms", intervalMillis);
        c.put("runs", runs.sum());
        c.put("samples", samples.sum());
        c.put("errors", errors.sum());
        c.put("overruns", overruns.sum());
        c.put("duration_ms", lastDurationMillis);
        State state = enabled ? State.OK : State.STOPPED;
        String detail = !enabled ? "disabled" : running.isLocked() ? "running" : "ok";
        return new ComponentStatus("beacon", name, state, detail, c, lastError);
    }

    long runs() {
        return runs.sum();
    }

    long errors() {
        return errors.sum();
    }

    long overruns() {
        return overruns.sum();
    }

    long samples() {
        return samples.sum();
    }

    long lastDurationMillis() {
        return lastDurationMillis;
    }
}
