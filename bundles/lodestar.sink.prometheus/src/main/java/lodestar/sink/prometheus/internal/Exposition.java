package lodestar.sink.prometheus.internal;

import lodestar.support.prometheus.PrometheusNames;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link SeriesTable} in the Prometheus text exposition format 0.0.4 or in OpenMetrics 1.0,
 * whichever the scraper's {@code Accept} header asks for. Plain Java, so the servlet and the tests'
 * JDK HTTP server serve the same bytes.
 */
final class Exposition {

    /** The two formats. */
    enum Format {
        TEXT("text/plain; version=0.0.4; charset=utf-8"),
        OPENMETRICS("application/openmetrics-text; version=1.0.0; charset=utf-8");

        final String contentType;

        Format(String contentType) {
            this.contentType = contentType;
        }
    }

    private final SeriesTable table;
    private final boolean timestamps;

    /**
     * @param timestamps whether each sample carries its own timestamp; if not, Prometheus stamps it with
     *                   the scrape time (the usual choice for an exporter, see README)
     */
    Exposition(SeriesTable table, boolean timestamps) {
        this.table = table;
        this.timestamps = timestamps;
    }

    /** OpenMetrics when the Accept header lists {@code application/openmetrics-text} (with q above 0). */
    static Format negotiate(String accept) {
        if (accept == null) {
            return Format.TEXT;
        }
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            if (!parts[0].trim().equalsIgnoreCase("application/openmetrics-text")) {
                continue;
            }
            boolean refused = false;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim().toLowerCase(Locale.ROOT);
                if (p.startsWith("q=")) {
                    try {
                        refused = Double.parseDouble(p.substring(2)) <= 0;
                    } catch (NumberFormatException e) {
                        refused = true;
                    }
                }
            }
            if (!refused) {
                return Format.OPENMETRICS;
            }
        }
        return Format.TEXT;
    }

    /** Whether the scraper accepts a gzip answer. */
    static boolean gzip(String acceptEncoding) {
        return acceptEncoding != null && acceptEncoding.toLowerCase(Locale.ROOT).contains("gzip");
    }

    void write(Writer out, Format format) throws IOException {
        StringBuilder b = new StringBuilder(8192);
        boolean om = format == Format.OPENMETRICS;
        for (SeriesTable.Family f : table.families()) {
            boolean header = false;
            for (Map.Entry<String, SeriesTable.Point> e : f.series.entrySet()) {
                if (!header) {
                    // 0.0.4 names the family as its samples (x_total for a counter), OpenMetrics without _total
                    b.append("# TYPE ").append(om ? f.familyName() : f.sampleName).append(' ')
                            .append(f.type == SeriesTable.Type.COUNTER ? "counter" : "gauge").append('\n');
                    header = true;
                }
                SeriesTable.Point p = e.getValue();
                b.append(f.sampleName).append(e.getKey()).append(' ');
                PrometheusNames.appendValue(b, p.value());
                if (timestamps) {
                    b.append(' ');
                    if (om) { // OpenMetrics: seconds
                        b.append(Math.floorDiv(p.timestamp(), 1000)).append('.');
                        long ms = Math.floorMod(p.timestamp(), 1000);
                        b.append(ms < 10 ? "00" : ms < 100 ? "0" : "").append(ms);
                    } else { // 0.0.4: milliseconds
                        b.append(p.timestamp());
                    }
                }
                b.append('\n');
                if (b.length() > 7000) {
                    out.append(b);
                    b.setLength(0);
                }
            }
        }
        if (om) {
            b.append("# EOF\n");
        }
        out.append(b);
        out.flush();
    }
}
