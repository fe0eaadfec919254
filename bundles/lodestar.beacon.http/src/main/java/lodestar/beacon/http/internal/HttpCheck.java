package lodestar.beacon.http.internal;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Beacon;
import lodestar.api.Check;
import lodestar.api.CheckResult;
import lodestar.api.CheckStatus;
import lodestar.api.Emitter;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

/**
 * An HTTP check: requests {@code url} every {@code interval}, emits the phase times, size, status code and
 * a numeric status under {@code check.<name>.}, and publishes a {@link CheckResult}. One factory configuration
 * per URL. (It covers Pharos's page watcher and Telegraf's http_response.)
 *
 * <p>Failures of the checked server (refused, timed out, TLS, 500, too many redirects) are results,
 * never exceptions: {@link #collect} only throws if the emitter does. Immediate, so a bad configuration
 * is reported at once rather than when the core first asks for the beacon.
 */
@Component(name = HttpCheck.PID, configurationPid = HttpCheck.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {Beacon.class, Check.class}, immediate = true)
@Designate(ocd = HttpCheck.Config.class, factory = true)
public final class HttpCheck implements Beacon, Check {

    static final String PID = "lodestar.beacon.http";

    /** Body bytes kept for {@code bodyRegex}; the rest is counted in size_bytes only. */
    static final int MAX_BODY = 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(HttpCheck.class);

    @ObjectClassDefinition(id = PID, name = "Lodestar HTTP check",
            description = "Requests a URL every interval; emits check.<name>.dns_ms, connect_ms, tls_ms, ttfb_ms, total_ms,"
                    + " size_bytes, status_code and status (0 OK, 1 WARNING, 2 CRITICAL). One configuration per URL.")
    public @interface Config {

        @AttributeDefinition(name = "URL", required = true,
                description = "What to request: http://host[:port]/path?query or https://... (required).")
        String url() default "";

        @AttributeDefinition(name = "Method", description = "HTTP method: GET, HEAD, POST (sent without a body), ...")
        String method() default "GET";

        @AttributeDefinition(name = "Interval",
                description = "How often to check, a positive duration (1s, 10s, 5m). Pharos checks every second;"
                        + " 10s is kinder to the checked server.")
        String interval() default "10s";

        @AttributeDefinition(name = "Enabled", description = "Untick to pause the check without removing it.")
        boolean enabled() default true;

        @AttributeDefinition(name = "Timeout",
                description = "Longest a whole check may take, DNS to last byte and every redirect included; past it"
                        + " the check is CRITICAL. Keep it below the interval.")
        String timeout() default "5s";

        @AttributeDefinition(name = "Thresholds", required = false,
                description = "Pharos's good,warning,critical on the total time (0ms,1s,3s): total >= critical is"
                        + " CRITICAL, >= warning is WARNING, <= good is WARNING too (suspiciously fast; 0 turns that"
                        + " off), anything else OK. Empty: no timing verdict.")
        String thresholds() default "0ms,1s,3s";

        @AttributeDefinition(name = "Expected status",
                description = "Status codes that count as up: codes and ranges separated by commas (200-399, 200,204)."
                        + " Any other is CRITICAL.")
        String expectedStatus() default "200-399";

        @AttributeDefinition(name = "Body regex", required = false,
                description = "A Java regular expression the body must contain (searched, not matched whole, in the"
                        + " first 1 MiB); no match is CRITICAL. Empty: the body is not checked.")
        String bodyRegex() default "";

        @AttributeDefinition(name = "Follow redirects",
                description = "Follow 301, 302, 303, 307 and 308 to the final response (times add up). Off: the"
                        + " redirect itself is the response.")
        boolean followRedirects() default true;

        @AttributeDefinition(name = "Maximum redirects", description = "More redirects than this is CRITICAL (a loop).")
        int maxRedirects() default 5;

        @AttributeDefinition(name = "Insecure TLS",
                description = "Accept any certificate and host name (self-signed servers). Off: the JVM's trust store"
                        + " and host name verification, as a browser.")
        boolean insecure() default false;

        @AttributeDefinition(name = "Name", required = false,
                description = "The check's name in lodestar:checks and on the status board: any words up to 200"
                        + " characters (Pharos's 'Is Google Up'); in metric names (check.<name>.*) every character but"
                        + " letters, digits, '_' and '-' becomes '_'. Empty: the"
                        + " configuration's instance name (shop for lodestar.beacon.http-shop.cfg), else the URL's host.")
        String name() default "";

