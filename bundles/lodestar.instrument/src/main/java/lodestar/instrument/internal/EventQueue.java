package lodestar.instrument.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A bounded lock-free queue of (instrument, value) pairs held in primitive arrays, so that offering allocates
 * nothing: many producers, one consumer (the sender). Vyukov's bounded queue: each slot's sequence number says
 * whether it is free for the producer of ticket t (seq == t) or filled for the consumer (seq == t + 1).
 */
public final class EventQueue {

    /** Receives drained pairs. */
    @FunctionalInterface
    public interface Sink {
        void accept(int id, long value);
    }

    private final int mask;
    private final int[] ids;
    private final long[] values;
    private final AtomicLongArray seq;
    private final AtomicLong tail = new AtomicLong();
    /** the consumer's next ticket; only the sender thread moves it */
    private long head;

    /** @param capacity rounded up to a power of two, at least 2 */
    public EventQueue(int capacity) {
        int c = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        mask = c - 1;
        ids = new int[c];
        values = new long[c];
        seq = new AtomicLongArray(c);
        for (int i = 0; i < c; i++) {
            seq.set(i, i);
        }
    }

    public int capacity() {
        return mask + 1;
    }

    /** @return false when the queue is full (the caller counts the value as dropped) */
    public boolean offer(int id, long value) {
        for (;;) {
            long t = tail.get();
            int i = (int) t & mask;
            long s = seq.get(i);
            if (s == t) {
                if (tail.compareAndSet(t, t + 1)) {
                    ids[i] = id;
                    values[i] = value;
                    seq.lazySet(i, t + 1); // publishes the plain writes above to the consumer
                    return true;
                }
            } else if (s < t) {
                return false;
            }
            // another producer took ticket t: try the next one
        }
    }

    /** Hands at most {@code max} pairs to {@code sink} (sender thread only); returns how many. */
    public int drain(Sink sink, int max) {
        int n = 0;
        long h = head;
        while (n < max) {
            int i = (int) h & mask;
            if (seq.get(i) != h + 1) {
                break;
            }
            int id = ids[i];
            long v = values[i];
            seq.lazySet(i, h + mask + 1); // free for the producer one lap ahead
            h++;
            n++;
            sink.accept(id, v);
        }
        head = h;
        return n;
    }

    /** Pairs waiting (approximate while producers run). */
    public long size() {
        return Math.max(0, tail.get() - head);
    }
}
