package lodestar.runtime.internal.web;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * A console answer on its way out: once the console has authenticated the request and starts its answer (any
 * status but 401 and the errors), it gets the token in the header {@value CsrfPolicy#HEADER}, and an HTML page
 * (a GET answered 200) gets {@link TokenScript} right after its {@code <head>} tag. The output is held only until
 * that tag has passed (at most {@link TokenScript#SEARCH_LIMIT} characters), then streams; a page without one is
 * sent unchanged. An HTML page's length changes, so a length the console sets for it is dropped (the answer is
 * chunked instead).
 */
final class ConsoleResponse extends HttpServletResponseWrapper {

    private final String token;
    private final boolean page;
    private boolean started;
    private boolean inject;
    private InjectingWriter writer;
    private InjectingStream stream;

    /**
     * @param page whether the request is a GET whose HTML answer should get the script
     */
    ConsoleResponse(HttpServletResponse response, String token, boolean page) {
        super(response);
        this.token = token;
        this.page = page;
    }

    /** Decides, when the answer starts, whether it is authenticated (the token header) and an HTML page. */
    private void start() {
        if (started) {
            return;
        }
        started = true;
        int status = getStatus();
        if (status < 400) {
            setHeader(CsrfPolicy.HEADER, token);
        }
        inject = page && status == SC_OK && isHtml(getContentType());
    }

    private static boolean isHtml(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("text/html");
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        start();
        if (!inject) {
            return super.getWriter();
        }
        if (writer == null) {
            writer = new InjectingWriter(super.getWriter(), TokenScript.html(token));
        }
        return writer.print;
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        start();
        if (!inject) {
            return super.getOutputStream();
        }
        if (stream == null) {
            stream = new InjectingStream(super.getOutputStream(), TokenScript.html(token));
        }
        return stream;
    }

    @Override
    public void flushBuffer() throws IOException {
        start();
        super.flushBuffer();
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        start();
        super.sendRedirect(location);
    }

    @Override
    public void setContentLength(int len) {
        if (!lengthChanges()) {
            super.setContentLength(len);
        }
    }

    @Override
    public void setContentLengthLong(long len) {
        if (!lengthChanges()) {
            super.setContentLengthLong(len);
        }
    }

    @Override
    public void setHeader(String name, String value) {
        if (!("Content-Length".equalsIgnoreCase(name) && lengthChanges())) {
            super.setHeader(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (!("Content-Length".equalsIgnoreCase(name) && lengthChanges())) {
            super.addHeader(name, value);
        }
    }

    @Override
    public void setIntHeader(String name, int value) {
        if (!("Content-Length".equalsIgnoreCase(name) && lengthChanges())) {
            super.setIntHeader(name, value);
        }
    }

    /** Whether the script may still go into this answer, which makes a length set now wrong. */
    private boolean lengthChanges() {
        return page && (started ? inject : isHtml(getContentType()));
    }

    /** Sends what is still held (a page whose head tag never came); called once the console is done. */
    void finish() throws IOException {
        if (writer != null) {
            writer.release();
            writer.print.flush();
        }
        if (stream != null) {
            stream.release();
        }
    }

    /** Holds characters until the head tag has passed, then writes them with the script after it. */
    private static final class InjectingWriter extends Writer {
        private final PrintWriter out;
        private final String script;
        private final PrintWriter print;
        private StringBuilder held = new StringBuilder();

        InjectingWriter(PrintWriter out, String script) {
            this.out = out;
            this.script = script;
            this.print = new PrintWriter(this);
        }

        @Override
        public void write(char[] cbuf, int off, int len) {
            if (held == null) {
                out.write(cbuf, off, len);
                return;
            }
            held.append(cbuf, off, len);
            int at = TokenScript.afterHeadTag(held);
            if (at >= 0) {
                out.append(held, 0, at).append(script).append(held, at, held.length());
                held = null;
            } else if (held.length() > TokenScript.SEARCH_LIMIT) {
                release();
            }
        }

        void release() {
            if (held != null) {
                out.append(held);
                held = null;
            }
        }

        @Override
        public void flush() {
            // what is held stays held: the script must still go in front of it
            if (held == null) {
                out.flush();
            }
        }

        @Override
        public void close() {
            release();
            out.close();
        }
    }

    /** The same for bytes, read as ISO-8859-1 to find the tag (the script is ASCII). */
    private static final class InjectingStream extends ServletOutputStream {
        private final ServletOutputStream out;
        private final byte[] script;
        private java.io.ByteArrayOutputStream held = new java.io.ByteArrayOutputStream();

        InjectingStream(ServletOutputStream out, String script) {
            this.out = out;
            this.script = script.getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (held == null) {
                out.write(b, off, len);
                return;
            }
            held.write(b, off, len);
            byte[] bytes = held.toByteArray();
            int at = TokenScript.afterHeadTag(new String(bytes, StandardCharsets.ISO_8859_1));
            if (at >= 0) {
                write(out, bytes, 0, at);
                out.write(script);
                write(out, bytes, at, bytes.length - at);
                held = null;
            } else if (bytes.length > TokenScript.SEARCH_LIMIT) {
                release();
            }
        }

        private static void write(OutputStream out, byte[] b, int off, int len) throws IOException {
            if (len > 0) {
                out.write(b, off, len);
            }
        }

        void release() throws IOException {
            if (held != null) {
                held.writeTo(out);
                held = null;
            }
        }

        @Override
        public void flush() throws IOException {
            if (held == null) {
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            release();
            out.close();
        }

        @Override
        public boolean isReady() {
            return out.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            out.setWriteListener(listener);
        }
    }
}
