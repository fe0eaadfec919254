package lodestar.listener.statsd.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * The receiving side of the hand-off to the shards, owned by one receiver thread: appends raw lines to a
 * per-shard batch and hands full batches on without ever waiting. With one shard a datagram is copied as
 * is; with several, each line goes to the shard of its sanitized name's hash, so a key lives in one shard
 * (runs of consecutive lines for one shard are copied together, a packet for one shard whole).
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
            // the one copy out of the direct buffer goes straight into the shard's batch
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

    /**
     * One packet (several lines) from a heap array. With several shards, consecutive lines bound for the same
     * shard are copied as one run: a packet whose lines all hash to one shard is copied once, whole.
     */
    void packet(byte[] data, int off, int len) {
        int end = off + len;
        if (shards.length == 1) {
            while (off < end) {
                int n = Math.min(end - off, 65536);
                append(0, data, off, n);
                off += n;
            }
            return;
        }
        int runStart = off;
        int runShard = -1;
        int s = off;
        while (s < end) {
            // Bytes.sanitizedHash of the name (up to the first ':', or the whole line) fused with the scan
            int h = Bytes.FNV_SEED;
            boolean ws = false;
            int e = s;
            for (; e < end; e++) {
                byte c = data[e];
                if (c == ':' || c == '\n') {
                    break;
                }
                byte m = Bytes.SANITIZE[c & 0xff];
                if (m == Bytes.DROP) {
                    continue;
                }
                if (m == Bytes.WS) {
                    if (ws) {
                        continue;
                    }
                    ws = true;
                    m = '_';
                } else {
                    ws = false;
                }
                h = (h ^ m) * Bytes.FNV_PRIME;
            }
            if (e < end && data[e] == ':') {
                int nl = Bytes.indexOf(data, e + 1, end, (byte) '\n');
                e = nl < 0 ? end : nl;
            }
            if (e > s) {
                int shard = (h & 0x7fffffff) % shards.length;
                if (shard != runShard || e - runStart > 65536) {
                    if (runShard >= 0) {
                        append(runShard, data, runStart, s - 1 - runStart);
                    }
                    runShard = shard;
                    runStart = s;
                }
            }
            s = e + 1;
        }
        if (runShard >= 0) {
            append(runShard, data, runStart, Math.min(end, s - 1) - runStart);
        }
    }

    /** Appends {@code n <= 65536} bytes and a '\n' to the shard's batch; hands the batch on when full. */
    private void append(int shard, byte[] data, int off, int n) {
        Batch b = batch(shard);
        System.arraycopy(data, off, b.data, b.len, n);
        b.len += n;
        b.data[b.len++] = '\n';
        if (b.len >= Batch.SOFT_LIMIT) {
            publish(shard);
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
}
