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
import lodestar.api.Sink;
import lodestar.api.util.RateLimitedLog;

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

    private volatile RunnerSettings settings;
    private volatile boolean stopping;
    private volatile long stopDeadline;
    private volatile String state = "ok";
    private volatile String lastError;

    private final LongAdder accepted = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final LongAdder writeNanos = new LongAdder();

    SinkRunner(String name, Sink sink, RunnerSettings settings) {
        this.name = name;
        this.sink = sink;
        this.settings = settings;
        this.buffer = new SampleBuffer(settings.capacity());
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
            boolean ok = (s.filter().passesAll() || s.filter().accepts(sample.name())) && acceptsSafely(sample);
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
                RunnerSettings s = settings;
                List<Sample> batch = buffer.take(s.batchSize(), TimeUnit.MILLISECONDS.toNanos(s.flushIntervalMillis()),
                        IDLE_WAKE_NANOS);
                if (!batch.isEmpty()) {
                    deliver(batch);
                }
            }
            while (true) {
                List<Sample> batch = buffer.poll(settings.batchSize());
                if (batch.isEmpty() || !deliver(batch)) {
                    break;
                }
            }
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
            state = "stopped";
        }
    }

    /**
     * Writes one batch, retrying it with backoff until it is taken. Gives up only when stopping and the
     * stop deadline has passed; then the batch is counted as dropped.
     */
    private boolean deliver(List<Sample> batch) {
        List<Sample> view = Collections.unmodifiableList(batch);
        RunnerSettings s = settings;
        Backoff backoff = new Backoff(s.retryInitialMillis(), s.retryMaxMillis(), s.retryFactor());
        boolean retrying = false;
        while (true) {
            long t0 = System.nanoTime();
            try {
                sink.write(view);
                long took = System.nanoTime() - t0;
                writes.increment();
                writeNanos.add(took);
                written.add(batch.size());
                if (retrying || !"ok".equals(state)) {
                    LOG.info("sink {}: delivering again", name);
                }
                state = "ok";
                return true;
            } catch (Throwable e) {
                errors.increment();
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
                state = "backoff";
                long delay = backoff.nextDelay();
                failureLog.log(() -> "sink " + name + ": write of " + batch.size() + " samples failed (" + lastError
                        + "); retrying in " + delay + " ms, " + buffer.size() + " more buffered");
                if (e instanceof Error && !(e instanceof LinkageError) && !(e instanceof AssertionError)) {
                    // an OutOfMemoryError or the like: nothing sensible to retry
                    throw (Error) e;
                }
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
                retries.increment();
                retrying = true;
            }
        }
    }

    ComponentStatus status() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("queued", (long) buffer.size());
        c.put("accepted", accepted.sum());
        c.put("written", written.sum());
        c.put("dropped", dropped.sum());
        c.put("errors", errors.sum());
        c.put("retries", retries.sum());
        long w = writes.sum();
        c.put("latency_us", w == 0 ? 0 : writeNanos.sum() / w / 1000);
        return new ComponentStatus("sink", name, state, c, lastError);
    }

    /** Counters for self-metrics, cumulative except {@code queued}. */
    long queued() {
        return buffer.size();
    }

    long written() {
        return written.sum();
    }

    long dropped() {
        return dropped.sum();
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
