package lodestar.runtime.internal.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.servlet.whiteboard.Preprocessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import lodestar.api.ComponentStatus;
import lodestar.api.Monitored;
import lodestar.api.State;
import lodestar.support.config.Units;
import lodestar.support.log.RateLimitedLog;

/**
 * Guards the web console (and every other servlet of the platform's HTTP server) against what a browser can be
 * made to do and against password guessing. A whiteboard {@link Preprocessor}: Felix HTTP runs it before any
 * servlet, before the console checks the password. For every request:
 * <ul>
 * <li><b>cross-site request forgery</b>: a request that changes state (see {@link CsrfPolicy}) must come from the
 * console's own origin and carry this run's token, or it is answered 403 and goes no further; the console's
 * authenticated answers carry the token, its HTML pages a script that sends it ({@link TokenScript});
 * <li><b>login rate limit</b>: a console request with credentials from an address that failed to log in
 * {@code maxFailedLogins} times within {@code failedLoginWindow} is answered 429 (with {@code Retry-After})
 * without the password being tried ({@link LoginThrottle}); failed logins are logged, at most one line per 10 s;
 * <li><b>secrets</b>: the console's configuration status printers (the {@code status-*} pages, their text and
 * JSON and the support zip) are sent with the values of secrets masked ({@link SecretMask});
 * <li>console answers may not be framed by another site (a click on a framed console would need no token).
 * </ul>
 * Status: {@code runtime console}, counters {@code failed_logins}, {@code refused_logins},
 * {@code throttled_addresses} (gauge), {@code csrf_refused}, {@code masked_secrets}, {@code mask_refused};
 * {@code degraded (throttling-logins)} while an address waits.
 */
@Component(name = ConsoleGuard.PID, service = {Preprocessor.class, Monitored.class, ConfigurationListener.class},
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = ConsoleGuard.Config.class)
public final class ConsoleGuard implements Preprocessor, Monitored, ConfigurationListener {

    static final String PID = "lodestar.runtime.console";

    @ObjectClassDefinition(name = "Lodestar web console guard",
            description = "Limits wrong passwords per client address and refuses state-changing requests that do not "
                    + "come from the console's own pages (cross-site request forgery). See lodestar.runtime's README.")
    public @interface Config {
        @AttributeDefinition(name = "Failed logins allowed",
                description = "Wrong passwords one client address may send within the window. Beyond that, its "
                        + "requests with credentials are answered 429 without checking them, until it tries at most "
                        + "once every window / this number. Every address behind one proxy counts as the proxy's.")
        int maxFailedLogins() default 10;

        @AttributeDefinition(name = "Failed login window",
                description = "The window of 'Failed logins allowed', as a duration: 30s, 1m, 1h.")
        String failedLoginWindow() default "1m";

