package lodestar.sink.prometheus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

/** The servlet with stand-in request and response objects: content type, OpenMetrics on request, gzip. */
class MetricsServletTest {

    private final Map<String, String> responseHeaders = new HashMap<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    private void get(MetricsServlet servlet, Map<String, String> requestHeaders) throws Exception {
        HttpServletRequest req = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> switch (m.getName()) {
                    case "getHeader" -> requestHeaders.get((String) a[0]);
                    case "getMethod" -> "GET";
                    default -> null;
                });
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener l) {
            }

            @Override
            public void write(int b) {
                body.write(b);
            }
        };
        HttpServletResponse resp = (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "setContentType" -> responseHeaders.put("Content-Type", (String) a[0]);
                        case "setHeader" -> responseHeaders.put((String) a[0], (String) a[1]);
                        case "getOutputStream" -> {
                            return out;
                        }
                        default -> {
                        }
                    }
                    return null;
                });
        servlet.doGet(req, resp);
    }

    private static MetricsServlet servlet() {
        SeriesTable t = new SeriesTable(60_000, 10, System::currentTimeMillis);
        t.update(List.of(Sample.of("up.time", Tags.EMPTY, 5, 1, Kind.COUNTER)));
        return new MetricsServlet(new Exposition(t, false));
    }

    @Test
    void textByDefault() throws Exception {
        get(servlet(), Map.of());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", responseHeaders.get("Content-Type"));
        assertEquals("# TYPE up_time_total counter\nup_time_total 5\n", body.toString(StandardCharsets.UTF_8));
    }

    @Test
    void openMetricsGzipped() throws Exception {
        get(servlet(), Map.of("Accept", "application/openmetrics-text;version=1.0.0,text/plain;q=0.5",
                "Accept-Encoding", "gzip"));
        assertEquals("application/openmetrics-text; version=1.0.0; charset=utf-8", responseHeaders.get("Content-Type"));
        assertEquals("gzip", responseHeaders.get("Content-Encoding"));
        String text = new String(new GZIPInputStream(new ByteArrayInputStream(body.toByteArray())).readAllBytes(),
                StandardCharsets.UTF_8);
        assertEquals("# TYPE up_time counter\nup_time_total 5\n# EOF\n", text);
    }
}
