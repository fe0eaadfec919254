package lodestar.sink.prometheus.internal;

import lodestar.support.prometheus.PrometheusNames;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.Map;

import lodestar.api.Histogram;

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
                    // a counter named like a histogram's series (x_bucket, x_count, x_sum: they come so from remote
                    // write) has no _total: OpenMetrics would refuse it as a counter, so it is 'unknown' there
                    boolean plain = om && f.type == SeriesTable.Type.COUNTER && !f.sampleName.endsWith("_total");
                    b.append("# TYPE ").append(om ? f.familyName() : f.sampleName).append(' ')
                            .append(plain ? "unknown" : f.type.name().toLowerCase(Locale.ROOT)).append('\n');
                    header = true;
                }
                SeriesTable.Point p = e.getValue();
                if (p.histogram() != null) {
                    distribution(b, f.sampleName, e.getKey(), p, om);
                } else {
                    line(b, f.sampleName, e.getKey(), null, null, p.value(), p.timestamp(), om);
                }
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

    /**
     * A histogram as classic {@code _bucket{le}} (cumulative), {@code _sum}, {@code _count} lines; a summary as
     * {@code {quantile}} lines, {@code _sum}, {@code _count}. An exponential histogram is written with one
     * {@code le} per bucket boundary: negative buckets (upper bound {@code -base^i}), the zero bucket (upper bound
     * its threshold), positive buckets ({@code base^(i+1)}), then {@code +Inf}; the counts are the same, only
     * cumulative.
     */
    private void distribution(StringBuilder b, String name, String labels, SeriesTable.Point p, boolean om) {
        Histogram h = p.histogram();
        long ts = p.timestamp();
        switch (h.layout()) {
        case SUMMARY -> {
            double[] q = h.quantiles();
            double[] v = h.quantileValues();
            for (int i = 0; i < q.length; i++) {
                line(b, name, labels, "quantile", q[i], v[i], ts, om);
            }
        }
        case EXPLICIT -> {
            long cumulative = 0;
            for (int i = 0; i < h.boundCount(); i++) {
                cumulative += h.bucketCount(i);
                line(b, name + "_bucket", labels, "le", h.bound(i), cumulative, ts, om);
            }
            line(b, name + "_bucket", labels, "le", Double.POSITIVE_INFINITY, h.count(), ts, om);
        }
        case EXPONENTIAL -> {
            long cumulative = 0;
            long[] neg = h.negativeCounts();
            for (int i = neg.length - 1; i >= 0; i--) { // most negative first
                cumulative += neg[i];
                line(b, name + "_bucket", labels, "le", -Histogram.upperBound(h.scale(), h.negativeOffset() + i - 1), cumulative,
                        ts, om);
            }
            cumulative += h.zeroCount();
            line(b, name + "_bucket", labels, "le", h.zeroThreshold(), cumulative, ts, om);
            long[] pos = h.positiveCounts();
            for (int i = 0; i < pos.length; i++) {
                cumulative += pos[i];
                line(b, name + "_bucket", labels, "le", Histogram.upperBound(h.scale(), h.positiveOffset() + i), cumulative,
                        ts, om);
            }
            line(b, name + "_bucket", labels, "le", Double.POSITIVE_INFINITY, h.count(), ts, om);
        }
        }
        if (!Double.isNaN(h.sum())) {
            line(b, name + "_sum", labels, null, null, h.sum(), ts, om);
        }
        line(b, name + "_count", labels, null, null, h.count(), ts, om);
    }

    /** One sample line; {@code extraKey} (le, quantile) joins the rendered {@code labels} when not null. */
    private void line(StringBuilder b, String name, String labels, String extraKey, Double extraValue, double value, long ts,
            boolean om) {
        b.append(name);
        if (extraKey == null) {
            b.append(labels);
        } else {
            b.append(labels.isEmpty() ? "{" : labels.substring(0, labels.length() - 1) + ",").append(extraKey).append("=\"");
            PrometheusNames.appendValue(b, extraValue);
            if (om && extraValue == Math.rint(extraValue) && !extraValue.isInfinite() && Math.abs(extraValue) < 1e15) {
                b.append(".0"); // OpenMetrics wants le and quantile as canonical floats: 1.0, not 1
            }
            b.append("\"}");
        }
        b.append(' ');
        PrometheusNames.appendValue(b, value);
        if (timestamps) {
            b.append(' ');
            if (om) { // OpenMetrics: seconds
                b.append(Math.floorDiv(ts, 1000)).append('.');
                long ms = Math.floorMod(ts, 1000);
                b.append(ms < 10 ? "00" : ms < 100 ? "0" : "").append(ms);
            } else { // 0.0.4: milliseconds
                b.append(ts);
            }
        }
        b.append('\n');
    }
}
