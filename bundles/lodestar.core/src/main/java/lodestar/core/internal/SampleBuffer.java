package lodestar.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import lodestar.api.Sample;

/**
 * A bounded FIFO of samples between producers and one sink's writer thread. Producers never block:
 * when the buffer is full the oldest sample is dropped and counted, so a sink that is down for long
 * keeps the most recent data. The writer takes batches, waiting until a batch is full or the flush
 * interval since the oldest waiting sample has passed.
 */
final class SampleBuffer {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Sample[] ring;
    private long[] arrivals;
    private int head;
    private int size;
    private long droppedOldest;

    SampleBuffer(int capacity) {
        ring = new Sample[capacity];
        arrivals = new long[capacity];
    }

    /** Adds samples; returns how many older samples were dropped to make room. */
    int offer(List<Sample> samples) {
        if (samples.isEmpty()) {
            return 0;
        }
        long now = System.nanoTime();
        int dropped = 0;
        lock.lock();
        try {
            int cap = ring.length;
            for (int i = 0, n = samples.size(); i < n; i++) {
                if (size == cap) {
                    ring[head] = null;
                    head = (head + 1) % cap;
                    size--;
                    dropped++;
                }
                int tail = (head + size) % cap;
                ring[tail] = samples.get(i);
                arrivals[tail] = now;
                size++;
            }
            droppedOldest += dropped;
            changed.signal();
        } finally {
            lock.unlock();
        }
        return dropped;
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
            List<Sample> all = drain(size);
            int drop = Math.max(0, all.size() - capacity);
            ring = new Sample[capacity];
            arrivals = new long[capacity];
            head = 0;
            size = 0;
            long now = System.nanoTime();
            for (int i = drop; i < all.size(); i++) {
                ring[size] = all.get(i);
                arrivals[size] = now;
                size++;
            }
            droppedOldest += drop;
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
