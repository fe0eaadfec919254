package lodestar.support.net;

import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import lodestar.support.log.RateLimitedLog;

/**
 * The TCP connections of one listener over its life, across the {@link TcpServer}s it opens: how many may be
 * open at once (changeable while running), and the counts its status shows. Thread-safe.
 */
public final class TcpConnections {

    private final NetLog log;
    private final RateLimitedLog refusedLog;
    private final RateLimitedLog acceptLog;
    private volatile int limit;
    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder acceptErrors = new LongAdder();

    /** @param limit most connections open at once; more are accepted and closed at once, and counted */
    public TcpConnections(int limit, NetLog log) {
        limit(limit);
        this.log = log;
        this.refusedLog = new RateLimitedLog(10_000, log::warn);
        this.acceptLog = new RateLimitedLog(10_000, m -> log.error(m, null));
    }

    /** A new limit; connections already open above it stay open, new ones wait for room. */
    public void limit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("maxConnections: must be at least 1, got " + limit);
        }
        this.limit = limit;
    }

    /** Connections accepted since the listener started (refused ones not included). */
    public long accepted() {
        return accepted.sum();
    }

    /** Connections open now. */
    public int open() {
        return open.get();
    }

    /** Connections closed at once because {@code limit} were open. */
    public long refused() {
        return refused.sum();
    }

    /** Accepts that failed (too many open files, out of memory for the socket); the server goes on. */
    public long acceptErrors() {
        return acceptErrors.sum();
    }

    /** Whether one more connection may be open; counts it as open and accepted if so, as refused if not. */
    boolean admit(SocketAddress peer) {
        while (true) {
            int n = open.get();
            if (n >= limit) {
                refused.increment();
                refusedLog.log(() -> "refused a connection from " + peer + ": " + n + " open, maxConnections is " + limit);
                return false;
            }
            if (open.compareAndSet(n, n + 1)) {
                accepted.increment();
                return true;
            }
        }
    }

    void closed() {
        open.decrementAndGet();
    }

    void acceptFailed(String server, Exception e, long pauseMillis) {
        acceptErrors.increment();
        acceptLog.log(() -> server + ": accepting a connection failed: " + e + "; accepts paused for " + pauseMillis
                + " ms, open connections are served meanwhile");
    }

    NetLog log() {
        return log;
    }
}
