package lodestar.web.graphite.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import lodestar.api.SeriesStore;
import lodestar.support.json.Json;
import lodestar.support.log.LogText;
import lodestar.support.log.RateLimitedLog;

/**
 * The Graphite read API: {@code /metrics/find} and {@code /render} over the embedded store, served in the
 * read-only viewer context {@code lodestar.view} (no login on a loopback-bound port, the viewer credential
 * when bound wider). GET and HEAD, and POST with a form body as Grafana sends it: a POST here reads exactly
 * what the same GET would, nothing in this servlet changes state.
 */
@Component(name = "lodestar.web.graphite", service = Servlet.class, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = GraphiteApi.Config.class)
// "/render/" is not a valid whiteboard pattern (Felix fails the servlet: failureReason 6, validation failed)
@HttpWhiteboardServletPattern({"/render", "/render/*", "/metrics/find", "/metrics/find/*"})
@HttpWhiteboardServletName("lodestar-graphite")
@HttpWhiteboardContextSelect("(osgi.http.whiteboard.context.name=" + GraphiteApi.CONTEXT + ")")
public final class GraphiteApi extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(GraphiteApi.class);
    /** the viewer context the read-only web bundles share (lodestar.runtime provides it) */
    static final String CONTEXT = "lodestar.view";

    @ObjectClassDefinition(name = "Lodestar Graphite read API",
            description = "Graphite-compatible /metrics/find and /render over the embedded store, for Grafana's Graphite data source.")
    public @interface Config {
        @AttributeDefinition(description = "Most targets one render request may carry.")
        int maxTargets() default 20;

        @AttributeDefinition(description = "Most characters in one target.")
        int maxTargetLength() default 2000;

        @AttributeDefinition(description = "Most characters in the query string, or in a POST form body.")
        int maxQueryLength() default 16384;

        @AttributeDefinition(description = "Most series one render request may read (before functions combine them).")
        int maxSeries() default 1000;

        @AttributeDefinition(description = "Most values one render request may read, summed over its series "
                + "(a series of 24 h at 60 s is 1440); bounds the memory a request holds.")
        long maxPoints() default 1_000_000;

        @AttributeDefinition(description = "Most nodes one /metrics/find may list.")
        int maxFindResults() default 10_000;

        @AttributeDefinition(description = "Time zone in which from/until times of day and dates (12:00_20261205) are read.")
        String timeZone() default "UTC";
    }

    /** Everything a configuration sets, validated; replaced as a whole by {@link #modified}. */
    record Settings(Limits limits, int maxQueryLength, ZoneId zone) {
        static Settings from(Config c) {
            positive("maxTargets", c.maxTargets());
            positive("maxTargetLength", c.maxTargetLength());
            positive("maxQueryLength", c.maxQueryLength());
            positive("maxSeries", c.maxSeries());
            positive("maxPoints", c.maxPoints());
            positive("maxFindResults", c.maxFindResults());
            ZoneId zone;
            try {
                zone = ZoneId.of(c.timeZone());
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("timeZone: unknown zone '" + c.timeZone() + "'");
            }
            return new Settings(new Limits(c.maxTargets(), c.maxTargetLength(), c.maxSeries(), c.maxPoints(), c.maxFindResults()),
                    c.maxQueryLength(), zone);
        }

        private static void positive(String name, long v) {
            if (v <= 0) {
                throw new IllegalArgumentException(name + ": must be positive, got " + v);
            }
        }
    }

    private final transient SeriesSource source;
    private final transient RateLimitedLog badRequests = new RateLimitedLog(10_000, LOG::warn);
    private final transient RateLimitedLog failures = new RateLimitedLog(10_000, LOG::error);
    private volatile Settings settings;

    @Activate
    public GraphiteApi(Config config, @Reference SeriesStore store) {
        this(Settings.from(config), new StoreSource(store, System::currentTimeMillis));
    }

    GraphiteApi(Settings settings, SeriesSource source) {
        this.settings = settings;
        this.source = source;
    }

    /** New limits apply to the next request. */
    @Modified
    void modified(Config config) {
        settings = Settings.from(config);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        handle(req, resp);
    }

    /** Grafana posts its render requests as a form: read like a GET, nothing changes. */
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            error(req, resp, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "POST takes application/x-www-form-urlencoded only");
            return;
        }
        if (req.getContentLengthLong() > settings.maxQueryLength()) {
            error(req, resp, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                    "form body longer than maxQueryLength=" + settings.maxQueryLength());
            return;
        }
        handle(req, resp);
    }

    private void handle(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Settings s = settings;
        String query = req.getQueryString();
        if (query != null && query.length() > s.maxQueryLength()) {
            error(req, resp, 414, "query longer than maxQueryLength=" + s.maxQueryLength());
            return;
        }
        if ("POST".equals(req.getMethod()) && req.getContentLengthLong() < 0) {
            // a chunked form body of unknown length: refuse rather than let the container buffer it
            error(req, resp, HttpServletResponse.SC_LENGTH_REQUIRED, "POST needs a Content-Length");
            return;
        }
        String path = req.getServletPath();
        try {
            StringBuilder body;
            if (path.startsWith("/metrics/find")) {
                body = find(req, s);
            } else {
                body = render(req, s);
            }
            write(resp, HttpServletResponse.SC_OK, body);
        } catch (BadRequest e) {
            error(req, resp, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
        } catch (RuntimeException e) {
            failures.log(() -> "graphite api: " + req.getMethod() + " " + path + " failed: " + e);
            error(req, resp, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "internal error (see the platform log)");
        }
    }

    private StringBuilder find(HttpServletRequest req, Settings s) {
        String query = req.getParameter("query");
        if (query == null || query.isEmpty()) {
            throw new BadRequest("query: missing");
        }
        if (query.length() > s.limits().maxTargetLength()) {
            throw new BadRequest("query: longer than maxTargetLength=" + s.limits().maxTargetLength());
        }
        String format = param(req, "format", "treejson");
        if (format.equals("completer")) {
            query = query.replace("..", "*.");
            if (!query.endsWith("*")) {
                query += "*";
            }
        } else if (!format.equals("treejson")) {
            throw new BadRequest("format: treejson or completer, got '" + format + "'");
        }
        List<Finder.Node> nodes = source.children(PathGlob.compile(query), s.limits().maxFindResults());
        StringBuilder b = new StringBuilder(256 + nodes.size() * 96);
        return format.equals("completer") ? Finder.completer(b, nodes) : Finder.treeJson(b, query, nodes);
    }

    private StringBuilder render(HttpServletRequest req, Settings s) {
        String format = param(req, "format", "json");
        if (!format.equals("json")) {
            throw new BadRequest("format: only json is served, got '" + format + "'");
        }
        String[] targets = req.getParameterValues("target");
        Integer maxDataPoints = null;
        String mdp = req.getParameter("maxDataPoints");
        if (mdp != null && !mdp.isBlank()) {
            try {
                maxDataPoints = (int) Double.parseDouble(mdp.strip());
            } catch (NumberFormatException e) {
                throw new BadRequest("maxDataPoints: not a number");
            }
            if (maxDataPoints < 1) {
                throw new BadRequest("maxDataPoints: must be at least 1");
            }
        }
        Renderer.Request r = new Renderer.Request(targets == null ? List.of() : Arrays.asList(targets), req.getParameter("from"),
                req.getParameter("until"), maxDataPoints, req.getParameter("noNullPoints") != null);
        return new Renderer(source, s.limits(), s.zone()).render(r, System.currentTimeMillis());
    }

    private static String param(HttpServletRequest req, String name, String def) {
        String v = req.getParameter(name);
        return v == null || v.isBlank() ? def : v.strip();
    }

    private void error(HttpServletRequest req, HttpServletResponse resp, int status, String message) throws IOException {
        if (status != HttpServletResponse.SC_INTERNAL_SERVER_ERROR) {
            badRequests.log(() -> "graphite api: refused " + req.getMethod() + " " + req.getServletPath() + " from "
                    + req.getRemoteAddr() + ": " + LogText.of(message));
        }
        StringBuilder b = new StringBuilder("{\"error\": ");
        Json.string(b, message);
        write(resp, status, b.append('}'));
    }

    private static void write(HttpServletResponse resp, int status, CharSequence body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-cache");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }
}
