package lodestar.web.explorer.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;
import org.osgi.service.servlet.whiteboard.annotations.RequireHttpWhiteboard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import lodestar.support.config.Units;
import lodestar.support.log.LogText;
import lodestar.support.log.RateLimitedLog;

/**
 * The metric explorer at {@code /explore}: one page and its script, style sheet and uPlot, all packed in this
 * bundle. The page itself reads nothing on the server: its script asks the Graphite read API ({@code /metrics/find},
 * {@code /render}) of the same origin, so the explorer sees exactly what Grafana would. Registered in the read-only
 * {@code lodestar.view} context, which decides who may look (no login on loopback, the viewer credential when
 * bound wider) and allows only GET and HEAD.
 */
@RequireHttpWhiteboard
@Component(
        name = ExplorerServlet.PID,
        service = Servlet.class,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {
                HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN + "=" + ExplorerServlet.PATH,
                HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN + "=" + ExplorerServlet.PATH + "/*",
                HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME + "=" + ExplorerServlet.PID,
                HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_SELECT + "=(" + HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME
                        + "=" + ExplorerServlet.VIEW_CONTEXT + ")"
        })
@Designate(ocd = ExplorerServlet.Config.class)
public class ExplorerServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String PID = "lodestar.web.explorer";
    static final String PATH = "/explore";
    /** The read-only context lodestar.runtime registers (the viewer access contract of issue 12). */
    static final String VIEW_CONTEXT = "lodestar.view";
    /** Hard ceiling of {@code maxSeries}: a chart with more lines is unreadable and its render answer large. */
    static final int MAX_SERIES_LIMIT = 100;

    private static final Logger LOG = LoggerFactory.getLogger(ExplorerServlet.class);

    @ObjectClassDefinition(name = "Lodestar metric explorer",
            description = "The page at /explore that searches series and charts them through the Graphite read API.")
    public @interface Config {

        @AttributeDefinition(description = "Most series one chart draws (a target with a glob can match many): the "
                + "others are left out and the page says how many. 1 to " + MAX_SERIES_LIMIT + ".")
        int maxSeries() default 12;

        @AttributeDefinition(description = "How often the page asks for the latest points of what it shows, as a "
                + "duration (5s, 1m); at least 1s.")
        String refresh() default "5s";

        @AttributeDefinition(description = "Where the Graphite read API is, as a path on the same host and port "
                + "(empty: at the root, /render and /metrics/find). Starts with '/', no trailing '/'.")
        String apiPath() default "";
    }

    /** What the page is told; swapped whole on a new configuration. */
    private transient volatile Settings settings;
    private final transient RateLimitedLog refused = new RateLimitedLog(60_000, LOG::warn);

    @Activate
    public ExplorerServlet(Config config) {
        this.settings = Settings.of(config);
    }

    @Modified
    void modified(Config config) {
        this.settings = Settings.of(config);
    }

    Settings settings() {
        return settings;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String rest = req.getPathInfo() == null ? "" : req.getPathInfo();
        securityHeaders(resp);
        if (rest.isEmpty() || rest.equals("/")) {
            byte[] page = Page.html(settings).getBytes(StandardCharsets.UTF_8);
            resp.setStatus(HttpServletResponse.SC_OK);
            resp.setContentType("text/html;charset=utf-8");
            resp.setHeader("Cache-Control", "no-cache");
            resp.setContentLength(page.length);
            resp.getOutputStream().write(page);
            return;
        }
        // only the fixed names below: the request's path never reaches the class loader
        Asset asset = Asset.named(rest.substring(1));
        if (asset == null) {
            refused.log(() -> "explorer: no such file " + LogText.of(rest) + " (from " + req.getRemoteAddr() + "): 404");
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        try (InputStream in = ExplorerServlet.class.getClassLoader().getResourceAsStream(asset.resource)) {
            if (in == null) {
                // the build did not pack it: a broken bundle, not a bad request
                LOG.error("explorer: {} is missing from the bundle", asset.resource);
                resp.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
                return;
            }
            byte[] body = in.readAllBytes();
            resp.setStatus(HttpServletResponse.SC_OK);
            resp.setContentType(asset.contentType);
            resp.setHeader("Cache-Control", "max-age=300");
            resp.setContentLength(body.length);
            OutputStream out = resp.getOutputStream();
            out.write(body);
        }
    }

    /**
     * The page runs only its own script, talks only to its own origin and cannot be framed by another site; uPlot
     * sets element styles from script, which {@code style-src 'unsafe-inline'} allows.
     */
    static void securityHeaders(HttpServletResponse resp) {
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Referrer-Policy", "no-referrer");
        resp.setHeader("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'");
    }

    /** The files the explorer serves besides its page, by the name under {@code /explore/}. */
    enum Asset {
        SCRIPT("explorer.js", "explorer.js", "text/javascript;charset=utf-8"),
        STYLE("explorer.css", "explorer.css", "text/css;charset=utf-8"),
        UPLOT("uPlot.iife.min.js", "uPlot.iife.min.js", "text/javascript;charset=utf-8"),
        UPLOT_STYLE("uPlot.min.css", "uPlot.min.css", "text/css;charset=utf-8"),
        /** uPlot's MIT license, as the webjar has it (bnd.bnd packs it as explorer/LICENSE). */
        UPLOT_LICENSE("uPlot.LICENSE", "LICENSE", "text/plain;charset=utf-8");

        private static final Map<String, Asset> BY_NAME = Map.of(SCRIPT.fileName, SCRIPT, STYLE.fileName, STYLE,
                UPLOT.fileName, UPLOT, UPLOT_STYLE.fileName, UPLOT_STYLE, UPLOT_LICENSE.fileName, UPLOT_LICENSE);

        final String fileName;
        final String resource;
        final String contentType;

        Asset(String fileName, String packedAs, String contentType) {
            this.fileName = fileName;
            this.resource = "explorer/" + packedAs;
            this.contentType = contentType;
        }

        static Asset named(String name) {
            return BY_NAME.get(name);
        }
    }

    /** The configuration as the page uses it, checked. */
    record Settings(int maxSeries, long refreshMillis, String apiPath) {

        static Settings of(Config config) {
            int max = config.maxSeries();
            if (max < 1 || max > MAX_SERIES_LIMIT) {
                throw new IllegalArgumentException("maxSeries: must be between 1 and " + MAX_SERIES_LIMIT + ", got " + max);
            }
            long refresh = Units.positiveDurationMillis("refresh", config.refresh());
            if (refresh < 1000) {
                throw new IllegalArgumentException("refresh: must be at least 1s, got " + config.refresh());
            }
            String api = config.apiPath() == null ? "" : config.apiPath().trim();
            if (!api.isEmpty() && (!api.matches("(/[A-Za-z0-9._~-]+)+"))) {
                throw new IllegalArgumentException("apiPath: must be empty or a path like /graphite (letters, digits, . _ ~ -; "
                        + "no trailing /), got " + LogText.of(api));
            }
            return new Settings(max, refresh, api);
        }
    }
}