        @AttributeDefinition(name = "Group", required = false,
                description = "The group of this check's tile on the status board (/board); empty: 'Checks'."
                        + " Published as the service property 'group'.")
        String group() default "";

        @AttributeDefinition(name = "Headers", required = false,
                description = "Extra request headers, 'Name: value' each (Authorization: Bearer ..., Host: ...).")
        String[] headers() default {};
    }

    private final Settings settings;
    private final Probe probe;
    private final ExecutorService resolver;
    private final CheckState state;
    private final String base;

    @Activate
    public HttpCheck(Config config, Map<String, Object> props) {
        this(Settings.from(config, props), null, HttpCheck::logTransition);
    }

    /**
     * @param tls          null: from the settings ({@code insecure}); tests pass a context trusting a test certificate
     * @param transitions  told of each change of status
     */
    HttpCheck(Settings s, Tls tls, BiConsumer<CheckResult, CheckStatus> transitions) {
        this.settings = s;
        this.resolver = resolverThreads(s.metric());
        Tls t = tls != null ? tls : s.insecure() ? Tls.insecure() : Tls.verifying();
        this.probe = new Probe(new Probe.Spec(s.method(), s.headers(), s.timeoutMillis(), s.followRedirects(),
                s.maxRedirects(), MAX_BODY, t, resolver));
        this.state = new CheckState(s.name(), transitions);
        this.base = "check." + s.metric() + ".";
        if (s.timeoutMillis() >= s.intervalMillis()) {
            LOG.warn("http check {}: timeout {}ms is not below interval {}ms; a slow server makes runs overlap and the"
                    + " core skip them", s.name(), s.timeoutMillis(), s.intervalMillis());
        }
        LOG.info("http check {}: {} {} every {}ms", s.name(), s.method(), s.url(), s.intervalMillis());
    }

    @Deactivate
    void deactivate() {
        resolver.shutdownNow();
    }

    /** Runs the check once, publishes its result and emits its metrics. Never throws for the server's failures. */
    @Override
    public void collect(Emitter emitter) {
        Outcome o;
        try {
            o = probe.run(settings.url());
        } catch (RuntimeException e) {
            // a bug of ours, not the server's fault; still a result, so the board shows it
            LOG.debug("http check {}: probe failed", settings.name(), e);
            o = new Outcome(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1, "", -1, "",
                    "probe failed: " + e, 0);
        }
        long now = System.currentTimeMillis();
        Verdict v = Verdict.of(o, settings.expectedStatus(), settings.bodyRegex(), settings.thresholds());
        CheckResult r = state.record(v, o.failed() ? Double.NaN : o.totalMillis(), now);
        emit(emitter, o, r, now);
    }

    @Override
    public CheckResult result() {
        return state.latest();
    }

    /** {@code check.<name>.} */
    String base() {
        return base;
    }

    private void emit(Emitter out, Outcome o, CheckResult r, long now) {
        gauge(out, "dns_ms", o.dnsMillis(), now);
        gauge(out, "connect_ms", o.connectMillis(), now);
        gauge(out, "tls_ms", o.tlsMillis(), now);
        gauge(out, "ttfb_ms", o.ttfbMillis(), now);
        gauge(out, "total_ms", o.totalMillis(), now);
        if (o.sizeBytes() >= 0) {
            gauge(out, "size_bytes", o.sizeBytes(), now);
        }
        if (o.status() > 0) {
            gauge(out, "status_code", o.status(), now);
        }
        out.emit(new Sample(base + "status", Tags.EMPTY, r.status().code(), now, Kind.STATUS));
    }

    /** A phase that did not happen (NaN) is left out rather than sent as 0, which would lie on a graph. */
    private void gauge(Emitter out, String metric, double value, long now) {
        if (!Double.isNaN(value)) {
            out.emit(new Sample(base + metric, Tags.EMPTY, value, now, Kind.GAUGE));
        }
    }

    private static void logTransition(CheckResult r, CheckStatus previous) {
        String from = previous == null ? "" : previous + " -> ";
        if (r.status() == CheckStatus.OK) {
            LOG.info("http check {}: {}{}: {}", r.check(), from, r.status(), r.message());
        } else {
            LOG.warn("http check {}: {}{}: {}", r.check(), from, r.status(), r.message());
        }
    }

    /** Daemon threads for DNS lookups, so that a resolver that hangs can be abandoned at the timeout. */
    private static ExecutorService resolverThreads(String name) {
        return new ThreadPoolExecutor(0, 4, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "lodestar-http-dns-" + name);
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    }
}
