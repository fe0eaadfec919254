package lodestar.beacon.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A socket's input stream that enforces the probe's overall deadline: before each read the socket's
 * timeout is set to the time left, so a server that trickles one byte a second cannot keep the probe
 * alive past its timeout (a plain SO_TIMEOUT would be reset by every byte). Remembers when the first
 * byte arrived, for the time to first byte.
 */
final class DeadlineInputStream extends InputStream {

    private final Socket socket;
    private final InputStream in;
    private final long deadlineNanos;
    private long firstByteNanos;

    DeadlineInputStream(Socket socket, long deadlineNanos) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.deadlineNanos = deadlineNanos;
    }

    /** When the first byte was read (System.nanoTime), or 0 if none yet. */
    long firstByteNanos() {
        return firstByteNanos;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        long leftMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (leftMillis <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
        int n = in.read(b, off, len);
        if (n > 0 && firstByteNanos == 0) {
            firstByteNanos = System.nanoTime();
        }
        return n;
    }
}
