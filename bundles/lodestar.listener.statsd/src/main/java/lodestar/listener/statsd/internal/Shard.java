package lodestar.listener.statsd.internal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;

import lodestar.support.log.RateLimitedLog;

/** One parser/aggregator thread owning a disjoint part of the keys (by hash of the sanitized name). */
final class Shard implements Runnable {

    private static final Object STOP = new Object();

    final ArrayBlockingQueue<Object> queue;
    final Aggregator aggregator;
    private final Thread thread;
    /** Running totals for {@link Engine#status()}, published after every batch (read from other threads). */
    volatile long metricsSeen;
    volatile long badSeen;

    Shard(int index, Settings s, RateLimitedLog badLog, String threadName) {
        this.queue = new ArrayBlockingQueue<>(s.queueBatches);
        this.aggregator = new Aggregator(s, badLog);
        this.thread = new Thread(this, threadName + "-shard-" + index);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        while (true) {
            Object o;
            try {
                o = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (o instanceof Batch b) {
                try {
                    aggregator.packet(b.data, 0, b.len);
                } finally {
                    b.recycle();
                    metricsSeen = aggregator.metricsTotal();
                    badSeen = aggregator.badTotal();
                }
            } else if (o instanceof CompletableFuture<?> f) {
                @SuppressWarnings("unchecked")
                CompletableFuture<Snapshot> snap = (CompletableFuture<Snapshot>) f;
                try {
                    snap.complete(aggregator.snapshot());
                } catch (Throwable t) {
                    snap.completeExceptionally(t);
                }
            } else if (o == STOP) {
                return;
            }
        }
    }

    void stop() throws InterruptedException {
        queue.put(STOP);
        thread.join(5000);
    }
}
