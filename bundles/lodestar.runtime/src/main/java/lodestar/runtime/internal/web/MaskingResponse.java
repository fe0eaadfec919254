package lodestar.runtime.internal.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * A status printer's answer, held whole (up to {@code maxBytes}) and sent with the values of secrets masked
 * ({@link SecretMask}) once the console is done: text, JSON and HTML as they are, a zip entry by entry. Nothing
 * reaches the client before that, so an answer too large to mask is refused (500) rather than sent unmasked.
 */
final class MaskingResponse extends HttpServletResponseWrapper {

    private final long maxBytes;
    private final Buffer buffer = new Buffer();
    private PrintWriter writer;
    private boolean tooLarge;

    MaskingResponse(HttpServletResponse response, long maxBytes) {
        super(response);
        this.maxBytes = maxBytes;
    }

    @Override
    public ServletOutputStream getOutputStream() {
        return buffer;
    }

    @Override
    public PrintWriter getWriter() {
        if (writer == null) {
            String cs = getCharacterEncoding();
            Charset charset = cs == null ? StandardCharsets.ISO_8859_1 : Charset.forName(cs);
            writer = new PrintWriter(new OutputStreamWriter(buffer, charset));
        }
        return writer;
    }

    @Override
    public void flushBuffer() {
        // held until finish()
    }

    @Override
    public void setContentLength(int len) {
        // the length changes; finish() sets it
    }

    @Override
    public void setContentLengthLong(long len) {
        // idem
    }

    @Override
    public void setHeader(String name, String value) {
        if (!"Content-Length".equalsIgnoreCase(name)) {
            super.setHeader(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (!"Content-Length".equalsIgnoreCase(name)) {
            super.addHeader(name, value);
        }
    }

    @Override
    public void resetBuffer() {
        buffer.bytes.reset();
        super.resetBuffer();
    }

    @Override
    public void reset() {
        buffer.bytes.reset();
        super.reset();
    }

    /**
     * Masks what the console wrote and sends it.
     *
     * @param masked adds how many values were masked
     * @return false when the answer was over {@code maxBytes} or could not be read and was refused instead
     */
    boolean finish(int[] masked) throws IOException {
        if (writer != null) {
            writer.flush();
        }
        HttpServletResponse out = (HttpServletResponse) getResponse();
        byte[] body = buffer.bytes.toByteArray();
        if (!tooLarge) {
            try {
                body = masked(body, getContentType(), masked);
            } catch (IOException e) {
                tooLarge = true;
            }
        }
        if (tooLarge) {
            if (!out.isCommitted()) {
                out.reset();
                out.sendError(SC_INTERNAL_SERVER_ERROR, "the answer is too large to mask its secrets; ask for one printer at a time");
            }
            return false;
        }
        if (body.length > 0) {
            out.setContentLength(body.length);
            out.getOutputStream().write(body);
        }
        return true;
    }

    private byte[] masked(byte[] body, String contentType, int[] masked) throws IOException {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.startsWith("application/zip") || type.startsWith("application/x-zip")) {
            return SecretMask.maskZip(body, maxBytes, masked);
        }
        SecretMask.Format format = SecretMask.formatOf(contentType);
        return format == null ? body : SecretMask.mask(body, format, masked);
    }

    /** The held bytes; past {@code maxBytes} the rest is dropped and the answer refused. */
    private final class Buffer extends ServletOutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);

        @Override
        public void write(int b) {
            if (room(1)) {
                bytes.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (room(len)) {
                bytes.write(b, off, len);
            }
        }

        private boolean room(int len) {
            if (bytes.size() + (long) len > maxBytes) {
                tooLarge = true;
                bytes.reset();
            }
            return !tooLarge;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            throw new UnsupportedOperationException("a status printer's answer is written synchronously");
        }
    }
}
