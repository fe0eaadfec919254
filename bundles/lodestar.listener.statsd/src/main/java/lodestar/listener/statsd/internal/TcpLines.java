package lodestar.listener.statsd.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

import lodestar.support.net.InputBuffer;
import lodestar.support.net.TcpServer;

/**
 * StatsD over TCP, one client: newline-framed lines. Like Etsy's tcp server, every read that completes at least
 * one line is one "packet". Complete lines go to the TCP thread's {@link Router} straight from the read buffer;
 * only a line begun in one read and ended in a later one is kept, in the connection's {@link InputBuffer}: a
 * connection holds nothing between lines, at most {@code maxLineLength + 1} bytes of a begun line, and all
 * connections together at most the listener's {@code connectionMemory} (past it the one holding the most is
 * closed). A line longer than {@code maxLineLength} is handed on cut at that length (the shard counts it as
 * overlong, a bad line) and the rest of it skipped; a last line without '\n' is dropped when the client closes.
 */
final class TcpLines implements TcpServer.Connection {

    private final Router router;
    private final LongAdder packets;
    /** the begun line; one byte more than a line may have, so that an overlong one shows as such */
    private final InputBuffer partial;
    /** the begun line was too long: what is left of it, up to its '\n', is skipped */
    private boolean skipping;

    TcpLines(Router router, LongAdder packets, int maxLineLength, InputBuffer partial) {
        this.router = router;
        this.packets = packets;
        this.partial = partial;
        partial.limit(maxLineLength + 1);
    }

    @Override
    public boolean read(ByteBuffer in) {
        byte[] a = in.array();
        int start = in.arrayOffset() + in.position();
        int end = in.arrayOffset() + in.limit();
        int first = Bytes.indexOf(a, start, end, (byte) '\n');
        if (first < 0) {
            return hold(a, start, end);
        }
        boolean completed = false;
        if (partial.length() > 0 || skipping) {
            // the line an earlier read began ends here
            if (!hold(a, start, first)) {
                return false;
            }
            if (!skipping) {
                router.packet(partial.array(), 0, partial.length());
                completed = true;
            }
            partial.clear();
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
        return hold(a, start, end);
    }

    /**
     * Keeps the begun line's bytes; one that outgrows {@code maxLineLength} is handed on cut, then skipped.
     *
     * @return false when the listener's connection memory cannot hold them: the connection is to be closed
     */
    private boolean hold(byte[] a, int from, int to) {
        if (skipping || from == to) {
            return true;
        }
        int n = to - from;
        int room = partial.limit() - partial.length();
        if (n > room) {
            if (!partial.append(a, from, room)) {
                return false;
            }
            packets.increment();
            router.packet(partial.array(), 0, partial.length());
            partial.clear();
            skipping = true;
            return true;
        }
        return partial.append(a, from, n);
    }
}
