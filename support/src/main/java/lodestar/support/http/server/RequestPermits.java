package lodestar.support.http.server;

import java.util.concurrent.Semaphore;

/**
 * A bound on requests being worked on at once (decoded, or waiting for the sinks), taken without waiting: a request
 * over the bound is answered 503 with {@code Retry-After} at once, and the sender, which keeps its data, retries.
 * Waiting instead would hold the request's memory and a thread while the listener is behind, which is what the bound
 * is there to prevent. Thread-safe.
 *
 * <pre>
 * if (!permits.tryAcquire()) {
 *     busy.increment();
 *     Answers.retryAfter(ex, 1); ... 503
 *     return;
 * }
 * try { ... } finally { permits.release(); }
 * </pre>
 *
 * A listener that changes the bound live makes new permits for the requests that arrive from then on; a request
 * releases the permits it took.
 */
public final class RequestPermits {

    private final int limit;
    private final Semaphore permits;

    /** @param limit requests at once, at least 1 */
    public RequestPermits(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit: must be at least 1, got " + limit);
        }
        this.limit = limit;
        this.permits = new Semaphore(limit);
    }

    /** Takes a permit if one is free; false at once otherwise. */
    public boolean tryAcquire() {
        return permits.tryAcquire();
    }

    /** Gives back a permit {@link #tryAcquire()} took. */
    public void release() {
        permits.release();
    }

    /** Permits taken now (a gauge: requests being worked on). */
    public int inUse() {
        return limit - permits.availablePermits();
    }

    /** The bound. */
    public int limit() {
        return limit;
    }
}
