package lodestar.support.net;

import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import lodestar.support.log.RateLimitedLog;

/**
 * The TCP connections of one listener over its life, across the {@link TcpServer}s it opens: the guards every
 * TCP listener has ({@link Limits}: how many connections may be open, how long one may stay silent, how much
 * unfinished input all of them may hold together), changeable while running, and the counts its status shows.
 * Thread-safe.
 */
public final class TcpConnections {

    /**
     * The guards of one TCP listener.
     *
     * @param maxConnections    connections open at once; a new one beyond it takes the place of the one idle the
     *                          longest, or is closed at once when every open one is busy
     * @param idleTimeoutMillis a connection that sends nothing for this long is closed
     * @param memory            bytes of unfinished input (begun lines, partly received messages) all connections
     *                          together may hold; beyond it the connection holding the most is closed
     */
    public record Limits(int maxConnections, long idleTimeoutMillis, long memory) {

        /** @throws IllegalArgumentException naming the listener property at fault */
        public Limits {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections: must be at least 1, got " + maxConnections);
            }
            if (idleTimeoutMillis < 1) {
                throw new IllegalArgumentException("idleTimeout: must be positive, got " + idleTimeoutMillis + " ms");
            }
            if (memory < 1) {
                throw new IllegalArgumentException("connectionMemory: must be positive, got " + memory);
            }
        }
    }

    /** How long a failed accept makes the listener {@linkplain #acceptFailing() fail to accept} without another. */
    public static final long ACCEPT_FAILING_MILLIS = 10_000;

    private final NetLog log;
    private final RateLimitedLog refusedLog;
    private final RateLimitedLog replacedLog;
    private final RateLimitedLog idleLog;
    private final RateLimitedLog memoryLog;
    private final RateLimitedLog acceptLog;
    private volatile Limits limits;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong buffered = new AtomicLong();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder replaced = new LongAdder();
    private final LongAdder idleTimeouts = new LongAdder();
    private final LongAdder evicted = new LongAdder();
    private final LongAdder acceptErrors = new LongAdder();
    /** whether the last accept failed, and when (System.nanoTime()) */
    private volatile boolean lastAcceptFailed;
    private volatile long lastAcceptFailure;

    public TcpConnections(Limits limits, NetLog log) {
        this.limits = limits;
        this.log = log;
        this.refusedLog = new RateLimitedLog(10_000, log::warn);
        this.replacedLog = new RateLimitedLog(10_000, log::warn);
        this.idleLog = new RateLimitedLog(60_000, log::info);
        this.memoryLog = new RateLimitedLog(10_000, log::warn);
        this.acceptLog = new RateLimitedLog(10_000, m -> log.error(m, null));
    }

    /**
     * New limits, applied from now on: connections already open above a lower {@code maxConnections} stay, new
     * ones wait for room; a shorter idle timeout applies at the next sweep; buffers above a smaller
     * {@code memory} stay until they would grow.
     */
    public void limits(Limits limits) {
        this.limits = limits;
    }

    public Limits limits() {
        return limits;
    }

    /** Connections accepted since the listener started (refused ones not included). */
    public long accepted() {
        return accepted.sum();
    }

    /** Connections open now. */
    public int open() {
        return open.get();
    }

    /** Connections closed at once because {@code maxConnections} were open and none had been idle long enough to go. */
    public long refused() {
        return refused.sum();
    }

    /** Connections closed, idle the longest, to make room for a new one at {@code maxConnections}. */
    public long replaced() {
        return replaced.sum();
    }

    /** Connections closed because they sent nothing for the idle timeout. */
    public long idleTimeouts() {
        return idleTimeouts.sum();
    }

    /** Connections closed because the listener's unfinished input reached its {@code memory} and they held the most. */
    public long evicted() {
        return evicted.sum();
    }

    /** Bytes of unfinished input the connections hold now. */
    public long buffered() {
        return buffered.get();
    }

    /** Accepts that failed (too many open files, out of memory for the socket); the server goes on. */
    public long acceptErrors() {
        return acceptErrors.sum();
    }

    /**
     * Whether new clients cannot get in now: the last accept failed, less than {@link #ACCEPT_FAILING_MILLIS}
     * ago (a server with no clients trying does not stay in that state forever).
     */
    public boolean acceptFailing() {
        return lastAcceptFailed && System.nanoTime() - lastAcceptFailure < ACCEPT_FAILING_MILLIS * 1_000_000L;
    }

    /** Whether one more connection may be open; counts it as open and accepted if so. */
    boolean admit() {
        int max = limits.maxConnections();
        while (true) {
            int n = open.get();
            if (n >= max) {
                return false;
            }
            if (open.compareAndSet(n, n + 1)) {
                accepted.increment();
                return true;
            }
        }
    }

    void refused(SocketAddress peer) {
        refused.increment();
        refusedLog.log(() -> "refused a connection from " + peer + ": " + open.get() + " open, maxConnections is "
                + limits.maxConnections() + ", and none has been idle long enough to make room");
    }

    void replaced(SocketAddress idle, long idleMillis, SocketAddress newcomer) {
        replaced.increment();
        replacedLog.log(() -> "closed the connection from " + idle + ", idle for " + idleMillis + " ms, to make room for "
                + newcomer + ": maxConnections (" + limits.maxConnections() + ") are open; raise it if these are all clients of yours");
    }

    void idleTimedOut(SocketAddress peer, long idleMillis) {
        idleTimeouts.increment();
        idleLog.log(() -> "closed the connection from " + peer + ": nothing received for " + idleMillis + " ms (idleTimeout "
                + limits.idleTimeoutMillis() + " ms)");
    }

    void evicted(SocketAddress peer, long held) {
        evicted.increment();
        memoryLog.log(() -> "closed the connection from " + peer + ", which held " + held + " bytes of unfinished input: the"
                + " connections together reached connectionMemory (" + limits.memory() + " bytes)");
    }

    void closed() {
        open.decrementAndGet();
    }

    /** Takes {@code bytes} of the memory budget if they fit. */
    boolean reserve(long bytes) {
        long max = limits.memory();
        while (true) {
            long used = buffered.get();
            if (used + bytes > max) {
                return false;
            }
            if (buffered.compareAndSet(used, used + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        buffered.addAndGet(-bytes);
    }

    void acceptSucceeded() {
        lastAcceptFailed = false;
    }

    void acceptFailed(String server, Exception e, long pauseMillis) {
        lastAcceptFailure = System.nanoTime();
        lastAcceptFailed = true;
        acceptErrors.increment();
        acceptLog.log(() -> server + ": accepting a connection failed: " + e + "; accepts paused for " + pauseMillis
                + " ms, open connections are served meanwhile");
    }

    NetLog log() {
        return log;
    }
}
