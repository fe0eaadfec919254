package lodestar.listener.statsd.internal;

import java.io.IOException;
import java.net.BindException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.ComponentStatus;
import lodestar.api.Sample;
import lodestar.api.State;
import lodestar.support.cardinality.CardinalityGuard;
import lodestar.support.log.RateLimitedLog;
import lodestar.support.net.ListenerHealth;
import lodestar.support.net.ListenerStatus;
import lodestar.support.net.NetLog;
import lodestar.support.net.SupervisedReceiver;
import lodestar.support.net.TcpConnections;
import lodestar.support.net.TcpServer;
import lodestar.support.net.UdpSockets;

/**
 * One listener without OSGi: the shards (state that survives rebinding), the receivers (replaced when the
 * address changes; each reopens its socket by itself after a failure), the cardinality guard the shards share,
 * and the flush schedule. Thread-safe.
 */
final class Engine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    /** Port 0: how many UDP ports the system may pick before one is also free for TCP. */
    static final int ANY_PORT_ATTEMPTS = 5;

    private final String name;
    private final Shard[] shards;
    private final Flusher flusher;
    private final Consumer<List<Sample>> out;
    private final LongAdder packets = new LongAdder();
    private final LongAdder queueDrops = new LongAdder();
    /** samples handed to the pipeline */
    private final LongAdder samples = new LongAdder();
    private final RateLimitedLog badLog = new RateLimitedLog(10_000, LOG::warn);
    private final RateLimitedLog flushLog = new RateLimitedLog(60_000, LOG::error);
    private final RateLimitedLog shardLog = new RateLimitedLog(10_000, LOG::error);
    private final CardinalityGuard guard;
    private final ListenerHealth health = new ListenerHealth(NetLog.of(LOG::info, LOG::warn, LOG::error));
    private final UdpSockets sockets = new UdpSockets(health.log());
    private final TcpConnections connections;
    private final ScheduledExecutorService scheduler;
    private ScheduledFuture<?> flushTask;
    private volatile Settings settings;
    private volatile SupervisedReceiver<UdpReceiver.Endpoint> udp;
    /** null without TCP */
    private SupervisedReceiver<TcpServer> tcp;
    /** what the flushes have reported so far (running totals at the last flush) */
    private long packetsReported;
    private long queueDropsReported;
    private long kernelDropsReported;
    /** whether the last flush window saw queue or kernel drops */
    private volatile boolean dropping;
    /** why the last flush failed, or null when it delivered */
    private volatile String flushFailure;
    private volatile boolean closed;

    /**
     * @param autoFlush false: only {@link #flushNow()} flushes (tests)
     */
    Engine(String name, Settings s, Consumer<List<Sample>> out, boolean autoFlush) {
        this.name = name;
        this.settings = s;
        this.out = out;
        this.flusher = new Flusher(s);
        this.connections = new TcpConnections(s.tcpLimits(), health.log());
        this.guard = new CardinalityGuard(name, s.cardinality(), LOG::warn);
        this.shards = new Shard[s.shards()];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = new Shard(i, s, s.queueBatches(), badLog, guard, this::batchFailed, name);
            shards[i].start();
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-flush");
            t.setDaemon(true);
            return t;
        });
        if (autoFlush) {
            schedule(s.flushMillis());
        }
    }

    /**
     * A batch a shard could not take: a parser bug the input found (bad input, as every listener counts it), or an
     * Error such as no memory left for a new key, which is the listener's problem, not the sender's. Either way the
     * batch is lost and the shard goes on.
     */
    private void batchFailed(Throwable t) {
        if (t instanceof RuntimeException e) {
            health.inputFailed("a batch of lines", e);
        } else {
            health.error("a shard lost a batch of lines: " + t);
            shardLog.log(() -> "statsd listener " + name + ": a shard lost a batch of lines: " + t + " (the shard goes on)");
        }
    }

    private void schedule(long ms) {
        if (flushTask != null) {
            flushTask.cancel(false);
        }
        flushTask = scheduler.scheduleAtFixedRate(this::flushAndEmit, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Opens the UDP (and TCP) sockets for the current settings; closes the old ones first. */
    synchronized void bind() throws IOException {
        unbind();
        open(settings, settings.port(), false);
    }

    /**
     * Opens the UDP socket on {@code port} (0: any free port) and, with TCP, the TCP port of the same number.
     * With port 0 the number the system picks for UDP may be taken for TCP (a client's port, on a busy machine):
     * then another is picked, up to {@value #ANY_PORT_ATTEMPTS} times.
     *
     * @param retry keep trying in the background for a socket that cannot be opened now (going back to the
     *        sockets a failed change came from) rather than throwing; nothing is left open when it throws
     */
    private void open(Settings s, int port, boolean retry) throws IOException {
        for (int attempt = 1;; attempt++) {
            try {
                openOnce(s, port, retry);
                return;
            } catch (BindException e) {
                if (port != 0 || retry || !s.tcp() || attempt == ANY_PORT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private void openOnce(Settings s, int port, boolean retry) throws IOException {
        SupervisedReceiver<UdpReceiver.Endpoint> u = udpReceiver(s, port);
        if (retry) {
            u.startOrRetry();
        } else {
            u.start();
        }
        udp = u;
        int bound = u.lastSocket() == null ? port : u.lastSocket().port(); // not open yet when retrying: the port it had
        if (s.tcp()) {
            SupervisedReceiver<TcpServer> t = tcpReceiver(s, bound);
            if (retry) {
                t.startOrRetry();
            } else {
                try {
                    t.start();
                } catch (IOException | RuntimeException e) {
                    unbind();
                    throw e;
                }
            }
            tcp = t;
        }
        LOG.info("statsd listener {} on {}:{} (udp{}), {} shard(s), receive buffer {} bytes, flush every {} ms", name, s.bind(), bound,
                s.tcp() ? "+tcp" : "", shards.length, u.lastSocket() == null ? -1 : u.lastSocket().socket.receiveBuffer(), s.flushMillis());
    }

    /** The UDP receiver for {@code s} on {@code port}; after a failure it reopens the port it had. */
    private SupervisedReceiver<UdpReceiver.Endpoint> udpReceiver(Settings s, int port) {
        UdpReceiver r = new UdpReceiver(s, shards, packets, queueDrops);
        return new SupervisedReceiver<UdpReceiver.Endpoint>(name + " UDP receiver",
                previous -> UdpReceiver.Endpoint.of(sockets.open(s.bind(), previous == null ? port : previous.port(), s.receiveBuffer())),
                r::serve, health).priority(Thread.MAX_PRIORITY);
    }

    /** The TCP receiver for {@code s} on {@code port}: its own router, whose batches it hands on after each round. */
    private SupervisedReceiver<TcpServer> tcpReceiver(Settings s, int port) {
        Router router = new Router(shards, queueDrops);
        String receiver = name + " TCP receiver";
        return new SupervisedReceiver<TcpServer>(receiver, previous -> TcpServer.open(receiver,
                List.of(new TcpServer.Port(s.bind(), port, (peer, buffer) -> new TcpLines(router, packets, settings.maxLineLength(), buffer))),
                connections, health, router::publishAll), TcpServer::serve, health);
    }

    private void unbind() {
        if (udp != null) {
            udp.close();
            udp = null;
        }
        if (tcp != null) {
            tcp.close();
            tcp = null;
        }
    }

    /** The UDP port in use (useful with port 0), also while the receiver is down; -1 when unbound. */
    int port() {
        SupervisedReceiver<UdpReceiver.Endpoint> u = udp;
        UdpReceiver.Endpoint e = u == null ? null : u.lastSocket();
        return e == null ? -1 : e.port();
    }

    /** Whether the operator wrote receiveBuffer (a capped one is then a warning) or the default applies (INFO). */
    void receiveBufferConfigured(boolean byOperator) {
        sockets.receiveBufferConfigured(byOperator);
    }

    /** Datagrams the kernel dropped for this listener's sockets since it started. */
    long kernelDrops() {
        return sockets.kernelDrops();
    }

    /** The parser/aggregator threads (tests). */
    Shard[] shards() {
        return shards;
    }

    /** The receivers at work, for tests that break their sockets. */
    SupervisedReceiver<UdpReceiver.Endpoint> udpReceiver() {
        return udp;
    }

    synchronized SupervisedReceiver<TcpServer> tcpReceiver() {
        return tcp;
    }

    /**
     * Running totals since start, for {@code lodestar:status}; thread-safe and does not wait for a flush: the
     * counters every listener shows, then {@code lines} (parsed, good and bad, as {@code statsd.metrics_received})
     * and the cardinality guard's ({@code series} held now, {@code series_created}, {@code series_refused},
     * {@code series_expired}). State: {@code closed}; {@code failed} while a receiver is down, or
     * {@code flush-failed} while flushes fail (with the reason as the last error); {@code dropping} (degraded)
     * when the last flush window lost datagrams or lines; {@code cardinality-limit} (degraded) while new keys are
     * refused (and a minute after); else {@code ok}.
     */
    ComponentStatus status() {
        long lines = 0;
        long bad = 0;
        for (Shard sh : shards) {
            lines += sh.metricsSeen;
            bad += sh.badSeen;
        }
        ListenerStatus st = new ListenerStatus(name, health)
                .packets(packets.sum())
                .samples(samples.sum())
                .badInput(bad)
                .queueDrops(queueDrops.sum())
                .kernelDrops(sockets)
                .tcp(connections)
                .port(port())
                .counter("lines", lines);
        guard.counters(st::gauge, st::counter);
        boolean limited = guard.tripping();
        ComponentStatus s = st.degraded(dropping || limited, dropping ? "dropping" : CardinalityGuard.DETAIL)
                .stopped(closed, "closed")
                .build();
        String failure = flushFailure;
        if (failure != null && (s.state() == State.OK || s.state() == State.DEGRADED)) {
            // nothing reaches the pipeline: that is not doing the job, whatever the receivers do
            return new ComponentStatus(s.type(), s.name(), State.FAILED, "flush-failed", s.counters(), s.gauges(), failure);
        }
        return s;
    }

    /**
     * Applies a new configuration without losing aggregates. When the address, TCP or receive buffer change,
     * the sockets are reopened first; if the new ones cannot be opened, the listener goes back to the old
     * sockets (keeps trying there should someone have taken them meanwhile), changes nothing else and throws.
     * Then the flush schedule is restarted when the interval changed; line length, the TCP guards (connection
     * limit, idle timeout, connection memory) and names apply to what arrives from then on.
     */
    synchronized void update(Settings s) throws IOException {
        Settings old = settings;
        if (s.shards() != old.shards()) {
            LOG.warn("shards: a change from {} to {} takes effect when the listener is restarted", old.shards(), s.shards());
        }
        if (s.queueMemory() != old.queueMemory()) {
            LOG.warn("queueMemory: a change takes effect when the listener is restarted");
        }
        if (!s.sameSocket(old)) {
            int port = port(); // the port in use, also when the old setting was 0 (any)
            unbind();
            try {
                open(s, s.port(), false);
            } catch (IOException | RuntimeException e) {
                open(old, port, true);
                throw e;
            }
        }
        settings = s;
        connections.limits(s.tcpLimits());
        guard.limits(s.cardinality());
        for (Shard sh : shards) {
            sh.aggregator.settings(s);
        }
        flusher.settings(s);
        if (s.flushMillis() != old.flushMillis() && flushTask != null) {
            schedule(s.flushMillis());
        }
    }

    /** Takes every shard's window and turns it into samples; does not emit them. */
    synchronized List<Sample> flushNow() {
        Snapshot[] snaps = new Snapshot[shards.length];
        @SuppressWarnings("unchecked")
        CompletableFuture<Snapshot>[] fs = new CompletableFuture[shards.length];
        try {
            for (int i = 0; i < shards.length; i++) {
                fs[i] = new CompletableFuture<>();
                if (!shards[i].queue.offer(fs[i], 10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("shard " + i + " did not take the flush request");
                }
            }
            for (int i = 0; i < shards.length; i++) {
                snaps[i] = fs[i].get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException("flush failed: " + e, e);
        }
        // the counters are running totals (status() shows them); a flush reports what is new since the last
        long p = packets.sum();
        long qd = queueDrops.sum();
        long kd = kernelDrops();
        long kdNew = Math.max(0, kd - kernelDropsReported);
        long qdNew = qd - queueDropsReported;
        dropping = kdNew > 0 || qdNew > 0;
        Snapshot folded = Snapshot.overflow(snaps);
        if (folded != null) {
            snaps = Arrays.copyOf(snaps, snaps.length + 1);
            snaps[snaps.length - 1] = folded;
        }
        guard.tick();
        List<Sample> l = flusher.flush(snaps, p - packetsReported, kdNew, qdNew, System.currentTimeMillis());
        packetsReported = p;
        queueDropsReported = qd;
        kernelDropsReported = Math.max(kd, kernelDropsReported);
        return l;
    }

    /**
     * One scheduled flush. A failure (an OutOfMemoryError included) loses that window, shows as {@code failed}
     * until a flush delivers again, and never ends the schedule.
     */
    private void flushAndEmit() {
        try {
            List<Sample> flushed = flushNow();
            out.accept(flushed);
            samples.add(flushed.size());
            flushFailure = null;
        } catch (Throwable t) {
            String why = "flush failed: " + t;
            flushFailure = why;
            health.error(why);
            flushLog.log(() -> "statsd listener " + name + ": " + why);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        unbind();
        scheduler.shutdownNow();
        for (Shard s : shards) {
            try {
                s.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
