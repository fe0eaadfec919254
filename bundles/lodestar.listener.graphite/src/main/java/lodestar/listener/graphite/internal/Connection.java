package lodestar.listener.graphite.internal;

import java.nio.ByteBuffer;

import lodestar.support.net.InputBuffer;
import lodestar.support.net.TcpServer;

/**
 * Per-connection parsing state of one TCP client; what it parses goes to the {@link Handler} of the thread that
 * serves the connection. Each read counts as a packet. What a read leaves unfinished (a begun line, part of a
 * pickle message) waits in the connection's {@link InputBuffer}, which holds memory only while there is such a
 * remainder, grows with what arrives and stays within the listener's {@code connectionMemory} with the others.
 */
abstract class Connection implements TcpServer.Connection {

    final String peer;
    final Handler h;
    final InputBuffer buffer;
    private final Stats stats;

    Connection(String peer, InputBuffer buffer, Handler h, Stats stats) {
        this.peer = peer;
        this.buffer = buffer;
        this.h = h;
        this.stats = stats;
    }

    @Override
    public final boolean read(ByteBuffer in) {
        stats.packets.increment();
        return consume(in);
    }

    /**
     * Consumes the bytes just read.
     *
     * @return false to close the connection
     */
    abstract boolean consume(ByteBuffer in);

    /** Newline-framed plaintext lines of at most {@code maxLineLength} bytes (+1 for a CR). */
    static final class Lines extends Connection {
        private final int limit;
        /** the begun line was too long: what is left of it, up to its '\n', is skipped */
        private boolean skipping;

        Lines(String peer, int maxLineLength, InputBuffer buffer, Handler h, Stats stats) {
            super(peer, buffer, h, stats);
            this.limit = maxLineLength + 1;
            buffer.limit(limit);
        }

        @Override
        boolean consume(ByteBuffer in) {
            byte[] a = in.array();
            int p = in.position();
            int end = in.limit();
            while (p < end) {
                int nl = p;
                while (nl < end && a[nl] != '\n') {
                    nl++;
                }
                if (nl == end) {
                    return hold(a, p, end);
                }
                if (buffer.length() > 0 || skipping) {
                    // the line an earlier read began ends here
                    if (!hold(a, p, nl)) {
                        return false;
                    }
                    if (!skipping) {
                        h.line(buffer.array(), 0, buffer.length(), peer);
                    }
                    buffer.clear();
                    skipping = false;
                } else if (nl - p > limit) {
                    h.overlongLine(peer, a, p, nl - p);
                } else {
                    h.line(a, p, nl - p, peer);
                }
                p = nl + 1;
            }
            return true;
        }

        /** Keeps the begun line; one that outgrows the limit is counted once and the rest of it skipped. */
        private boolean hold(byte[] a, int from, int to) {
            if (skipping || from == to) {
                return true;
            }
            if (buffer.length() + (to - from) > limit) {
                if (buffer.length() > 0) {
                    h.overlongLine(peer, buffer.array(), 0, buffer.length()); // shows how the line began
                } else {
                    h.overlongLine(peer, a, from, to - from);
                }
                buffer.clear();
                skipping = true;
                return true;
            }
            return buffer.append(a, from, to - from);
        }

        @Override
        public void ended() {
            // a last line without '\n' (printf 'a 1 2' | nc) is still a line
            if (!skipping && buffer.length() > 0) {
                h.line(buffer.array(), 0, buffer.length(), peer);
            }
            buffer.clear();
        }
    }

    /** Carbon's pickle framing: a 4-byte big-endian length, then that many bytes of pickle. */
    static final class Pickles extends Connection {
        private final int max;
        private final byte[] header = new byte[4];
        private int headerLen;
        /** the length of the message being received, or -1 while reading a length */
        private int expecting = -1;

        Pickles(String peer, int maxMessageSize, InputBuffer buffer, Handler h, Stats stats) {
            super(peer, buffer, h, stats);
            this.max = maxMessageSize;
        }

        @Override
        boolean consume(ByteBuffer in) {
            byte[] a = in.array();
            while (in.hasRemaining()) {
                if (expecting < 0) {
                    header[headerLen++] = in.get();
                    if (headerLen == 4) {
                        long size = ((header[0] & 0xffL) << 24) | (header[1] & 0xff) << 16 | (header[2] & 0xff) << 8 | (header[3] & 0xff);
                        headerLen = 0;
                        if (size > max) {
                            // the rest of the stream cannot be trusted to be framed: close
                            h.oversize(peer, size, max);
                            return false;
                        }
                        expecting = (int) size;
                        buffer.limit(expecting);
                    }
                } else if (buffer.length() == 0 && in.remaining() >= expecting) {
                    // the whole message is in this read: parsed where it is, no copy
                    h.pickle(a, in.position(), expecting, peer);
                    in.position(in.position() + expecting);
                    expecting = -1;
                    continue;
                } else {
                    int n = Math.min(in.remaining(), expecting - buffer.length());
                    if (!buffer.append(a, in.position(), n)) {
                        return false; // over the listener's connectionMemory: this connection goes
                    }
                    in.position(in.position() + n);
                }
                if (expecting >= 0 && buffer.length() == expecting) {
                    h.pickle(expecting == 0 ? header : buffer.array(), 0, expecting, peer);
                    buffer.clear();
                    expecting = -1;
                }
            }
            return true;
        }

        @Override
        public void ended() {
            // a partial message is not a message: Carbon drops it too
            buffer.clear();
        }
    }
}
