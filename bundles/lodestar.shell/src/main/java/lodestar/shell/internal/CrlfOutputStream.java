package lodestar.shell.internal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Turns a bare LF into CR LF: a telnet client (network virtual terminal) moves down on LF but does not
 * return to the first column, so Gogo's {@code \n} output would otherwise come out as a staircase.
 * CR LF already present is passed through unchanged.
 */
final class CrlfOutputStream extends FilterOutputStream {

    private int last = -1;

    CrlfOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (b == '\n' && last != '\r') {
            out.write('\r');
        }
        out.write(b);
        last = b & 0xFF;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int start = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (b[i] == '\n' && (i > off ? b[i - 1] : (byte) last) != '\r') {
                out.write(b, start, i - start);
                out.write('\r');
                start = i;
            }
        }
        out.write(b, start, end - start);
        if (len > 0) {
            last = b[end - 1] & 0xFF;
        }
    }
}
