package lodestar.sink.prometheus.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Serves an {@link Exposition} at the sink's path (GET and HEAD), gzipped when the scraper accepts it. */
final class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient Exposition exposition;

    MetricsServlet(Exposition exposition) {
        this.exposition = exposition;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Exposition.Format format = Exposition.negotiate(req.getHeader("Accept"));
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setContentType(format.contentType);
        resp.setHeader("Cache-Control", "no-store");
        boolean gzip = Exposition.gzip(req.getHeader("Accept-Encoding"));
        if (gzip) {
            resp.setHeader("Content-Encoding", "gzip");
        }
        OutputStream out = resp.getOutputStream();
        if (gzip) {
            out = new GZIPOutputStream(out, 8192);
        }
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 16384)) {
            exposition.write(w, format);
        }
    }
}
