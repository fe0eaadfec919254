package lodestar.listener.statsd.internal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import lodestar.support.cardinality.CardinalityGuard;
import lodestar.support.log.RateLimitedLog;

/** One parser/aggregator thread owning a disjoint part of the keys (by hash of the sanitized name). */
final class Shard implements Runnable {

    private static final Object STOP = new Object();
    /** Batches a shard's queue holds; beyond them a receiver drops the batch (queue_drops) rather than wait. */
    static final int QUEUE_BATCHES = 128;

    final ArrayBlockingQueue<Object> queue;
    final Aggregator aggregator;
    private final Thread thread;
    /** Running totals for {@link Engine#status()}, published after every batch (read from other threads). */
    volatile long metricsSeen;
    volatile long badSeen;

    private final Consumer<Throwable> onFailure;

    /**
     * @param guard     the listener's, shared by its shards
     * @param onFailure told about a batch that made the parser throw, an Error included (the batch is lost, the
     *                  shard goes on: a thread that died here would leave its keys unflushed for good)
     */
    Shard(int index, Settings s, RateLimitedLog badLog, CardinalityGuard guard, Consumer<Throwable> onFailure, String threadName) {
        this(index, s, QUEUE_BATCHES, badLog, guard, onFailure, threadName);
    }

    Shard(int index, Settings s, int queueBatches, RateLimitedLog badLog, CardinalityGuard guard, Consumer<Throwable> onFailure,
            String threadName) {
        this.queue = new ArrayBlockingQueue<>(queueBatches);
        this.aggregator = new Aggregator(s, badLog, guard);
        this.onFailure = onFailure;
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
                } catch (Throwable e) {
                    // a parser bug the input found, or no memory for a new key: losing the batch beats losing the shard
                    onFailure.accept(e);
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
