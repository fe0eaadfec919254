package lodestar.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.ComponentStatus;
import lodestar.api.Sample;
import lodestar.api.State;
import lodestar.api.Sink;
import lodestar.support.log.RateLimitedLog;

/**
 * Everything between the pipeline and one {@link Sink}: a bounded buffer, batching by size and flush
 * interval, one writer thread, retries of the same batch with exponential backoff while the backend
 * is down, a bounded final flush when the sink or the platform goes away, and the counters behind the
 * sink's self-metrics. Sinks therefore only encode and send.
 */
final class SinkRunner {

    private static final Logger LOG = LoggerFactory.getLogger(SinkRunner.class);
    private static final long IDLE_WAKE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final String name;
    private final Sink sink;
    private final SampleBuffer buffer;
    private final Thread writer;
    private final RateLimitedLog failureLog = new RateLimitedLog(10_000, LOG::warn);

    private final Spool spool;
    private volatile long spooledSamples;
    private volatile long spoolDropped;
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
    SinkRunner(String name, Sink sink, RunnerSettings settings, java.nio.file.Path spoolDir) {
        this.name = name;
        this.sink = sink;
        this.settings = settings;
        this.buffer = new SampleBuffer(settings.capacity());
        this.backoff = new Backoff(settings.retryInitialMillis(), settings.retryMaxMillis(), settings.retryFactor());
        Spool sp = null;
        if (spoolDir != null && settings.bufferDiskBytes() > 0) {
            try {
                sp = new Spool(spoolDir, settings.bufferDiskBytes());
                spooledSamples = sp.samples();
            } catch (java.io.IOException | RuntimeException e) {
                LOG.error("sink {}: no disk buffer at {} ({}); buffering in memory only", name, spoolDir, e.toString());
            }
        }
        this.spool = sp;
        this.writer = new Thread(this::run, "lodestar-sink-" + name);
        this.writer.setDaemon(true);
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
        if (wanted.isEmpty()) {
            return;
        }
        accepted.add(wanted.size());
        int lost = buffer.offer(wanted);
        if (lost > 0) {
            dropped.add(lost);
            failureLog.log(() -> "sink " + name + ": buffer full (" + settings.capacity()
                    + " samples, bufferMemory " + settings.bufferBytes() + "B), dropped the " + lost + " oldest");
        }
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
     * Stops taking new work, writes what is buffered until {@code timeoutMillis} passes (retrying as
     * usual), then counts and logs whatever could not be delivered. Returns when the writer has ended.
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
                if (spool != null && !spool.isEmpty()) {
                    replayOldestSpooled();
                    continue;
                }
                RunnerSettings s = settings;
                List<Sample> batch = buffer.take(s.batchSize(), TimeUnit.MILLISECONDS.toNanos(s.flushIntervalMillis()),
                        IDLE_WAKE_NANOS);
                if (batch.isEmpty()) {
                    continue;
                }
                if (spool == null) {
                    deliver(batch);
                } else if (!writeOnce(batch)) {
                    // the backend is away: from now on everything goes through the disk, oldest first
                    spool(batch);
                    spoolMemory();
                    pause(backoff.nextDelay());
                }
            }
            finalFlush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            LOG.error("sink {}: writer thread failed", name, t);
        } finally {
            int left = buffer.poll(Integer.MAX_VALUE).size();
            if (left > 0) {
                dropped.add(left);
                LOG.warn("sink {}: stopped with {} samples undelivered (backend unavailable: {})", name, left, lastError);
            }
            state = State.STOPPED;
            detail = "stopped";
        }
    }

    /** One step of replaying the disk backlog: newer samples join it first, so the order holds. */
    private void replayOldestSpooled() throws java.io.IOException {
        spoolMemory();
        List<Sample> batch = spool.peek();
        if (batch == null) {
            return;
        }
        if (writeOnce(batch)) {
            spool.ack(batch.size());
            spooledSamples = spool.samples();
            if (spool.isEmpty()) {
                LOG.info("sink {}: disk backlog delivered", name);
            }
        } else {
            pause(backoff.nextDelay());
        }
    }

    /** Moves what waits in memory to the end of the disk backlog, in batches. */
    private void spoolMemory() {
        while (true) {
            List<Sample> b = buffer.poll(settings.batchSize());
            if (b.isEmpty()) {
                return;
            }
            spool(b);
        }
    }

    private void spool(List<Sample> batch) {
        try {
            spool.append(batch);
        } catch (java.io.IOException | RuntimeException e) {
            dropped.add(batch.size());
            failureLog.log(() -> "sink " + name + ": could not write " + batch.size() + " samples to the disk buffer: " + e);
        }
        spooledSamples = spool.samples();
        spoolDropped = spool.dropped();
    }

    /**
     * Waits before the next attempt, waking early when stopping, and meanwhile keeps moving arriving
     * samples to disk so a crash during an outage loses at most one flush interval of them.
     */
    private void pause(long delayMillis) {
        long wakeAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
        long slice = TimeUnit.MILLISECONDS.toNanos(Math.max(10, settings.flushIntervalMillis()));
        while (!stopping && System.nanoTime() - wakeAt < 0) {
            LockSupport.parkNanos(Math.min(slice, wakeAt - System.nanoTime()));
            if (spool != null) {
                spoolMemory();
            }
        }
    }

    /**
     * At shutdown: deliver what can be delivered before the deadline; with a disk buffer, keep the rest
     * there for the next start instead of dropping it.
     */
    private void finalFlush() throws java.io.IOException {
        if (spool == null) {
            while (true) {
                List<Sample> batch = buffer.poll(settings.batchSize());
                if (batch.isEmpty() || !deliver(batch)) {
                    return;
                }
            }
        }
        spoolMemory();
        while (!spool.isEmpty() && System.nanoTime() - stopDeadline < 0) {
            List<Sample> batch = spool.peek();
            if (batch == null || !writeOnce(batch)) {
                break;
            }
            spool.ack(batch.size());
        }
        spooledSamples = spool.samples();
        if (!spool.isEmpty()) {
            LOG.warn("sink {}: {} samples kept on disk for the next start (backend unavailable: {})", name, spool.samples(), lastError);
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
                    + "); keeping them " + (spool != null ? "on disk" : "in memory") + " and retrying");
            return false;
        }
    }

    /**
     * Writes one batch, retrying it with backoff until it is taken (memory-only runners). Gives up only
     * when stopping and the stop deadline has passed; then the batch is counted as dropped.
     */
    private boolean deliver(List<Sample> batch) {
        while (true) {
            if (writeOnce(batch)) {
                return true;
            }
            long delay = backoff.nextDelay();
            long wakeAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
            if (stopping && wakeAt - stopDeadline > 0) {
                dropped.add(batch.size());
                LOG.warn("sink {}: giving up on {} samples at shutdown: {}", name, batch.size(), lastError);
                return false;
            }
            while (System.nanoTime() - wakeAt < 0) {
                LockSupport.parkNanos(wakeAt - System.nanoTime());
                if (stopping && System.nanoTime() - stopDeadline > 0) {
                    break;
                }
            }
        }
    }

    ComponentStatus status() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("queued", (long) buffer.size());
        c.put("spooled", spooledSamples);
        c.put("accepted", accepted.sum());
        c.put("written", written.sum());
        c.put("dropped", dropped.sum() + spoolDropped);
        c.put("errors", errors.sum());
        c.put("retries", retries.sum());
        long w = writes.sum();
        c.put("latency_us", w == 0 ? 0 : writeNanos.sum() / w / 1000);
        return new ComponentStatus("sink", name, state, detail, c, lastError);
    }

    /** Counters for self-metrics, cumulative except {@code queued}. */
    long queued() {
        return buffer.size();
    }

    long written() {
        return written.sum();
    }

    long dropped() {
        return dropped.sum() + spoolDropped;
    }

    /** Samples waiting in the disk buffer. */
    long spooled() {
        return spooledSamples;
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
