package lodestar.runtime.internal.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import lodestar.api.ComponentStatus;
import lodestar.api.Monitored;
import lodestar.api.State;
import lodestar.runtime.internal.Configurations;
import lodestar.runtime.internal.PasswordFile;
import lodestar.runtime.internal.PasswordHash;
import lodestar.support.config.Units;
import lodestar.support.log.RateLimitedLog;
import lodestar.support.secrets.Secrets;

/**
 * The {@value #CONTEXT_NAME} servlet context of the HTTP whiteboard: the access rules of the read-only pages and
 * APIs (status board, metric explorer, Graphite read API). Their servlets and resources select it with
 * {@code osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=lodestar.view)}; the context
 * answers every other method than GET and HEAD with 405, and asks for the viewer's credential (HTTP Basic, user
 * {@value #USER}) when the HTTP port is bound wider than loopback. The admin's credential is refused here: a
 * wall screen's browser must never hold it.
 *
 * <p>Registered as a service factory, as the whiteboard wants of a context helper: each bundle gets a helper
 * whose resources are that bundle's, all sharing this component's rules and login throttle.
 *
 * <p>Status: {@code runtime viewer}, counters {@code failed_logins}, {@code refused_logins},
 * {@code throttled_addresses} (gauge), {@code refused_methods}; detail {@code open} (no login, loopback) or
 * {@code login}; {@code degraded (throttling-logins)} while an address waits; {@code failed (locked)} when a login
 * is required and there is no usable viewer password.
 */
@Component(name = ViewerAccess.PID, service = Monitored.class, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true)
@Designate(ocd = ViewerAccess.Config.class)
public final class ViewerAccess implements Monitored {

    static final String PID = "lodestar.runtime.viewer";
    /** The name read-only servlets select. */
    public static final String CONTEXT_NAME = "lodestar.view";
    static final String USER = "viewer";
    static final String PASSWORD_FILE = "viewer.password";
    static final String HTTP_HOST = "org.apache.felix.http.host";
    static final String REALM = "Lodestar viewer";
    /** What every answer of the context says: no framing by other sites, no sniffing, nothing from elsewhere. */
    static final Map<String, String> HEADERS = headers();

    @ObjectClassDefinition(name = "Lodestar viewer access",
            description = "Who may read the status board, the metric explorer and the Graphite read API. On a "
                    + "loopback-bound HTTP port nobody needs to log in; bound wider, the user 'viewer' with this "
                    + "password (never the web console's admin). See lodestar.runtime's README.")
    public @interface Config {
        @AttributeDefinition(name = "Viewer password", type = AttributeType.PASSWORD, required = false,
                description = "The password of the user 'viewer'. Empty: the one generated into "
                        + "data/viewer.password on first start (delete that file for a new one).")
        String password() default "";

        @AttributeDefinition(name = "Login", description = "auto: a login is asked for only when the HTTP port is "
                + "bound wider than loopback (org.apache.felix.http.host); always: also on loopback, for a "
                + "reverse proxy on this machine that forwards requests from elsewhere.",
                options = {@Option(label = "auto", value = "auto"), @Option(label = "always", value = "always")})
        String login() default "auto";

        @AttributeDefinition(name = "Failed logins allowed",
                description = "Wrong passwords one client address may send within the window; beyond that its "
                        + "requests with credentials are answered 429 without checking them.")
        int maxFailedLogins() default 10;

        @AttributeDefinition(name = "Failed login window", description = "The window of 'Failed logins allowed': 30s, 1m, 1h.")
        String failedLoginWindow() default "1m";
    }

    private static final Logger LOG = LoggerFactory.getLogger(ViewerAccess.class);

    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;
    private final LoginThrottle throttle;
    private final PasswordFile passwordFile;
    private volatile ViewerGate gate;
    private volatile boolean locked;
    private final ServiceRegistration<?> registration;

