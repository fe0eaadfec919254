package lodestar.support.net;

import java.net.SocketAddress;
import java.util.Arrays;

/**
 * The unfinished input of one TCP connection: a begun line, a partly received message. It holds memory only
 * while there is something to hold, grows with what actually arrives (never with what a client announces), at
 * most to its {@link #limit}, and every byte of it is charged to the listener's budget
 * ({@link TcpConnections.Limits#memory()}). When the budget is spent, the connection of the same server holding
 * the most is closed to make room (this one, when it would hold the most), so that many clients holding a
 * little are never closed for one holding a lot. Used on its server's thread only.
 */
public final class InputBuffer {

    /** The smallest array a buffer allocates; it doubles from there. */
    static final int INITIAL = 256;

    /**
     * Makes room in the budget: closes the other connection holding the most, if it holds at least
     * {@code atLeast} bytes; false when there is none.
     */
    interface Reclaimer {
        boolean closeLargest(InputBuffer except, long atLeast);
    }

    private final TcpConnections budget;
    private final Reclaimer reclaimer;
    private final SocketAddress peer;
    private byte[] data;
    private int length;
    private int limit;

    InputBuffer(TcpConnections budget, Reclaimer reclaimer, SocketAddress peer, int limit) {
        this.budget = budget;
        this.reclaimer = reclaimer;
        this.peer = peer;
        this.limit = limit;
    }

    /** The most this buffer may hold: the protocol's longest line or the length of the message being received. */
    public void limit(int limit) {
        this.limit = limit;
    }

    public int limit() {
        return limit;
    }

    /** The bytes held, from 0 to {@link #length()}; the array may change when the buffer grows. */
    public byte[] array() {
        return data;
    }

    public int length() {
        return length;
    }

    /** Bytes of the budget this buffer holds now (its capacity). */
    public int held() {
        return data == null ? 0 : data.length;
    }

    /**
     * Appends {@code len} bytes.
     *
     * @return false when the listener's budget cannot hold them even after closing the connections holding more
     *         than this one would: this connection is to be closed (it has been counted and logged)
     * @throws IllegalStateException when they would not fit in {@link #limit()}: the connection must check that
     *         first, since going over is a protocol matter (a line too long, a message longer than announced)
     */
    public boolean append(byte[] a, int off, int len) {
        if (len == 0) {
            return true;
        }
        int need = length + len;
        if (need > limit) {
            throw new IllegalStateException("input buffer: " + need + " bytes would pass its limit of " + limit);
        }
        if (data == null || need > data.length) {
            int capacity = Math.min(limit, Math.max(need, data == null ? INITIAL : data.length * 2));
            if (!grow(capacity)) {
                return false;
            }
        }
        System.arraycopy(a, off, data, length, len);
        length = need;
        return true;
    }

    private boolean grow(int capacity) {
        long extra = capacity - held();
        while (!budget.reserve(extra)) {
            if (!reclaimer.closeLargest(this, capacity)) {
                budget.evicted(peer, held());
                return false;
            }
        }
        data = data == null ? new byte[capacity] : Arrays.copyOf(data, capacity);
        return true;
    }

    /** Forgets what it holds and gives its memory back (a line or message was handed on). */
    public void clear() {
        length = 0;
        release();
    }

    /** Gives the memory back; the connection is closed or its input handed on. */
    void release() {
        if (data != null) {
            budget.release(data.length);
            data = null;
        }
        length = 0;
    }
}
