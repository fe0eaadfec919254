package lodestar.support.net;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import lodestar.support.log.LogText;
import lodestar.support.log.RateLimitedLog;

/**
 * What went wrong in one listener over its life, for its status: which receivers are down now and why, how
 * often a receiver was reopened after a failure ({@code restarts}), how many inputs made a handler throw
 * (counted with the listener's {@code bad_input}), and the last error. One per listener, shared by every
 * receiver it opens (they come and go with configuration changes and recoveries). Thread-safe.
 */
public final class ListenerHealth {

    private final NetLog log;
    private final RateLimitedLog inputLog;
    /** receiver -> why it is down; a receiver that serves has no entry */
    private final Map<Object, String> down = new ConcurrentHashMap<>();
    private final LongAdder restarts = new LongAdder();
    private final LongAdder failedInputs = new LongAdder();
    private volatile String lastError;

    public ListenerHealth(NetLog log) {
        this.log = log;
        this.inputLog = new RateLimitedLog(10_000, m -> log.error(m, null));
    }

    /** The log it writes to, for the other helpers of the same listener. */
    public NetLog log() {
        return log;
    }

    /** Why a receiver is down now (one of them, when several are), or null when every receiver serves. */
    public String failure() {
        Iterator<String> it = down.values().iterator();
        return it.hasNext() ? it.next() : null;
    }

    /** Receivers reopened after a failure, since the listener started. */
    public long restarts() {
        return restarts.sum();
    }

    /** Inputs (datagrams, reads) that made a handler throw; each was dropped and is bad input. */
    public long failedInputs() {
        return failedInputs.sum();
    }

    /** The last error of any kind (a receiver failure, a failed input, a listener's own), or null. */
    public String lastError() {
        return lastError;
    }

    /** A listener's own error (a flush that failed, a pipeline that refused samples), shown as the last error. */
    public void error(String message) {
        lastError = message;
    }

    /**
     * An input that made a handler throw (or run out of memory or stack): a bug the input found, so the input is
     * dropped, counted and logged (at most once per 10 s, with where it happened) instead of ending the receiver
     * for everybody else.
     *
     * @param what which input, for the log ({@code datagram from /10.0.0.1:4242})
     */
    public void inputFailed(String what, Throwable e) {
        failedInputs.increment();
        String m = "failed to handle " + what + ": " + describe(e);
        lastError = m;
        inputLog.log(() -> m + " (the input was dropped; the receiver goes on)");
    }

    void down(Object receiver, String reason) {
        down.put(receiver, reason);
        lastError = reason;
    }

    void reopened(Object receiver) {
        down.remove(receiver);
        restarts.increment();
    }

    /** A receiver closed on purpose: whatever it was failing with no longer counts. */
    void forget(Object receiver) {
        down.remove(receiver);
    }

    /**
     * The exception and where it was thrown, enough to find the bug from one log line; its message may quote the
     * input, so it is cut and escaped ({@link LogText#of}).
     */
    static String describe(Throwable t) {
        StackTraceElement[] st = t.getStackTrace();
        String text = LogText.of(t.toString());
        return st.length == 0 ? text : text + " at " + st[0];
    }
}
