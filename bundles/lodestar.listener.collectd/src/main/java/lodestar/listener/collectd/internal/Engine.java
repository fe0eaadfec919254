package lodestar.listener.collectd.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.ComponentStatus;
import lodestar.api.Sample;
import lodestar.support.cardinality.CardinalityGuard;
import lodestar.support.net.ListenerHealth;
import lodestar.support.net.ListenerStatus;
import lodestar.support.net.NetLog;
import lodestar.support.net.UdpSockets;

/**
 * One configuration of a listener at work: a worker thread that takes datagrams off its {@link Receiver}'s
 * queue, decodes them, turns values into samples and hands them to the pipeline in batches. A configuration
 * change that keeps the socket hands the receiver (and what is queued in it) to the next engine. What lasts
 * as long as the listener (counters, receiver health, the UDP sockets' kernel drops) goes from each engine to
 * the next. Usable without OSGi (tests, benchmark).
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
    /** receivers down or reopened, failed inputs, the last error: also the listener's, passed on */
    private final ListenerHealth health;
    /** the listener's UDP sockets, for the kernel drops of all of them: passed on */
    private final UdpSockets sockets;
    /** the limits on series, their counters and report: the listener's, passed on with the new limits */
    private final CardinalityGuard guard;
    final Converters converters;
    private final Consumer<List<Sample>> pipeline;
    private final Processor processor;
    private final Decoder decoder;
    private final Receiver receiver;
    /** whether this engine opened its receiver, rather than taking over its predecessor's */
    private final boolean ownReceiver;
    private final Thread worker;
    private volatile boolean running = true;
    private volatile boolean handedOver;

    Engine(String name, Settings s, TypesDb types, Converters converters, Consumer<List<Sample>> pipeline) throws IOException {
        this(name, s, types, converters, pipeline, null, false);
    }

    /**
     * Opens the socket (or takes over the predecessor's); the worker starts with {@link #start()}.
     *
     * @param previous the engine this one replaces (a configuration change), or null: its counters go on, its
     *        series (rates) too when both read the same types.db files, and its receiver when it was
     *        {@linkplain #handOver() handed over}; otherwise it must be closed already
     * @param retry    when the socket cannot be opened now, keep trying in the background instead of throwing
     *        (going back to the address a failed change came from)
     */
    Engine(String name, Settings s, TypesDb types, Converters converters, Consumer<List<Sample>> pipeline, Engine previous,
            boolean retry) throws IOException {
        this.name = name;
        this.stats = previous == null ? new Stats() : previous.stats;
        this.health = previous == null ? new ListenerHealth(NetLog.of(LOG::info, LOG::warn, LOG::error)) : previous.health;
        this.sockets = previous == null ? new UdpSockets(health.log()) : previous.sockets;
        sockets.receiveBufferConfigured(s.receiveBufferChosen());
        this.guard = previous == null ? new CardinalityGuard(name, s.cardinality(), LOG::warn) : previous.guard;
        guard.limits(s.cardinality());
        this.settings = s;
        this.types = types;
        this.converters = converters;
        this.pipeline = pipeline;
        AuthFile auth = s.authFile() == null ? null : new AuthFile(s.authFile());
        this.processor = new Processor(types, converters, stats, s, guard);
        if (previous != null && previous.settings.typesDb().equals(s.typesDb())) {
            processor.adopt(previous.processor);
        } else if (previous != null) {
            previous.processor.release();
        }
        this.decoder = new Decoder(s.securityLevel(), auth, processor, stats);
        this.ownReceiver = previous == null || !previous.handedOver;
        this.receiver = ownReceiver ? new Receiver(name, s, stats, sockets, health, retry) : previous.receiver;
        worker = new Thread(this::work, name + "-worker-" + receiver.port());
        worker.setDaemon(true);
    }

    Engine start() {
        worker.start();
        String level = settings.securityLevel().name().toLowerCase(Locale.ROOT);
        if (ownReceiver) {
            LOG.info("collectd listener {} on {}:{} (securityLevel {}, receive buffer {} bytes)", name, settings.bind(),
                    receiver.port(), level, receiver.receiveBuffer());
        } else {
            LOG.info("collectd listener {} reconfigured on {}:{}, same socket (securityLevel {})", name, settings.bind(),
                    receiver.port(), level);
        }
        return this;
    }

    int port() {
        return receiver.port();
    }

    /**
     * Whether the next configuration can keep this engine's socket (same address, buffer and queue size); a
     * receiver that is down goes on reopening that address for the next engine.
     */
    boolean canHandOver(Settings next) {
        return receiver.serves(next);
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
                    health.inputFailed("a packet", e);
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
            health.error("pipeline: " + e);
            LOG.warn("collectd listener {}: the pipeline refused {} samples", name, batch.size(), e);
        }
        List<Sample> next = new ArrayList<>(BATCH + 64);
        processor.output(next);
        return next;
    }

    /** For tests: runs work in the worker's place (the engine must not be started). */
    void decodeNow(byte[] packet, List<Sample> out) {
        processor.output(out);
        decoder.packet(packet, 0, packet.length);
    }

    /**
     * The counters every listener shows ({@code packets, samples, bad_input, queue_drops, kernel_drops, restarts,
     * port}), then collectd's own in {@link Stat} order, the cardinality guard's {@code series_created} and
     * {@code series_refused}, and {@code queued_bytes}; {@code series} and {@code queued_bytes} are levels.
     * {@code stopped} once closed, {@code failed} while the receiver is down, {@code degraded}
     * ({@code cardinality-limit}) while new series are refused and a minute after.
     */
    ComponentStatus status() {
        ListenerStatus st = new ListenerStatus(name, health)
                .packets(stats.get(Stat.PACKETS))
                .samples(stats.get(Stat.SAMPLES))
                .badInput(stats.get(Stat.BAD_INPUT))
                .queueDrops(stats.get(Stat.QUEUE_DROPS))
                .kernelDrops(sockets)
                .port(receiver.port());
        for (Stat s : Stat.values()) {
            if (s == Stat.SERIES) {
                st.gauge(s.key, stats.get(s));
            } else if (!s.common) {
                st.counter(s.key, stats.get(s));
            }
        }
        st.counter(CardinalityGuard.SERIES_CREATED, guard.created()).counter(CardinalityGuard.SERIES_REFUSED, guard.refused());
        return st.gauge("queued_bytes", receiver.queuedBytes())
                .degraded(guard.tripping(), CardinalityGuard.DETAIL)
                .stopped(!running, "stopped")
                .build();
    }

    /** For tests that break the socket. */
    Receiver receiver() {
        return receiver;
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
