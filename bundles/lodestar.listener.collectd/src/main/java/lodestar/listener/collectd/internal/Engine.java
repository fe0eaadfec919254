package lodestar.listener.collectd.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.ComponentStatus;
import lodestar.api.State;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

/**
 * One configuration of a listener at work: a worker thread that takes datagrams off its {@link Receiver}'s
 * queue, decodes them, turns values into samples and hands them to the pipeline in batches. A configuration
 * change that keeps the socket hands the receiver (and what is queued in it) to the next engine. Usable
 * without OSGi (tests, benchmark).
 */
final class Engine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final int BATCH = 2000;
    private static final byte[] STOP = new byte[0];

    final String name;
    final Settings settings;
    final TypesDb types;
    /** running totals; a reconfigured listener's new engine continues its predecessor's */
    final Stats stats;
    final Converters converters;
    private final Consumer<List<Sample>> pipeline;
    private final Processor processor;
    private final Decoder decoder;
    private final Receiver receiver;
    /** whether this engine opened its receiver (and so starts it), rather than taking over its predecessor's */
    private final boolean ownReceiver;
    private final Thread worker;
    private volatile boolean running = true;
    private volatile boolean handedOver;
    private volatile String lastError;

    Engine(String name, Settings s, TypesDb types, Converters converters, Consumer<List<Sample>> pipeline) throws IOException {
        this(name, s, types, converters, pipeline, null);
    }

    /**
     * @param previous the engine this one replaces (a configuration change), or null: its counters go on, its
     *        series (rates) too when both read the same types.db files, and its receiver when it was
     *        {@linkplain #handOver() handed over}; otherwise it must be closed already
     */
    Engine(String name, Settings s, TypesDb types, Converters converters, Consumer<List<Sample>> pipeline, Engine previous)
            throws IOException {
        this.name = name;
        this.stats = previous == null ? new Stats() : previous.stats;
        this.settings = s;
        this.types = types;
        this.converters = converters;
        this.pipeline = pipeline;
        AuthFile auth = s.authFile == null ? null : new AuthFile(s.authFile);
        this.processor = new Processor(types, converters, stats, s);
        if (previous != null && previous.settings.typesDb.equals(s.typesDb)) {
            processor.adopt(previous.processor);
        }
        this.decoder = new Decoder(s.securityLevel, auth, processor, stats);
        this.ownReceiver = previous == null || !previous.handedOver;
        this.receiver = ownReceiver ? new Receiver(name, s, stats) : previous.receiver;
        worker = new Thread(this::work, name + "-worker-" + receiver.port());
        worker.setDaemon(true);
    }

    Engine start() {
        worker.start();
        if (ownReceiver) {
            receiver.start();
            LOG.info("collectd listener {} on {}:{} (securityLevel {}, receive buffer {} bytes)", name, settings.bind,
                    receiver.port(), settings.securityLevel.name().toLowerCase(java.util.Locale.ROOT), receiver.receiveBuffer());
        } else {
            LOG.info("collectd listener {} reconfigured on {}:{}, same socket (securityLevel {})", name, settings.bind,
                    receiver.port(), settings.securityLevel.name().toLowerCase(java.util.Locale.ROOT));
        }
        return this;
    }

    int port() {
        return receiver.port();
    }

    /** Whether the next configuration can keep this engine's socket (same address, buffer and queue size). */
    boolean canHandOver(Settings next) {
        return receiver.serves(next) && receiver.failure() == null;
    }

    /**
     * Stops the worker behind everything received so far and leaves the socket open for the engine that takes
     * over: datagrams arriving meanwhile wait in the queue (or the kernel's buffer), in order.
     */
    void handOver() {
        handedOver = true;
        stopWorker();
    }

    private void work() {
        List<Sample> batch = new ArrayList<>(BATCH + 64);
        processor.output(batch);
        long nextStats = System.currentTimeMillis() + settings.statsIntervalMillis;
        long nextSweep = System.currentTimeMillis() + 10_000;
        while (true) {
            byte[] p;
            try {
                p = receiver.poll(batch.isEmpty() ? 200 : 0);
            } catch (InterruptedException e) {
                break;
            }
            if (p == STOP) {
                break;
            }
            if (p != null) {
                try {
                    decoder.packet(p, 0, p.length);
                } catch (RuntimeException e) {
                    lastError = e.toString();
                    LOG.error("collectd listener {}: packet failed", name, e);
                }
            }
            if (batch.size() >= BATCH || (p == null && !batch.isEmpty())) {
                batch = flush(batch);
            }
            long now = System.currentTimeMillis();
            if (now >= nextSweep) {
                processor.sweep(now);
                nextSweep = now + 10_000;
            }
            if (settings.statsIntervalMillis > 0 && now >= nextStats) {
                batch = flush(batch);
                emitStats(now);
                nextStats = now + settings.statsIntervalMillis;
            }
        }
        flush(batch);
    }

    private List<Sample> flush(List<Sample> batch) {
        if (batch.isEmpty()) {
            return batch;
        }
        stats.add(Stat.SAMPLES, batch.size());
        try {
            pipeline.accept(batch);
        } catch (RuntimeException e) {
            lastError = "pipeline: " + e;
            LOG.warn("collectd listener {}: the pipeline refused {} samples", name, batch.size(), e);
        }
        List<Sample> next = new ArrayList<>(BATCH + 64);
        processor.output(next);
        return next;
    }

    /** The listener's counters as samples {@code lodestar.self.listener.<name>.<stat>}. */
    private void emitStats(long now) {
        List<Sample> l = new ArrayList<>();
        for (Map.Entry<String, Long> e : status().counters().entrySet()) {
            boolean gauge = e.getKey().equals(Stat.SERIES.key);
            l.add(new Sample("lodestar.self.listener." + name + "." + e.getKey(), Tags.EMPTY, e.getValue(), now,
                    gauge ? Kind.GAUGE : Kind.COUNTER));
        }
        try {
            pipeline.accept(l);
        } catch (RuntimeException e) {
            lastError = "pipeline: " + e;
        }
    }

    /** For tests: runs work in the worker's place (the engine must not be started). */
    void decodeNow(byte[] packet, List<Sample> out) {
        processor.output(out);
        decoder.packet(packet, 0, packet.length);
    }

    ComponentStatus status() {
        receiver.countKernelDrops();
        String failure = receiver.failure();
        if (failure != null) {
            lastError = failure;
        }
        State state = !running ? State.STOPPED : failure != null ? State.FAILED : State.OK;
        String detail = !running ? "stopped" : failure != null ? "failing" : "ok";
        Map<String, Long> c = stats.snapshot();
        c.put("queued_bytes", receiver.queuedBytes());
        return new ComponentStatus("listener", name, state, detail, c, lastError);
    }

    private void stopWorker() {
        running = false;
        try {
            // the worker finishes what is queued before the mark (bounded by queueMemory), then stops
            if (!receiver.mark(STOP)) {
                worker.interrupt();
            }
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (handedOver) {
            return; // the socket belongs to the next engine
        }
        receiver.close();
        stopWorker();
    }
}
