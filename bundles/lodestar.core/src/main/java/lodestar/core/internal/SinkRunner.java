package lodestar.core.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.ComponentStatus;
import lodestar.api.Sample;
import lodestar.api.Sink;
import lodestar.api.State;
import lodestar.support.log.RateLimitedLog;
import lodestar.support.retry.Backoff;

/**
 * Everything between the pipeline and one {@link Sink}: the operator's filters, a bounded buffer, batching
 * by size and flush interval, one writer thread, retries of the same batch with exponential backoff while the
 * backend is down, a bounded final flush when the sink or the platform goes away, and the counters behind the
 * sink's status and self-metrics. Sinks therefore only encode and send.
 *
 * <p>The writer runs one loop over a {@link Backlog}: take the oldest batch, write it, tell the backlog how
 * it went, back off after a failure. Whether failed batches wait in memory or on disk is the backlog's
 * business ({@link MemoryBacklog}, {@link DiskBacklog}), not the loop's.
 */
final class SinkRunner {

    private static final Logger LOG = LoggerFactory.getLogger(SinkRunner.class);
    private static final long IDLE_WAKE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final String name;
    private final Sink sink;
    private final SampleBuffer buffer;
    private final Settlements settlements;
    private final Backlog backlog;
    private final Thread writer;
    private final RateLimitedLog failureLog = new RateLimitedLog(10_000, LOG::warn);

    private volatile Backoff backoff;
    private volatile RunnerSettings settings;
    private volatile boolean stopping;
    private volatile long stopDeadline;
    private volatile State state = State.OK;
    /** why the state is what it is: ok, backoff, stopped */
    private volatile String detail = "ok";
    private volatile String lastError;

    private final LongAdder accepted = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final LongAdder writeNanos = new LongAdder();

    SinkRunner(String name, Sink sink, RunnerSettings settings) {
        this(name, sink, settings, null);
    }

    /**
     * @param spoolDir where this sink's disk buffer lives; null, or {@code bufferDisk=0}, for memory only
     */
    SinkRunner(String name, Sink sink, RunnerSettings settings, Path spoolDir) {
        this.name = name;
        this.sink = sink;
        this.settings = settings;
        this.settlements = new Settlements(name);
        this.buffer = new SampleBuffer(settings.capacity(), settlements::dropped);
        this.backoff = new Backoff(settings.retryInitialMillis(), settings.retryMaxMillis(), settings.retryFactor());
        this.backlog = backlog(spoolDir);
        this.writer = new Thread(this::run, "lodestar-sink-" + name);
        this.writer.setDaemon(true);
    }

    private Backlog backlog(Path spoolDir) {
        if (spoolDir != null && settings.bufferDiskBytes() > 0) {
            try {
                Spool spool = new Spool(spoolDir, settings.bufferDiskBytes());
                return new DiskBacklog(buffer, spool, () -> settings.batchSize(), (why, lost) -> {
                    dropped.add(lost);
                    settlements.suspectLossUpTo(buffer.lastTakenSeq());
                    failureLog.log(() -> "sink " + name + ": " + why);
                });
            } catch (IOException | RuntimeException e) {
                LOG.error("sink {}: no disk buffer at {} ({}); buffering in memory only", name, spoolDir, e.toString());
            }
        }
        return new MemoryBacklog(buffer);
    }

    void start() {
        writer.start();
    }

    String name() {
        return name;
    }

    Sink sink() {
        return sink;
    }

    /** Buffers those of {@code samples} this sink wants. Never blocks on the backend. */
    void offer(List<Sample> samples) {
        List<Sample> wanted = wanted(samples);
        if (wanted.isEmpty()) {
            return;
        }
        accepted.add(wanted.size());
        countDrops(buffer.offer(wanted));
    }

    /** Whether {@code n} more samples fit in the memory buffer without dropping older ones. */
    boolean hasRoom(int n) {
        return buffer.free() >= n;
    }

