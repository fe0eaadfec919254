package lodestar.support.net;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.util.concurrent.TimeUnit;

import lodestar.support.log.RateLimitedLog;
import lodestar.support.retry.Backoff;

/**
 * A receiver thread that never dies silently. It serves one socket (or a group of sockets: anything
 * {@link Closeable}) with the listener's loop; when the loop ends with an exception, or its socket is closed
 * under it, the receiver reports itself down in the {@link ListenerHealth} (the listener's status turns
 * {@code FAILED} with the reason as the last error), logs it, and reopens the same address after a
 * {@link Backoff} (100 ms, doubling to 30 s while reopening fails). Once reopened it counts a restart and the
 * status is {@code OK} again. Only {@link #close()} ends it.
 *
 * @param <S> what {@link Opener#open} returns and {@link Loop#serve} serves; closing it must make the loop end
 */
public final class SupervisedReceiver<S extends Closeable> implements AutoCloseable {

    /** Opens the socket(s) a receiver serves. */
    @FunctionalInterface
    public interface Opener<S> {
        /**
         * @param previous the socket this one replaces after a failure, already closed, or null for the first
         *        open: reopen its address (with port 0 it was bound to some port, and senders send there now)
         */
        S open(S previous) throws IOException;
    }

    /** The receive loop. */
    @FunctionalInterface
    public interface Loop<S> {
        /**
         * Serves the socket until it is closed or fails: returns or throws then (the receiver tells a
         * requested stop from a failure by itself).
         */
        void serve(S socket) throws IOException;
    }

    private final String name;
    private final Opener<S> opener;
    private final Loop<S> loop;
    private final ListenerHealth health;
    private final NetLog log;
    private final RateLimitedLog reopenLog;
    private final Backoff backoff;
    private final Thread thread;
    private final Object lock = new Object();
    /** the socket being served; null while down. Guarded by lock. */
    private S socket;
    /** the last socket opened, for its address when reopening. Guarded by lock. */
    private S last;
    /** close() was called. Guarded by lock. */
    private boolean stopping;
    /** set by {@link #breakSocket()}: no reopening until released. Guarded by lock. */
    private boolean held;

    /**
     * @param name   the thread's name and the receiver's name in log lines and the status
     *               ({@code statsd UDP receiver on 127.0.0.1:8125})
     * @param health where it reports being down, reopened, and failed inputs
     */
    public SupervisedReceiver(String name, Opener<S> opener, Loop<S> loop, ListenerHealth health) {
        this(name, opener, loop, health, new Backoff());
    }

    /** With its own backoff (tests that count the delays). */
    SupervisedReceiver(String name, Opener<S> opener, Loop<S> loop, ListenerHealth health, Backoff backoff) {
        this.name = name;
        this.opener = opener;
        this.loop = loop;
        this.health = health;
        this.log = health.log();
        this.reopenLog = new RateLimitedLog(60_000, m -> log.error(m, null));
        this.backoff = backoff;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    /** The receiver thread's priority (a UDP receiver that must drain its socket fast takes the highest). */
    public SupervisedReceiver<S> priority(int priority) {
        thread.setPriority(priority);
        return this;
    }

    /**
     * Opens the socket now, on the caller's thread, and serves it on the receiver's. A socket that cannot be
     * opened is the caller's to report (an address in use is a bad configuration); nothing is started then.
     */
    public SupervisedReceiver<S> start() throws IOException {
        S s = opener.open(null);
        synchronized (lock) {
            socket = s;
            last = s;
        }
        thread.start();
        return this;
    }

    /**
     * Opens the socket now if it can, else leaves the opening to the receiver's thread, which retries with
     * backoff (the listener shows {@code FAILED} with the reason meanwhile). For going back to the address a
     * listener had a moment ago, when a new one could not be opened: someone may have taken it since.
     */
    public SupervisedReceiver<S> startOrRetry() {
        try {
            return start();
        } catch (IOException | RuntimeException e) {
            health.down(this, name + ": cannot listen: " + e);
            log.error(name + " cannot listen (" + e + "); trying again with backoff", null);
            thread.start();
            return this;
        }
    }

    /** The socket being served, or null while the receiver is down. */
    public S socket() {
        synchronized (lock) {
            return socket;
        }
    }

    /** The socket opened last, served or closed since (it still knows its address), or null before any. */
    public S lastSocket() {
        synchronized (lock) {
            return last;
        }
    }

    public String name() {
        return name;
    }

    private void run() {
        S s;
        synchronized (lock) {
            s = socket;
        }
        while (true) {
            if (s == null) {
                s = reopen();
                if (s == null) {
                    return; // stopping
                }
            }
            long since = System.nanoTime();
            Throwable cause = null;
            try {
                loop.serve(s);
            } catch (Throwable t) {
                cause = t;
            }
            synchronized (lock) {
                if (stopping) {
                    return; // close() closes the socket
                }
                socket = null;
            }
            closeQuietly(s);
            s = null;
            String reason = reason(cause);
            health.down(this, name + ": " + reason);
            if (System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(backoff.maxMillis())) {
                backoff.reset(); // it served long enough: this is a new fault, not the last one again
            }
            log.error(name + " stopped (" + reason + "); reopening it", isClosed(cause) ? null : cause);
        }
    }

    /** Waits and reopens until it works or the receiver is closed (then null). */
    private S reopen() {
        while (true) {
            long delay = backoff.next();
            synchronized (lock) {
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
                try {
                    for (long left = delay; !stopping && (left > 0 || held); left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())) {
                        lock.wait(held ? 0 : Math.max(1, left));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
                if (stopping) {
                    return null;
                }
            }
            S s;
            try {
                s = opener.open(lastSocket());
            } catch (IOException | RuntimeException e) {
                String why = name + ": cannot reopen: " + e;
                health.down(this, why);
                reopenLog.log(() -> why + " (trying again with backoff up to " + backoff.maxMillis() / 1000 + " s)");
                continue;
            }
            synchronized (lock) {
                if (stopping) {
                    closeQuietly(s);
                    return null;
                }
                socket = s;
                last = s;
            }
            health.reopened(this);
            log.info(name + " reopened after a failure");
            return s;
        }
    }

    private static String reason(Throwable cause) {
        if (cause == null || isClosed(cause)) {
            return "socket closed under the receiver";
        }
        return ListenerHealth.describe(cause);
    }

    /** An exception that only says the socket was closed while the loop used it. */
    private static boolean isClosed(Throwable cause) {
        return cause instanceof ClosedChannelException || cause instanceof ClosedSelectorException;
    }

    /**
     * Closes the socket under the loop as a failure would, and keeps the receiver from reopening until the
     * returned handle is closed: for tests of the recovery path, which can then see the {@code FAILED} state
     * for as long as they need.
     */
    public AutoCloseable breakSocket() {
        S s;
        synchronized (lock) {
            held = true;
            s = socket;
        }
        closeQuietly(s);
        return () -> {
            synchronized (lock) {
                held = false;
                lock.notifyAll();
            }
        };
    }

    /** Stops the receiver: closes its socket and waits (up to 5 s) for the thread to end. */
    @Override
    public void close() {
        S s;
        synchronized (lock) {
            stopping = true;
            s = socket;
            socket = null;
            lock.notifyAll();
        }
        closeQuietly(s); // ends a blocking receive or a select
        if (thread.isAlive() && thread != Thread.currentThread()) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        health.forget(this);
    }

    private void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException | RuntimeException e) {
                log.warn(name + ": closing its socket failed: " + e);
            }
        }
    }
}
