package lodestar.listener.statsd.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * The receiving side of the hand-off to the shards, owned by one receiver thread: appends raw lines to a
 * per-shard batch and hands full batches on without ever waiting. With one shard a datagram is copied as
 * is; with several, each line goes to the shard of its sanitized name's hash, so a key lives in one shard.
 * A shard that is behind (queue full) costs the batch, counted in {@code queueDrops} (lines), never a wait.
 */
final class Router {

    final ConcurrentLinkedQueue<Batch> free = new ConcurrentLinkedQueue<>();
    private final Shard[] shards;
    private final Batch[] current;
    private final LongAdder queueDrops;
    private final byte[] scratch = new byte[65536];

    Router(Shard[] shards, LongAdder queueDrops) {
        this.shards = shards;
        this.current = new Batch[shards.length];
        this.queueDrops = queueDrops;
    }

    private Batch batch(int shard) {
        Batch b = current[shard];
        if (b == null) {
            b = free.poll();
            if (b == null) {
                b = new Batch(this);
            }
            current[shard] = b;
        }
        return b;
    }

    /** One datagram from a (direct) buffer, position to limit. */
    void packet(ByteBuffer buf) {
        int n = buf.remaining();
        if (shards.length == 1) {
            Batch b = batch(0);
            buf.get(b.data, b.len, n);
            b.len += n;
            b.data[b.len++] = '\n';
            if (b.len >= Batch.SOFT_LIMIT) {
                publish(0);
            }
            return;
        }
        buf.get(scratch, 0, n);
        packet(scratch, 0, n);
    }

    /** One packet (several lines) from a heap array. */
    void packet(byte[] data, int off, int len) {
        int end = off + len;
        if (shards.length == 1) {
            while (off < end) {
                Batch b = batch(0);
                int n = Math.min(end - off, 65536);
                System.arraycopy(data, off, b.data, b.len, n);
                b.len += n;
                b.data[b.len++] = '\n';
                off += n;
                if (b.len >= Batch.SOFT_LIMIT) {
                    publish(0);
                }
            }
            return;
        }
        int s = off;
        while (s < end) {
            int nl = Bytes.indexOf(data, s, end, (byte) '\n');
            int e = nl < 0 ? end : nl;
            if (e > s) {
                int colon = Bytes.indexOf(data, s, e, (byte) ':');
                int h = Bytes.sanitizedHash(data, s, colon < 0 ? e : colon);
                int shard = (h & 0x7fffffff) % shards.length;
                Batch b = batch(shard);
                int n = Math.min(e - s, 65536);
                System.arraycopy(data, s, b.data, b.len, n);
                b.len += n;
                b.data[b.len++] = '\n';
                if (b.len >= Batch.SOFT_LIMIT) {
                    publish(shard);
                }
            }
            s = e + 1;
        }
    }

    private void publish(int shard) {
        Batch b = current[shard];
        if (b == null || b.len == 0) {
            return;
        }
        current[shard] = null;
        if (!shards[shard].queue.offer(b)) {
            queueDrops.add(b.lines());
            b.recycle();
        }
    }

    /** Hands every partly filled batch on (it is time). */
    void publishAll() {
        for (int i = 0; i < current.length; i++) {
            publish(i);
        }
    }

    /**
     * The receiver is idle: hands a partly filled batch only to a shard that has nothing queued, so a busy
     * shard gets fewer, fuller batches (its queue holds batches, not lines).
     *
     * @return true when some data is still held back
     */
    boolean publishIdle() {
        boolean held = false;
        for (int i = 0; i < current.length; i++) {
            Batch b = current[i];
            if (b != null && b.len > 0) {
                if (shards[i].queue.isEmpty()) {
                    publish(i);
                } else {
                    held = true;
                }
            }
        }
        return held;
    }
}
