package lodestar.listener.statsd.internal;

/** Raw lines on their way from a receiver to one shard: '\n'-separated, as received. */
final class Batch {

    /** A batch is handed on once it holds this much; it can always take one more 64 KiB datagram. */
    static final int SOFT_LIMIT = 64 * 1024;

    /** What one batch holds in memory. */
    static final int BYTES = SOFT_LIMIT + 65536 + 2;

    final byte[] data = new byte[BYTES];
    int len;
    final Router owner;

    Batch(Router owner) {
        this.owner = owner;
    }

    void recycle() {
        len = 0;
        owner.free.offer(this);
    }

    int lines() {
        int n = 0;
        int start = 0;
        for (int i = 0; i < len; i++) {
            if (data[i] == '\n') {
                if (i > start) {
                    n++;
                }
                start = i + 1;
            }
        }
        return len > start ? n + 1 : n;
    }
}
