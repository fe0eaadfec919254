package lodestar.sink.prometheus.internal;

import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;
import org.osgi.service.servlet.whiteboard.annotations.RequireHttpWhiteboard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.Servlet;
import lodestar.api.Sample;
import lodestar.api.Sink;
import lodestar.support.config.Units;

/**
 * A pull endpoint for Prometheus: {@link #write} keeps the latest value of every series, and a servlet
 * registered with the Jakarta servlet whiteboard (Felix http.jetty) serves them at {@code path} in the
 * text exposition format or OpenMetrics. A write never fails: there is no backend to be down, Prometheus
 * comes and takes what is there.
 */
@Component(name = PrometheusSink.PID, configurationPid = PrometheusSink.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = Sink.class,
        // histograms arrive whole and are served as Prometheus histograms and summaries (README, "Histograms")
        property = "lodestar.sink.histograms:Boolean=true")
@Designate(ocd = PrometheusSink.Config.class, factory = true)
@RequireHttpWhiteboard
public final class PrometheusSink implements Sink {

    static final String PID = "lodestar.sink.prometheus";

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusSink.class);

    @ObjectClassDefinition(name = "Lodestar Prometheus sink",
            description = "Holds the latest value of every series and serves them for Prometheus to scrape, in"
                    + " the text exposition format or OpenMetrics, on the platform's HTTP server. One"
                    + " configuration per endpoint (each its own path): conf/lodestar.sink.prometheus.cfg or"
                    + " conf/lodestar.sink.prometheus-<name>.cfg.")
    public @interface Config {

        @AttributeDefinition(name = "Path", description = "Where the endpoint is served on the platform's HTTP"
                + " server (http://127.0.0.1:8080/metrics by default). Each instance needs its own path.")
        String path() default "/metrics";

        @AttributeDefinition(name = "Stale after", description = "A series not written for this long is no"
                + " longer served (a host or disk that went away). A duration, longer than the slowest beacon's"
                + " interval: 5m.")
        String staleAfter() default "5m";

        @AttributeDefinition(name = "Expose timestamps", description = "false: Prometheus stamps each value with"
                + " its scrape time (the usual exporter behaviour; staleness handling works). true: each value"
                + " carries the time it was measured; Prometheus then keeps that time, but a series older than"
                + " its 5 minute lookback disappears from queries and gets no staleness marker.")
        boolean exposeTimestamps() default false;

        @AttributeDefinition(name = "Maximum series", description = "At most this many series are held; samples"
                + " of new series beyond it are dropped, counted and logged (a cardinality guard).")
        int maxSeries() default 100_000;
    }

    private final String path;
    private final SeriesTable table;
    private final Exposition exposition;
    private final ServiceRegistration<Servlet> registration;

    /**
     * @param context where the servlet is registered for the whiteboard; null in plain unit tests
     */
    @Activate
    public PrometheusSink(Config config, BundleContext context) {
        path = config.path() == null ? "" : config.path().trim();
        if (!path.startsWith("/") || path.length() < 2 || path.endsWith("/") || path.contains("*")
                || path.chars().anyMatch(c -> Character.isWhitespace(c) || c == '?' || c == '#')) {
            throw new IllegalArgumentException("path: must be an absolute path such as /metrics (no trailing /,"
                    + " no wildcard, query or spaces), got '" + config.path() + "'");
        }
        long staleAfter = Units.positiveDurationMillis("staleAfter", config.staleAfter());
        if (config.maxSeries() < 1) {
            throw new IllegalArgumentException("maxSeries: must be at least 1, got " + config.maxSeries());
        }
        table = new SeriesTable(staleAfter, config.maxSeries(), System::currentTimeMillis);
        exposition = new Exposition(table, config.exposeTimestamps());
        if (context != null) {
            Hashtable<String, Object> p = new Hashtable<>();
            p.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, path);
            p.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "lodestar-prometheus" + path.replace('/', '-'));
            registration = context.registerService(Servlet.class, new MetricsServlet(exposition), p);
        } else {
            registration = null;
        }
        LOG.info("Prometheus sink serving {} (stale after {}, timestamps {})", path, Units.formatDuration(staleAfter),
                config.exposeTimestamps() ? "exposed" : "by scrape");
    }

    @Override
    public void write(List<Sample> batch) {
        table.update(batch);
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping and took it with it
            }
        }
        LOG.info("Prometheus sink at {} stopped ({} series held, {} dropped over maxSeries, {} removed as stale)",
                path, table.size(), table.droppedOverLimit(), table.removedStale());
    }

    SeriesTable table() {
        return table;
    }

    Exposition exposition() {
        return exposition;
    }

    @Override
    public String toString() {
        return "PrometheusSink[" + path + "]";
    }
}
