package lodestar.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

import lodestar.api.Sample;

/**
 * A bounded FIFO of samples between producers and one sink's writer thread. Producers never block:
 * when the buffer is full the oldest sample is dropped and counted, so a sink that is down for long
 * keeps the most recent data. The writer takes batches, waiting until a batch is full or the flush
 * interval since the oldest waiting sample has passed.
 *
 * <p>Every sample offered gets the next sequence number, so that {@link Settlements} can tell when the samples of
 * one {@link lodestar.api.Pipeline#offerAll} have left the buffer (they leave in order) and which ones were dropped.
 */
final class SampleBuffer {

    /** Told, under the buffer's lock, the sequence numbers of samples dropped to make room (a contiguous range). */
    interface DropListener {
        void dropped(long firstSeq, long lastSeq);
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Sample[] ring;
    private long[] arrivals;
    private long[] seqs;
    private int head;
    private int size;
    private long droppedOldest;
    /** sequence number of the next sample offered */
    private long nextSeq = 1;
    /** sequence number of the last sample taken out by the writer (0: none yet) */
    private volatile long lastTakenSeq;
    private final DropListener dropListener;

    SampleBuffer(int capacity) {
        this(capacity, null);
    }

    SampleBuffer(int capacity, DropListener dropListener) {
        ring = new Sample[capacity];
        arrivals = new long[capacity];
        seqs = new long[capacity];
        this.dropListener = dropListener;
    }

    /** Adds samples; returns how many older samples were dropped to make room. */
    int offer(List<Sample> samples) {
        return offer(samples, null);
    }

    /**
     * Adds samples; returns how many older samples were dropped to make room.
     *
     * @param firstSeq told, under the lock and before any sample is added, the sequence number the first of
     *     {@code samples} gets (the others follow one by one); may be null
     */
    int offer(List<Sample> samples, LongConsumer firstSeq) {
        if (samples.isEmpty()) {
            return 0;
        }
        long now = System.nanoTime();
        int dropped = 0;
        long dropFirst = 0;
        long dropLast = 0;
        lock.lock();
        try {
            if (firstSeq != null) {
                firstSeq.accept(nextSeq);
            }
            int cap = ring.length;
            for (int i = 0, n = samples.size(); i < n; i++) {
                if (size == cap) {
                    if (dropped == 0) {
                        dropFirst = seqs[head];
                    }
                    dropLast = seqs[head];
                    ring[head] = null;
                    head = (head + 1) % cap;
                    size--;
                    dropped++;
                }
                int tail = (head + size) % cap;
                ring[tail] = samples.get(i);
                arrivals[tail] = now;
                seqs[tail] = nextSeq++;
                size++;
            }
            droppedOldest += dropped;
            if (dropped > 0 && dropListener != null) {
                dropListener.dropped(dropFirst, dropLast);
            }
            changed.signal();
        } finally {
            lock.unlock();
        }
        return dropped;
    }

    /** How many more samples fit without dropping any. */
    int free() {
        lock.lock();
        try {
            return ring.length - size;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The sequence number of the last sample taken out by {@link #take} or {@link #poll}: every sample offered
     * before it has left the buffer too.
     */
    long lastTakenSeq() {
        return lastTakenSeq;
    }

    /**
     * Takes up to {@code max} samples, waiting until {@code max} are there or the oldest has waited
     * {@code flushNanos}, or until {@code giveUpNanos} passes (then returns what there is, maybe none).
     */
    List<Sample> take(int max, long flushNanos, long giveUpNanos) throws InterruptedException {
        long giveUpAt = System.nanoTime() + giveUpNanos;
        lock.lock();
        try {
            while (true) {
                long now = System.nanoTime();
                if (size >= max || (size > 0 && now - arrivals[head] >= flushNanos) || now >= giveUpAt) {
                    return drain(max);
                }
                long wait = giveUpAt - now;
                if (size > 0) {
                    wait = Math.min(wait, flushNanos - (now - arrivals[head]));
                }
                changed.awaitNanos(Math.max(wait, TimeUnit.MICROSECONDS.toNanos(100)));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes up to {@code max} samples without waiting. */
    List<Sample> poll(int max) {
        lock.lock();
        try {
            return drain(max);
        } finally {
            lock.unlock();
        }
    }

    private List<Sample> drain(int max) {
        int n = Math.min(max, size);
        List<Sample> out = new ArrayList<>(n);
        int cap = ring.length;
        for (int i = 0; i < n; i++) {
            out.add(ring[head]);
            ring[head] = null;
            if (i == n - 1) {
                lastTakenSeq = seqs[head];
            }
            head = (head + 1) % cap;
        }
        size -= n;
        return out;
    }

    /** Changes the capacity, keeping the newest samples if it shrinks; returns how many were dropped. */
    int resize(int capacity) {
        lock.lock();
        try {
            if (capacity == ring.length) {
                return 0;
            }
            int n = size;
            Sample[] oldRing = ring;
            long[] oldSeqs = seqs;
            int oldHead = head;
            int oldCap = oldRing.length;
            int drop = Math.max(0, n - capacity);
            ring = new Sample[capacity];
            arrivals = new long[capacity];
            seqs = new long[capacity];
            head = 0;
            size = 0;
            long now = System.nanoTime();
            for (int i = drop; i < n; i++) {
                int from = (oldHead + i) % oldCap;
                ring[size] = oldRing[from];
                seqs[size] = oldSeqs[from];
                arrivals[size] = now;
                size++;
            }
            droppedOldest += drop;
            if (drop > 0 && dropListener != null) {
                dropListener.dropped(oldSeqs[oldHead], oldSeqs[(oldHead + drop - 1) % oldCap]);
            }
            return drop;
        } finally {
            lock.unlock();
        }
    }

    void wakeUp() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    long droppedOldest() {
        lock.lock();
        try {
            return droppedOldest;
        } finally {
            lock.unlock();
        }
    }
}
