package lodestar.beacon.http.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 response read off a connection: status line, headers, and the body (Content-Length,
 * chunked, or up to the end of the connection). Only the first {@code maxBody} bytes of the body are
 * kept, for the body regex; the rest is counted and dropped.
 */
final class Response {

    /** A response the check cannot use: not HTTP, cut short, oversized headers. */
    static final class ProtocolException extends IOException {
        ProtocolException(String message) {
            super(message);
        }
    }

    private static final int MAX_HEADER_BYTES = 64 * 1024;

    final int status;
    final String reason;
    /** Lower-case names; the last value wins for repeated headers, which is enough for what we read. */
    final Map<String, String> headers;
    final long size;
    final String body;

    private Response(int status, String reason, Map<String, String> headers, long size, String body) {
        this.status = status;
        this.reason = reason;
        this.headers = headers;
        this.size = size;
        this.body = body;
    }

    /**
     * Reads one response, skipping interim 1xx responses.
     *
     * @param method the request method: a HEAD response has no body whatever its headers say
     */
    static Response read(InputStream raw, String method, int maxBody) throws IOException {
        InputStream in = new BufferedInputStream(raw, 8192);
        while (true) {
            int[] budget = {MAX_HEADER_BYTES};
            String statusLine = line(in, budget);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new ProtocolException("not an HTTP/1.x status line: '" + shorten(statusLine) + "'");
            }
            int status;
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new ProtocolException("bad status code in '" + shorten(statusLine) + "'");
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h = line(in, budget); !h.isEmpty(); h = line(in, budget)) {
                int colon = h.indexOf(':');
                if (colon > 0) {
                    headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
                }
            }
            if (status >= 100 && status < 200) {
                continue; // 100 Continue, 103 Early Hints: the real response follows
            }
            String reason = parts.length > 2 ? parts[2].trim() : "";
            Body body = new Body(maxBody);
            if (hasBody(method, status)) {
                readBody(in, headers, body);
            }
            return new Response(status, reason, headers, body.size, body.text(charset(headers.get("content-type"))));
        }
    }

    private static boolean hasBody(String method, int status) {
        return !"HEAD".equals(method) && status != 204 && status != 304;
    }

    private static void readBody(InputStream in, Map<String, String> headers, Body body) throws IOException {
        String te = headers.get("transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            readChunked(in, body);
            return;
        }
        String cl = headers.get("content-length");
        if (cl != null) {
            long n;
            try {
                n = Long.parseLong(cl.trim());
            } catch (NumberFormatException e) {
                throw new ProtocolException("bad Content-Length '" + cl + "'");
            }
            copy(in, body, n);
            return;
        }
        copy(in, body, -1); // no length: the body ends with the connection (we asked for Connection: close)
    }

    private static void readChunked(InputStream in, Body body) throws IOException {
        int[] budget = {MAX_HEADER_BYTES};
        while (true) {
            String sizeLine = line(in, budget);
            int semi = sizeLine.indexOf(';');
            String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim();
            long n;
            try {
                n = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new ProtocolException("bad chunk size '" + shorten(sizeLine) + "'");
            }
            if (n == 0) {
                while (!line(in, budget).isEmpty()) {
                    // trailers: not used
                }
                return;
            }
            copy(in, body, n);
            line(in, budget); // the CRLF after the chunk
            budget[0] = MAX_HEADER_BYTES;
        }
    }

    /** Copies {@code n} bytes (or, when n &lt; 0, everything up to the end of the stream) into the body. */
    private static void copy(InputStream in, Body body, long n) throws IOException {
        byte[] buf = new byte[8192];
        long left = n;
        while (n < 0 || left > 0) {
            int r = in.read(buf, 0, n < 0 ? buf.length : (int) Math.min(buf.length, left));
            if (r < 0) {
                if (n < 0) {
                    return;
                }
                throw new ProtocolException("body cut short: " + (n - left) + " of " + n + " bytes");
            }
            body.add(buf, r);
            left -= r;
        }
    }

    /** One CRLF- (or LF-) terminated line, ISO-8859-1, without the terminator. */
    private static String line(InputStream in, int[] budget) throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException(b.length() == 0 ? "connection closed before a complete response"
                        : "connection closed in the middle of a line");
            }
            if (--budget[0] < 0) {
                throw new ProtocolException("response headers larger than " + MAX_HEADER_BYTES + " bytes");
            }
            if (c == '\n') {
                int len = b.length();
                if (len > 0 && b.charAt(len - 1) == '\r') {
                    b.setLength(len - 1);
                }
                return b.toString();
            }
            b.append((char) c);
        }
    }

    private static Charset charset(String contentType) {
        if (contentType != null) {
            for (String p : contentType.split(";")) {
                String t = p.trim();
                if (t.regionMatches(true, 0, "charset=", 0, 8)) {
                    try {
                        return Charset.forName(t.substring(8).replace("\"", "").trim());
                    } catch (RuntimeException e) {
                        break; // unknown charset: UTF-8 is the best guess
                    }
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /** Counts every body byte, keeps the first {@code max}. */
    private static final class Body {
        private final int max;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long size;

        Body(int max) {
            this.max = max;
        }

        void add(byte[] buf, int n) {
            size += n;
            int room = max - kept.size();
            if (room > 0) {
                kept.write(buf, 0, Math.min(room, n));
            }
        }

        String text(Charset cs) {
            return new String(kept.toByteArray(), cs);
        }
    }
}
