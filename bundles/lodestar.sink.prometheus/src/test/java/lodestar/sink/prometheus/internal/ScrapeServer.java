package lodestar.sink.prometheus.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The JDK's HTTP server serving one {@link Exposition} at {@code /metrics} the way {@link MetricsServlet}
 * does, so the tests run Prometheus against the sink's output without an OSGi HTTP service. The exposition
 * can be swapped (one per test), and the format forced to plain text.
 */
final class ScrapeServer implements AutoCloseable {

    static final String PATH = "/metrics";

    private final HttpServer server;
    volatile Exposition exposition;
    volatile boolean textOnly;
    volatile String lastAccept;
    volatile Exposition.Format lastFormat;

    ScrapeServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext(PATH, this::handle);
        server.start();
    }

    String target() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String accept = x.getRequestHeaders().getFirst("Accept");
            lastAccept = accept;
            Exposition.Format format = textOnly ? Exposition.Format.TEXT : Exposition.negotiate(accept);
            lastFormat = format;
            x.getResponseHeaders().set("Content-Type", format.contentType);
            boolean gzip = Exposition.gzip(x.getRequestHeaders().getFirst("Accept-Encoding"));
            if (gzip) {
                x.getResponseHeaders().set("Content-Encoding", "gzip");
            }
            x.sendResponseHeaders(200, 0);
            OutputStream out = x.getResponseBody();
            if (gzip) {
                out = new GZIPOutputStream(out, 8192);
            }
            Exposition e = exposition;
            try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 16384)) {
                if (e != null) {
                    e.write(w, format);
                } else if (format == Exposition.Format.OPENMETRICS) {
                    w.write("# EOF\n");
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
