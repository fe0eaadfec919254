package lodestar.listener.statsd.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

import lodestar.support.net.TcpServer;

/**
 * StatsD over TCP, one client: newline-framed lines. Like Etsy's tcp server, every read that completes at least
 * one line is one "packet". Complete lines go to the TCP thread's {@link Router} straight from the read buffer;
 * only a line begun in one read and ended in a later one is kept here, so a connection holds at most
 * {@code maxLineLength + 1} bytes. A line longer than that is handed on cut at that length (the shard counts it
 * as overlong, a bad line) and the rest of it skipped; a last line without '\n' is dropped when the client
 * closes.
 */
final class TcpLines implements TcpServer.Connection {

    private final Router router;
    private final LongAdder packets;
    /** the begun line; one byte more than a line may have, so that an overlong one shows as such */
    private final byte[] partial;
    private int len;
    /** the begun line was too long: what is left of it, up to its '\n', is skipped */
    private boolean skipping;

    TcpLines(Router router, LongAdder packets, int maxLineLength) {
        this.router = router;
        this.packets = packets;
        this.partial = new byte[maxLineLength + 1];
    }

    @Override
    public boolean read(ByteBuffer in) {
        byte[] a = in.array();
        int start = in.arrayOffset() + in.position();
        int end = in.arrayOffset() + in.limit();
        int first = Bytes.indexOf(a, start, end, (byte) '\n');
        if (first < 0) {
            hold(a, start, end);
            return true;
        }
        boolean completed = false;
        if (len > 0 || skipping) {
            // the line an earlier read began ends here
            hold(a, start, first);
            if (!skipping) {
                router.packet(partial, 0, len);
                completed = true;
            }
            len = 0;
            skipping = false;
            start = first + 1;
        }
        int last = end - 1;
        while (last >= start && a[last] != '\n') {
            last--;
        }
        if (last >= start) {
            router.packet(a, start, last - start);
            completed = true;
            start = last + 1;
        }
        if (completed) {
            packets.increment();
        }
        hold(a, start, end);
        return true;
    }

    /** Keeps the begun line's bytes; one that outgrows {@code maxLineLength} is handed on cut, then skipped. */
    private void hold(byte[] a, int from, int to) {
        if (skipping || from == to) {
            return;
        }
        int n = to - from;
        if (len + n > partial.length) {
            int fit = partial.length - len;
            System.arraycopy(a, from, partial, len, fit);
            packets.increment();
            router.packet(partial, 0, partial.length);
            len = 0;
            skipping = true;
            return;
        }
        System.arraycopy(a, from, partial, len, n);
        len += n;
    }
}
