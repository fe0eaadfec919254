package lodestar.listener.graphite.internal;

import java.nio.ByteBuffer;

import lodestar.support.net.TcpServer;

/**
 * Per-connection parsing state of one TCP client; what it parses goes to the {@link Handler} of the thread that
 * serves the connection. Each read counts as a packet.
 */
abstract class Connection implements TcpServer.Connection {

    final String peer;
    final Handler h;
    private final Stats stats;

    Connection(String peer, Handler h, Stats stats) {
        this.peer = peer;
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

    /** Newline-framed plaintext lines. */
    static final class Lines extends Connection {
        private final byte[] buf;
        private int len;
        private boolean skipping;

        Lines(String peer, int maxLineLength, Handler h, Stats stats) {
            super(peer, h, stats);
            this.buf = new byte[maxLineLength + 1];
        }

        @Override
        boolean consume(ByteBuffer in) {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    if (!skipping) {
                        h.line(buf, 0, len, peer);
                    }
                    skipping = false;
                    len = 0;
                } else if (skipping) {
                    continue;
                } else if (len == buf.length) {
                    // longer than maxLineLength (+1 for a CR): counted once, the rest of it skipped
                    h.badLine(peer, "line longer than maxLineLength", new String(buf, 0, Math.min(100, buf.length), java.nio.charset.StandardCharsets.UTF_8));
                    skipping = true;
                    len = 0;
                } else {
                    buf[len++] = b;
                }
            }
            return true;
        }

        @Override
        public void ended() {
            // a last line without '\n' (printf 'a 1 2' | nc) is still a line
            if (!skipping && len > 0) {
                h.line(buf, 0, len, peer);
            }
            len = 0;
        }
    }

    /** Carbon's pickle framing: a 4-byte big-endian length, then that many bytes of pickle. */
    static final class Pickles extends Connection {
        private final int max;
        private final byte[] header = new byte[4];
        private int headerLen;
        private byte[] body;
        private int bodyLen;

        Pickles(String peer, int maxMessageSize, Handler h, Stats stats) {
            super(peer, h, stats);
            this.max = maxMessageSize;
        }

        @Override
        boolean consume(ByteBuffer in) {
            while (in.hasRemaining()) {
                if (body == null) {
                    header[headerLen++] = in.get();
                    if (headerLen == 4) {
                        long size = ((header[0] & 0xffL) << 24) | (header[1] & 0xff) << 16 | (header[2] & 0xff) << 8 | (header[3] & 0xff);
                        headerLen = 0;
                        if (size > max) {
                            // the rest of the stream cannot be trusted to be framed: close
                            h.oversize(peer, size, max);
                            return false;
                        }
                        body = new byte[(int) size];
                        bodyLen = 0;
                    }
                } else {
                    int n = Math.min(in.remaining(), body.length - bodyLen);
                    in.get(body, bodyLen, n);
                    bodyLen += n;
                }
                if (body != null && bodyLen == body.length) {
                    h.pickle(body, 0, body.length, peer);
                    body = null;
                }
            }
            return true;
        }

        @Override
        public void ended() {
            // a partial message is not a message: Carbon drops it too
        }
    }
}
