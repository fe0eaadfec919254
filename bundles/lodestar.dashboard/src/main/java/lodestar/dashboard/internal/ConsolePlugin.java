package lodestar.dashboard.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import lodestar.api.Check;
import lodestar.api.Pipeline;

/**
 * The "Lodestar" page of the Felix Web Console, at {@code /system/console/lodestar}. Web Console 5 takes
 * any {@link Servlet} service with {@code felix.webconsole.label} and {@code felix.webconsole.title} as a
 * plugin: it serves it under its own servlet context (so behind the console's authentication), draws its
 * frame (header, navigation) around what a GET of an HTML path writes, and passes paths whose last
 * segment has a dot ({@code status.json}) through unframed. The servlet is not registered with the HTTP
 * whiteboard (no pattern property), so it is reachable only through the console.
 */
@Component(
        name = "lodestar.dashboard.webconsole",
        service = Servlet.class,
        configurationPolicy = ConfigurationPolicy.IGNORE,
        property = {
                ConsolePlugin.LABEL_PROPERTY + "=" + ConsolePlugin.LABEL,
                "felix.webconsole.title=Lodestar",
                "felix.webconsole.category=Lodestar"
        })
public class ConsolePlugin extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String LABEL_PROPERTY = "felix.webconsole.label";
    static final String LABEL = "lodestar";
    /** Request attribute the console sets to the plugin's absolute path ({@code /system/console/lodestar}). */
    static final String ATTR_PLUGIN_ROOT = "felix.webconsole.pluginRoot";

    /** Every running check, with the name its service properties give (shown until its first result). */
    private final transient Map<Check, String> checks = new ConcurrentHashMap<>();
    private final transient StatusBoard board;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile Pipeline pipeline;

    public ConsolePlugin() {
        this(Clock.systemUTC());
    }

    ConsolePlugin(Clock clock) {
        board = new StatusBoard(() -> pipeline, () -> Map.copyOf(checks), clock);
    }

    @Reference(name = "check", service = Check.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "removeCheck")
    void addCheck(Check check, Map<String, Object> props) {
        checks.put(check, checkName(props));
    }

    void removeCheck(Check check) {
        checks.remove(check);
    }

    /** For tests: the pipeline the DS runtime would inject. */
    void setPipeline(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String rest = rest(req.getPathInfo());
        if (rest.equals("/" + StatusBoard.STATUS_JSON)) {
            String json = board.json();
            resp.setStatus(HttpServletResponse.SC_OK);
            resp.setContentType("application/json");
            resp.setCharacterEncoding("UTF-8");
            noCache(resp);
            resp.setHeader("X-Content-Type-Options", "nosniff");
            PrintWriter w = resp.getWriter();
            w.write(json);
            w.flush();
        } else if (rest.isEmpty() || rest.equals("/")) {
            // inside the console's frame: it has set text/html and written the header already
            String root = req.getAttribute(ATTR_PLUGIN_ROOT) instanceof String s ? s
                    : req.getContextPath() + "/" + LABEL;
            resp.getWriter().write(board.html(root + "/" + StatusBoard.STATUS_JSON));
        } else {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    /** What follows {@code /lodestar} in the path the console passes on ({@code /lodestar/status.json}). */
    static String rest(String pathInfo) {
        String p = pathInfo == null ? "" : pathInfo;
        String prefix = "/" + LABEL;
        if (p.equals(prefix) || p.startsWith(prefix + "/")) {
            return p.substring(prefix.length());
        }
        return p;
    }

    private static void noCache(HttpServletResponse resp) {
        resp.setHeader("Cache-Control", "no-store, max-age=0");
        resp.setHeader("Pragma", "no-cache");
    }

    /** The check's {@code name} property, else its configuration PID, else its component name. */
    static String checkName(Map<String, Object> props) {
        for (String key : new String[] {"name", "service.pid", "component.name"}) {
            Object v = props.get(key);
            if (v != null && !v.toString().isBlank()) {
                return v.toString().trim();
            }
        }
        return "check";
    }
}