    /**
     * Buffers those of {@code samples} this sink wants, and tells when they are written or on disk: see
     * {@link lodestar.api.Pipeline#offerAll}.
     */
    CompletableFuture<Void> offerTracked(List<Sample> samples) {
        List<Sample> wanted = wanted(samples);
        if (wanted.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        accepted.add(wanted.size());
        int n = wanted.size();
        @SuppressWarnings("unchecked")
        CompletableFuture<Void>[] ticket = new CompletableFuture[1];
        countDrops(buffer.offer(wanted, first -> ticket[0] = settlements.register(first, first + n - 1)));
        return ticket[0];
    }

    private void countDrops(int lost) {
        if (lost > 0) {
            dropped.add(lost);
            failureLog.log(() -> "sink " + name + ": buffer full (" + settings.capacity()
                    + " samples, bufferMemory " + settings.bufferBytes() + "B), dropped the " + lost + " oldest");
        }
    }

    private List<Sample> wanted(List<Sample> samples) {
        RunnerSettings s = settings;
        List<Sample> wanted = samples;
        boolean copy = false;
        for (int i = 0, n = samples.size(); i < n; i++) {
            Sample sample = samples.get(i);
            boolean ok = s.wants(sample) && acceptsSafely(sample);
            if (!ok && !copy) {
                wanted = new ArrayList<>(samples.subList(0, i));
                copy = true;
            } else if (ok && copy) {
                wanted.add(sample);
            }
        }
        return wanted;
    }

    private boolean acceptsSafely(Sample sample) {
        try {
            return sink.accepts(sample);
        } catch (RuntimeException e) {
            failureLog.log(() -> "sink " + name + ": accepts() threw " + e + "; sample kept");
            return true;
        }
    }

    void update(RunnerSettings newSettings) {
        settings = newSettings;
        // the writer thread picks this up at its next failure; a new object, so no lock is needed
        backoff = new Backoff(newSettings.retryInitialMillis(), newSettings.retryMaxMillis(), newSettings.retryFactor());
        int lost = buffer.resize(newSettings.capacity());
        if (lost > 0) {
            dropped.add(lost);
            LOG.warn("sink {}: smaller bufferMemory, dropped the {} oldest buffered samples", name, lost);
        }
        buffer.wakeUp();
    }

    /**
     * Stops taking new work, writes what is waiting until {@code timeoutMillis} passes (retrying as usual),
     * then keeps on disk or counts and logs whatever could not be delivered. Returns when the writer has ended.
     */
    void stop(long timeoutMillis) {
        stopDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        stopping = true;
        buffer.wakeUp();
        LockSupport.unpark(writer);
        try {
            writer.join(timeoutMillis + 2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.warn("sink {}: writer still busy after {} ms; leaving it behind", name, timeoutMillis);
            writer.interrupt();
        }
    }

    private void run() {
        try {
            while (!stopping) {
                RunnerSettings s = settings;
                List<Sample> batch = backlog.next(s.batchSize(), TimeUnit.MILLISECONDS.toNanos(s.flushIntervalMillis()),
                        IDLE_WAKE_NANOS);
                if (!batch.isEmpty()) {
                    attempt(batch, Long.MAX_VALUE);
                }
            }
            finalFlush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            LOG.error("sink {}: writer thread failed", name, t);
        } finally {
            long lost = backlog.abandon();
            if (lost == 0) {
                settleTaken();
            }
            settlements.close(lost > 0);
            if (lost > 0) {
                dropped.add(lost);
                LOG.warn("sink {}: stopped with {} samples undelivered (backend unavailable: {})", name, lost, lastError);
            } else if (backlog.spooled() > 0) {
                LOG.warn("sink {}: {} samples kept on disk for the next start (backend unavailable: {})", name,
                        backlog.spooled(), lastError);
            }
            state = State.STOPPED;
            detail = "stopped";
        }
    }

    /** At shutdown: what can be delivered before the deadline is; the backlog keeps or loses the rest. */
    /**
     * Writes what is left until the stop deadline. With a disk buffer, the first failed write ends it: what is left
     * is on disk for the next start, and retrying a backend that is down until the deadline only held up whoever
     * stopped the sink (a configuration deleted in the console waited the whole shutdownTimeout, and so did every
     * Configuration Admin event queued behind it).
     */
    private void finalFlush() throws IOException {
        while (System.nanoTime() - stopDeadline < 0) {
            List<Sample> batch = backlog.nextNow(settings.batchSize());
            if (batch.isEmpty()) {
                return;
            }
            if (!attempt(batch, stopDeadline) && backlog instanceof DiskBacklog) {
                return;
            }
        }
    }

    /**
     * One write of the backlog's oldest batch; after a failure, the backoff (cut short at {@code deadline}, skipped
     * when stopping with a disk buffer).
     *
     * @return whether the batch was written
     */
    private boolean attempt(List<Sample> batch, long deadline) throws IOException {
        if (writeOnce(batch)) {
            backlog.delivered(batch);
            settleTaken();
            if (backlog instanceof DiskBacklog d && d.drained()) {
                LOG.info("sink {}: disk backlog delivered", name);
            }
            return true;
        }
        backlog.failed(batch);
        settleTaken();
        if (!(stopping && backlog instanceof DiskBacklog)) {
            pause(backoff.next(), deadline);
        }
        return false;
    }

    /**
     * Everything taken out of the memory buffer is written or on disk, unless the backlog still holds a failed
     * batch in memory: then nothing new is settled until it is delivered.
     */
    private void settleTaken() {
        if (!backlog.holdsUnsettled()) {
            settlements.settledUpTo(buffer.lastTakenSeq());
        }
    }

    /**
     * Waits before the next attempt, waking early when stopping (or at {@code deadline}), and meanwhile lets
     * the backlog move arriving samples to disk so a crash during an outage loses at most a flush interval.
     */
    private void pause(long delayMillis, long deadline) {
        long wakeAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
        if (deadline - wakeAt < 0) {
            wakeAt = deadline;
        }
        long slice = TimeUnit.MILLISECONDS.toNanos(Math.max(10, settings.flushIntervalMillis()));
        boolean stoppingAtStart = stopping;
        while (System.nanoTime() - wakeAt < 0 && (stoppingAtStart || !stopping)) {
            LockSupport.parkNanos(Math.min(slice, wakeAt - System.nanoTime()));
            backlog.whileWaiting();
            settleTaken();
        }
    }

    /** One attempt at writing a batch: counts the outcome, never throws. */
    private boolean writeOnce(List<Sample> batch) {
        long t0 = System.nanoTime();
        try {
            sink.write(Collections.unmodifiableList(batch));
            long took = System.nanoTime() - t0;
            writes.increment();
            writeNanos.add(took);
            written.add(batch.size());
            if (state != State.OK) {
                LOG.info("sink {}: delivering again", name);
            }
            state = State.OK;
            detail = "ok";
            backoff.reset();
            return true;
        } catch (Exception | LinkageError | AssertionError e) {
            errors.increment();
            retries.increment();
            lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            // failed, not degraded: nothing reaches the backend until it answers again (the samples wait)
            state = State.FAILED;
            detail = "backoff";
            failureLog.log(() -> "sink " + name + ": write of " + batch.size() + " samples failed (" + lastError
                    + "); keeping them " + backlog.where() + " and retrying");
            return false;
        }
    }

    ComponentStatus status() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("queued", (long) buffer.size());
        c.put("spooled", backlog.spooled());
        c.put("accepted", accepted.sum());
        c.put("written", written.sum());
        c.put("dropped", dropped());
        c.put("errors", errors.sum());
        c.put("retries", retries.sum());
        long w = writes.sum();
        c.put("latency_us", w == 0 ? 0 : writeNanos.sum() / w / 1000);
        return new ComponentStatus("sink", name, state, detail, c, Set.of("queued", "spooled", "latency_us"), lastError);
    }

    /** Counters for self-metrics, cumulative except {@code queued}. */
    long queued() {
        return buffer.size();
    }

    long written() {
        return written.sum();
    }

    long dropped() {
        return dropped.sum() + backlog.spoolDropped();
    }

    /** Samples waiting in the disk buffer. */
    long spooled() {
        return backlog.spooled();
    }

    long errors() {
        return errors.sum();
    }

    long retries() {
        return retries.sum();
    }

    long writes() {
        return writes.sum();
    }

    long writeNanos() {
        return writeNanos.sum();
    }
}
