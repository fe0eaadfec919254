package lodestar.shell.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads command lines from a telnet (or netcat) client: strips telnet negotiation (IAC, 0xFF, and what
 * follows it: {@code IAC WILL/WONT/DO/DONT opt}, {@code IAC SB ... IAC SE}, {@code IAC cmd}; {@code IAC IAC}
 * is a literal 0xFF), ends a line at LF, CR, CR LF or CR NUL, applies backspace/DEL, treats Ctrl-D
 * (EOT) like end of input, and drops the line being typed on Ctrl-C ({@code IAC IP} or 0x03).
 * Lines are decoded as UTF-8. Not thread-safe: one reader per connection.
 */
final class TelnetLineReader {

    static final int IAC = 0xFF;
    static final int SE = 0xF0;
    static final int IP = 0xF4;
    static final int SB = 0xFA;
    static final int WILL = 0xFB;
    static final int WONT = 0xFC;
    static final int DO = 0xFD;
    static final int DONT = 0xFE;
    private static final int EOT = 0x04;
    private static final int ETX = 0x03;

    /** A line longer than this (bytes) ends the connection rather than eating memory. */
    static final int MAX_LINE = 64 * 1024;

    private final InputStream in;
    private boolean afterCr;

    TelnetLineReader(InputStream in) {
        this.in = in;
    }

    /** Thrown when a client sends a line longer than {@link #MAX_LINE} bytes. */
    static final class LineTooLongException extends IOException {
        LineTooLongException() {
            super("line longer than " + MAX_LINE + " bytes");
        }
    }

    /**
     * @return the next line without its terminator (possibly empty), or null at end of input / Ctrl-D
     */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(80);
        while (true) {
            int c = in.read();
            if (c < 0 || c == EOT) {
                // a partial last line before EOF still counts, Ctrl-D does not
                return c < 0 && line.size() > 0 ? decode(line) : null;
            }
            if (afterCr) {
                afterCr = false;
                if (c == '\n' || c == 0) {
                    continue;
                }
            }
            if (c == IAC) {
                int cmd = in.read();
                if (cmd < 0) {
                    return null;
                }
                if (cmd == IAC) {
                    append(line, IAC);
                } else if (cmd == WILL || cmd == WONT || cmd == DO || cmd == DONT) {
                    if (in.read() < 0) {
                        return null;
                    }
                } else if (cmd == SB) {
                    if (!skipSubnegotiation()) {
                        return null;
                    }
                } else if (cmd == IP) {
                    line.reset();
                }
                // any other command (NOP, AYT, GA, ...) carries no data
                continue;
            }
            switch (c) {
                case '\r' -> {
                    afterCr = true;
                    return decode(line);
                }
                case '\n' -> {
                    return decode(line);
                }
                case '\b', 0x7F -> backspace(line);
                case ETX -> line.reset();
                case 0 -> {
                    // NUL is padding in the telnet protocol
                }
                default -> append(line, c);
            }
        }
    }

    /** Skips to {@code IAC SE}; false at end of input. */
    private boolean skipSubnegotiation() throws IOException {
        int prev = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return false;
            }
            if (prev == IAC && c == SE) {
                return true;
            }
            // IAC IAC inside a subnegotiation is an escaped data byte, not the start of IAC SE
            prev = prev == IAC && c == IAC ? -1 : c;
        }
    }

    private static void append(ByteArrayOutputStream line, int c) throws LineTooLongException {
        if (line.size() >= MAX_LINE) {
            throw new LineTooLongException();
        }
        line.write(c);
    }

    /** Removes the last character, all of its UTF-8 bytes. */
    private static void backspace(ByteArrayOutputStream line) {
        byte[] b = line.toByteArray();
        int n = b.length;
        while (n > 0 && (b[n - 1] & 0xC0) == 0x80) {
            n--;
        }
        if (n > 0) {
            n--;
        }
        line.reset();
        line.write(b, 0, n);
    }

    private static String decode(ByteArrayOutputStream line) {
        return line.toString(StandardCharsets.UTF_8);
    }
}
