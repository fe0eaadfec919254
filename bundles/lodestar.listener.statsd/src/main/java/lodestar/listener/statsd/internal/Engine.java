package lodestar.listener.statsd.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import lodestar.api.State;
import lodestar.api.Sample;
import lodestar.support.log.RateLimitedLog;
import lodestar.support.net.UdpReceiveBuffer;

/**
 * One listener without OSGi: the shards (state that survives rebinding), the receivers (replaced when the
 * address changes) and the flush schedule. Thread-safe.
 */
final class Engine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final String name;
    private final Shard[] shards;
    private final Flusher flusher;
    private final Consumer<List<Sample>> out;
    private final LongAdder packets = new LongAdder();
    private final LongAdder queueDrops = new LongAdder();
    private final RateLimitedLog badLog = new RateLimitedLog(10_000, LOG::warn);
    private final RateLimitedLog flushLog = new RateLimitedLog(60_000, LOG::error);
    private final ScheduledExecutorService scheduler;
    private ScheduledFuture<?> flushTask;
    private Settings settings;
    private volatile UdpReceiver udp;
    private TcpReceiver tcp;
    /** kernel drops of sockets already closed, since start */
    private volatile long kernelDropsClosed;
    /** the kernel's drop count of the current socket when it was opened */
    private volatile long kernelDropsAtBind;
    /** what the flushes have reported so far (running totals at the last flush) */
    private long packetsReported;
    private long queueDropsReported;
    private long kernelDropsReported;
    /** whether the last flush window saw queue or kernel drops */
    private volatile boolean dropping;
    private volatile boolean closed;
    private volatile String lastError;
    private volatile boolean receiverFailed;
    private boolean bufferChecked;

    /**
     * @param autoFlush false: only {@link #flushNow()} flushes (tests)
     */
    Engine(String name, Settings s, Consumer<List<Sample>> out, boolean autoFlush) {
        this.name = name;
        this.settings = s;
        this.out = out;
        this.flusher = new Flusher(s);
        this.shards = new Shard[s.shards];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = new Shard(i, s, badLog, name);
            shards[i].start();
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-flush");
            t.setDaemon(true);
            return t;
        });
        if (autoFlush) {
            schedule(s.flushMillis);
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
        Settings s = settings;
        UdpReceiver u;
        try {
            u = new UdpReceiver(s, shards, packets, queueDrops, name, e -> {
                lastError = e;
                receiverFailed = true;
            });
        } catch (IOException | RuntimeException e) {
            lastError = "cannot listen on " + s.bind + ":" + s.port + ": " + e.getMessage();
            throw e;
        }
        kernelDropsAtBind = Math.max(0, UdpReceiveBuffer.kernelDrops(u.port()));
        udp = u;
        if (!bufferChecked) {
            udp.checkBuffer(s.receiveBuffer);
            bufferChecked = true;
        }
        if (s.tcp) {
            try {
                tcp = new TcpReceiver(s, udp.port(), shards, packets, queueDrops, name);
            } catch (IOException | RuntimeException e) {
                lastError = "cannot listen on TCP " + s.bind + ":" + udp.port() + ": " + e.getMessage();
                unbind();
                throw e;
            }
            tcp.start();
        }
        receiverFailed = false;
        udp.start();
        LOG.info("statsd listener {} on {}:{} (udp{}), {} shard(s), receive buffer {} bytes, flush every {} ms",
                name, s.bind, udp.port(), s.tcp ? "+tcp" : "", shards.length, udp.receiveBuffer, s.flushMillis);
    }

    private void unbind() {
        UdpReceiver u = udp;
        if (u != null) {
            kernelDropsClosed += Math.max(0, UdpReceiveBuffer.kernelDrops(u.port()) - kernelDropsAtBind);
            udp = null;
            u.close();
        }
        if (tcp != null) {
            tcp.close();
            tcp = null;
        }
    }

    /** The bound UDP port (useful with port 0), or -1. */
    int port() {
        UdpReceiver u = udp;
        return u == null ? -1 : u.port();
    }

    /** Datagrams the kernel dropped for this listener's sockets since it started. */
    long kernelDrops() {
        UdpReceiver u = udp;
        long now = u == null ? -1 : UdpReceiveBuffer.kernelDrops(u.port());
        return kernelDropsClosed + (now < 0 ? 0 : Math.max(0, now - kernelDropsAtBind));
    }

    /**
     * Running totals since start, for {@code lodestar:status}; thread-safe and does not wait for a flush.
     * State: {@code closed}, {@code down} (no socket: a rebind failed), {@code failing} (the receiver
     * stopped), {@code dropping} (the last flush window lost datagrams or lines), else {@code ok}.
     */
    ComponentStatus status() {
        long metrics = 0;
        long bad = 0;
        for (Shard sh : shards) {
            metrics += sh.metricsSeen;
            bad += sh.badSeen;
        }
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("packets", packets.sum());
        c.put("metrics", metrics);
        c.put("bad_lines", bad);
        c.put("queue_drops", queueDrops.sum());
        c.put("kernel_drops", kernelDrops());
        c.put("port", (long) port());
        String err = lastError;
        String detail = closed ? "closed" : udp == null ? "down" : receiverFailed ? "failing" : dropping ? "dropping" : "ok";
        State state = closed ? State.STOPPED : udp == null || receiverFailed ? State.FAILED : dropping ? State.DEGRADED : State.OK;
        return new ComponentStatus("listener", name, state, detail, c, err);
    }

    /**
     * Applies a new configuration without losing aggregates: the flush schedule is restarted when the
     * interval changed, the sockets are reopened when the address, TCP or buffer changed.
     */
    synchronized void update(Settings s) throws IOException {
        Settings old = settings;
        if (s.shards != old.shards) {
            LOG.warn("shards: a change from {} to {} takes effect when the listener is restarted", old.shards, s.shards);
            s.shards = old.shards;
        }
        settings = s;
        for (Shard sh : shards) {
            sh.aggregator.settings(s);
        }
        flusher.settings(s);
        if (s.flushMillis != old.flushMillis && flushTask != null) {
            schedule(s.flushMillis);
        }
        if (!s.bind.equals(old.bind) || s.port != old.port || s.tcp != old.tcp || s.receiveBuffer != old.receiveBuffer
                || s.maxLineLength != old.maxLineLength) {
            bufferChecked = s.receiveBuffer == old.receiveBuffer;
            bind();
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
        List<Sample> l = flusher.flush(snaps, p - packetsReported, kdNew, qdNew, System.currentTimeMillis());
        packetsReported = p;
        queueDropsReported = qd;
        kernelDropsReported = Math.max(kd, kernelDropsReported);
        return l;
    }

    private void flushAndEmit() {
        try {
            List<Sample> samples = flushNow();
            out.accept(samples);
        } catch (Throwable t) {
            lastError = "flush failed: " + t;
            flushLog.log(() -> "statsd listener " + name + ": flush failed: " + t);
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