        @AttributeDefinition(name = "Further origins",
                description = "Origins (scheme://host[:port]) the console is also reached as, for example through a "
                        + "reverse proxy at https://metrics.example.com. Requests that change something must come "
                        + "from the console's own origin or one of these.")
        String[] allowedOrigins() default {};
    }

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleGuard.class);

    /** The web console's configuration PID and its property for the path it is served under. */
    static final String CONSOLE_PID = "org.apache.felix.webconsole.internal.servlet.OsgiManager";
    static final String CONSOLE_ROOT_PROPERTY = "manager.root";
    static final String DEFAULT_CONSOLE_ROOT = "/system/console";
    /** Addresses the login throttle remembers at most. */
    static final int MAX_ADDRESSES = 10_000;
    /** The largest status printer answer that is masked (a bigger one is refused). */
    static final long MAX_MASKED_BYTES = 16L * 1024 * 1024;

    private final ConfigurationAdmin configAdmin;
    private final String frameworkRoot;
    private final String token;
    private final LoginThrottle throttle;
    private volatile CsrfPolicy csrf;
    private volatile String consoleRoot;

    private final AtomicLong failedLogins = new AtomicLong();
    private final AtomicLong refusedLogins = new AtomicLong();
    private final AtomicLong csrfRefused = new AtomicLong();
    private final AtomicLong maskedSecrets = new AtomicLong();
    private final AtomicLong maskRefused = new AtomicLong();
    private volatile String lastError;

    private final RateLimitedLog failedLoginLog = new RateLimitedLog(10_000, LOG::warn);
    private final RateLimitedLog throttledLog = new RateLimitedLog(60_000, LOG::warn);
    private final RateLimitedLog csrfLog = new RateLimitedLog(10_000, LOG::warn);

    @Activate
    public ConsoleGuard(Config config, BundleContext context, @Reference ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
        GuardSettings s = GuardSettings.from(config);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        this.throttle = new LoginThrottle(s.maxFailedLogins(), s.failedLoginWindowMillis(), MAX_ADDRESSES);
        String root = context.getProperty("felix.webconsole.manager.root");
        this.frameworkRoot = root == null || root.isBlank() ? DEFAULT_CONSOLE_ROOT : root.strip();
        apply(s);
        readConsoleRoot();
    }

    /** New limits and origins; the token, and what each address has used of its tries, stay. */
    @Modified
    void modified(Config config) {
        apply(GuardSettings.from(config));
    }

    private void apply(GuardSettings s) {
        throttle.limits(s.maxFailedLogins(), s.failedLoginWindowMillis());
        csrf = new CsrfPolicy(token, s.allowedOrigins());
        LOG.info("Web console guard: at most {} failed logins per address within {}; state-changing requests need the "
                + "console's origin{} and its token", s.maxFailedLogins(), Units.formatDuration(s.failedLoginWindowMillis()),
                s.allowedOrigins().isEmpty() ? "" : " (or " + String.join(", ", s.allowedOrigins()) + ")");
    }

    /** The console moves when its {@code manager.root} changes. */
    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (CONSOLE_PID.equals(event.getPid())) {
            readConsoleRoot();
        }
    }

    private void readConsoleRoot() {
        String root = frameworkRoot;
        try {
            org.osgi.service.cm.Configuration[] found = configAdmin.listConfigurations("(service.pid=" + CONSOLE_PID + ")");
            Object configured = found == null || found.length == 0 || found[0].getProperties() == null ? null
                    : found[0].getProperties().get(CONSOLE_ROOT_PROPERTY);
            if (configured instanceof String r && r.startsWith("/")) {
                root = r;
            }
        } catch (IOException | org.osgi.framework.InvalidSyntaxException e) {
            LOG.warn("Web console guard: cannot read the console's configuration ({}); taking it to be under {}", e.toString(), root);
        }
        consoleRoot = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest req) || !(response instanceof HttpServletResponse resp)) {
            chain.doFilter(request, response);
            return;
        }
        String path = req.getRequestURI();
        String root = consoleRoot;
        boolean console = path != null && (path.equals(root) || path.startsWith(root + "/"));
        String address = req.getRemoteAddr();
        String authorization = req.getHeader("Authorization");
        boolean credentials = authorization != null && !authorization.isBlank();

        // a Graphite query Grafana POSTs as a form is a read (ViewerGate.formRead): no console token to ask for
        String why = ViewerGate.formRead(req.getMethod(), path, req.getContentType()) ? null : csrf.refusal(ConsoleRequests.attempt(req));
        if (why != null) {
            csrfRefused.incrementAndGet();
            String line = (console ? "Web console" : "HTTP") + ": refused " + req.getMethod() + " " + Printable.of(path)
                    + " from " + address + " as a possible cross-site request forgery: " + why;
            lastError = line;
            csrfLog.log(() -> line);
            refuse(req, resp, 403, "Refused as a possible cross-site request forgery: " + why + ".\n"
                    + "The web console's pages send a token with every change. A script reads it from the "
                    + CsrfPolicy.HEADER + " header of any authenticated console answer and sends it back in that header.", 0);
            return;
        }
        LoginThrottle.Admission admission = null;
        if (console && credentials) {
            long now = System.currentTimeMillis();
            admission = throttle.admit(address, now);
            if (admission == null) {
                long wait = throttle.waitMillis(address, now);
                refusedLogins.incrementAndGet();
                refuse(req, resp, 429, "Too many failed logins from " + address + "; try again in "
                        + Units.formatDuration(wait) + ".", wait);
                return;
            }
        }
        if (!console) {
            chain.doFilter(request, response);
            return;
        }
        resp.setHeader("X-Frame-Options", "SAMEORIGIN");
        resp.setHeader("Content-Security-Policy", "frame-ancestors 'self'");
        boolean get = "GET".equalsIgnoreCase(req.getMethod());
        ConsoleResponse out = new ConsoleResponse(resp, token, get);
        MaskingResponse masking = get && ConsoleRequests.isStatusPrinter(path.substring(root.length())) ? new MaskingResponse(out, MAX_MASKED_BYTES) : null;
        try {
            chain.doFilter(request, masking == null ? out : masking);
            if (masking != null) {
                int[] masked = {0};
                if (!masking.finish(masked)) {
                    maskRefused.incrementAndGet();
                    LOG.warn("Web console: {} is larger than {} bytes and was refused rather than sent with its secrets",
                            Printable.of(path), MAX_MASKED_BYTES);
                }
                maskedSecrets.addAndGet(masked[0]);
            }
            out.finish();
        } finally {
            boolean failed = resp.getStatus() == HttpServletResponse.SC_UNAUTHORIZED;
            if (admission != null) {
                loggedIn(address, authorization, admission, failed);
            }
        }
    }

    /** Counts and logs how a login that was let through ended, and tells the throttle. */
    private void loggedIn(String address, String authorization, LoginThrottle.Admission admission, boolean failed) {
        boolean throttledNow = throttle.done(address, admission,
                failed ? LoginThrottle.Outcome.FAILED : LoginThrottle.Outcome.SUCCEEDED, System.currentTimeMillis());
        if (!failed) {
            return;
        }
        long n = failedLogins.incrementAndGet();
        String user = Printable.of(ConsoleRequests.user(authorization));
        failedLoginLog.log(() -> "Web console: failed login as '" + user + "' from " + address + " (" + n
                + " failed logins since start)");
        if (throttledNow) {
            int max = throttle.maxFailures();
            long window = throttle.windowMillis();
            String line = "Web console: too many failed logins from " + address + " (" + max + " within "
                    + Units.formatDuration(window) + "): its logins are refused with HTTP 429 until it tries at most once every "
                    + Units.formatDuration(Math.max(1, window / max));
            lastError = line;
            throttledLog.log(() -> line);
        }
    }

    private static void refuse(HttpServletRequest req, HttpServletResponse resp, int status, String text, long retryAfterMillis)
            throws IOException {
        resp.setStatus(status);
        if (req.getContentLengthLong() != 0) {
            // the body is left unread: the server closes the connection, and must say so before a client reuses it
            resp.setHeader("Connection", "close");
        }
        if (retryAfterMillis > 0) {
            resp.setHeader("Retry-After", Long.toString(Math.max(1, (retryAfterMillis + 999) / 1000)));
        }
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentType("text/plain;charset=utf-8");
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    @Override
    public ComponentStatus status() {
        int throttled = throttle.throttled(System.currentTimeMillis());
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("failed_logins", failedLogins.get());
        c.put("refused_logins", refusedLogins.get());
        c.put("throttled_addresses", (long) throttled);
        c.put("csrf_refused", csrfRefused.get());
        c.put("masked_secrets", maskedSecrets.get());
        c.put("mask_refused", maskRefused.get());
        return new ComponentStatus("runtime", "console", throttled > 0 ? State.DEGRADED : State.OK,
                throttled > 0 ? "throttling-logins" : null, c, Set.of("throttled_addresses"), lastError);
    }
}