    private final AtomicLong failedLogins = new AtomicLong();
    private final AtomicLong refusedLogins = new AtomicLong();
    private final AtomicLong refusedMethods = new AtomicLong();
    private volatile String lastError;
    private final RateLimitedLog failedLoginLog = new RateLimitedLog(10_000, LOG::warn);
    private final RateLimitedLog methodLog = new RateLimitedLog(10_000, LOG::info);

    @Activate
    public ViewerAccess(Config config, Map<String, Object> props, BundleContext context,
            @Reference ConfigurationAdmin configAdmin) {
        this.context = context;
        this.configAdmin = configAdmin;
        Settings s = Settings.from(config);
        String home = context.getProperty("lodestar.home");
        this.passwordFile = new PasswordFile(Path.of(home == null || home.isBlank() ? "." : home.strip())
                .toAbsolutePath().normalize().resolve("data").resolve(PASSWORD_FILE), new SecureRandom());
        this.throttle = new LoginThrottle(s.maxFailedLogins(), s.windowMillis(), ConsoleGuard.MAX_ADDRESSES);
        apply(s, props);
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME, CONTEXT_NAME);
        p.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_PATH, "/");
        this.registration = context.registerService(ServletContextHelper.class.getName(), new Factory(), p);
    }

    @Modified
    void modified(Config config, Map<String, Object> props) {
        apply(Settings.from(config), props);
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping
        }
    }

    /** The validated configuration. */
    record Settings(boolean always, int maxFailedLogins, long windowMillis) {
        static Settings from(Config c) {
            String login = c.login() == null ? "auto" : c.login().strip();
            if (!login.equals("auto") && !login.equals("always")) {
                throw new IllegalArgumentException("login: must be auto or always, got '" + login + "'");
            }
            if (c.maxFailedLogins() < 1) {
                throw new IllegalArgumentException("maxFailedLogins: must be at least 1, got " + c.maxFailedLogins());
            }
            return new Settings(login.equals("always"), c.maxFailedLogins(),
                    Units.positiveDurationMillis("failedLoginWindow", c.failedLoginWindow()));
        }
    }

    private void apply(Settings s, Map<String, Object> props) {
        String host = context.getProperty(HTTP_HOST);
        boolean required = s.always() || !ViewerGate.isLoopback(host);
        throttle.limits(s.maxFailedLogins(), s.windowMillis());
        String configured = Secrets.of(configAdmin, props).get("password");
        String password = null;
        String where;
        try {
            if (configured != null && !configured.isEmpty()) {
                password = configured;
                where = "configured in " + PID;
            } else {
                password = passwordFile.readOrCreate();
                where = "in " + passwordFile.path();
            }
        } catch (IOException | RuntimeException e) {
            where = "unreadable";
            lastError = "viewer password: cannot read or create " + passwordFile.path() + ": " + e;
            LOG.error("Viewer pages: cannot read or create {} ({}); logins are refused", passwordFile.path(), e.toString());
        }
        Set<String> refused = new LinkedHashSet<>(Set.of("admin"));
        Map<String, Object> console = consoleConfiguration();
        if (console != null && console.get("username") != null) {
            refused.add(String.valueOf(console.get("username")));
        }
        if (password != null && isAdminPassword(console, password)) {
            lastError = "viewer password: is the web console's admin password; choose another";
            LOG.error("Viewer pages: the viewer password is the web console's admin password; logins are refused until "
                    + "another is set (PID {} or {})", PID, passwordFile.path());
            password = null;
        }
        this.locked = password == null;
        this.gate = new ViewerGate(required, USER, password, refused, throttle);
        if (required) {
            LOG.info("Viewer pages (/board, /explore, Graphite API): user {}, password {}", USER, where);
        } else {
            LOG.info("Viewer pages (/board, /explore, Graphite API): no login, the HTTP port is bound to {}", host);
        }
    }

    private Map<String, Object> consoleConfiguration() {
        try {
            return Configurations.properties(configAdmin, ConsoleGuard.CONSOLE_PID);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isAdminPassword(Map<String, Object> console, String password) {
        Object stored = console == null ? null : console.get("password");
        if (stored == null) {
            return false;
        }
        String s = String.valueOf(stored);
        return PasswordHash.matches(s, password) || java.security.MessageDigest.isEqual(
                s.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
    }

    /** The context's {@code handleSecurity}: headers on every answer, then the gate's verdict. */
    boolean handle(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HEADERS.forEach(resp::setHeader);
        String address = req.getRemoteAddr();
        ViewerGate.Verdict v = gate.decide(req.getMethod(), req.getHeader("Authorization"), address,
                System.currentTimeMillis());
        if (v.passes()) {
            return true;
        }
        switch (v.status()) {
            case 405 -> {
                refusedMethods.incrementAndGet();
                String method = lodestar.support.log.LogText.of(req.getMethod());
                String path = lodestar.support.log.LogText.of(req.getRequestURI());
                methodLog.log(() -> "Viewer pages: refused " + method + " " + path + " from " + address + " (read-only: GET and HEAD only)");
                resp.setHeader("Allow", "GET, HEAD");
                answer(req, resp, 405, "Read-only: GET and HEAD only.");
            }
            case 429 -> {
                refusedLogins.incrementAndGet();
                resp.setHeader("Retry-After", Long.toString(Math.max(1, (v.retryAfterMillis() + 999) / 1000)));
                answer(req, resp, 429, "Too many failed logins from " + address + "; try again in "
                        + Units.formatDuration(v.retryAfterMillis()) + ".");
            }
            default -> {
                if (!"no-credentials".equals(v.reason())) {
                    long n = failedLogins.incrementAndGet();
                    String why = v.reason().startsWith("admin-credential") ? " (the admin's credential is not accepted here)" : "";
                    failedLoginLog.log(() -> "Viewer pages: failed login from " + address + why + " (" + n
                            + " failed logins since start)");
                    if (v.reason().endsWith("now-throttled")) {
                        lastError = "too many failed logins from " + address;
                    }
                }
                resp.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
                answer(req, resp, 401, "Log in as user '" + USER + "' (the viewer's password, not the admin's).");
            }
        }
        return false;
    }

    private static void answer(HttpServletRequest req, HttpServletResponse resp, int status, String text) throws IOException {
        resp.setStatus(status);
        if (req.getContentLengthLong() != 0) {
            resp.setHeader("Connection", "close"); // the body stays unread
        }
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentType("text/plain;charset=utf-8");
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(body.length);
        if (!"HEAD".equalsIgnoreCase(req.getMethod())) {
            resp.getOutputStream().write(body);
        }
        resp.flushBuffer(); // committed: the whiteboard must not turn it into its own 403
    }

    private static Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Frame-Options", "SAMEORIGIN");
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Content-Security-Policy", "default-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'");
        h.put("Referrer-Policy", "no-referrer");
        return Map.copyOf(h);
    }

    @Override
    public ComponentStatus status() {
        int throttled = throttle.throttled(System.currentTimeMillis());
        ViewerGate g = gate;
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("failed_logins", failedLogins.get());
        c.put("refused_logins", refusedLogins.get());
        c.put("throttled_addresses", (long) throttled);
        c.put("refused_methods", refusedMethods.get());
        State state = g.loginRequired() && locked ? State.FAILED : throttled > 0 ? State.DEGRADED : State.OK;
        String detail = state == State.FAILED ? "locked" : throttled > 0 ? "throttling-logins" : g.loginRequired() ? "login" : "open";
        return new ComponentStatus("runtime", "viewer", state, detail, c, Set.of("throttled_addresses"), lastError);
    }

    /** One helper per bundle that registers a servlet or resource in the context. */
    private final class Factory implements ServiceFactory<ServletContextHelper> {
        @Override
        public ServletContextHelper getService(Bundle bundle, ServiceRegistration<ServletContextHelper> registration) {
            return new ServletContextHelper(bundle) {
                @Override
                public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) throws IOException {
                    return handle(request, response);
                }
            };
        }

        @Override
        public void ungetService(Bundle bundle, ServiceRegistration<ServletContextHelper> registration,
                ServletContextHelper service) {
            // nothing held per bundle
        }
    }
}
