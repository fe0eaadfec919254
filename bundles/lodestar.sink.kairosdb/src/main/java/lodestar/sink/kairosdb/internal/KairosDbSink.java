package lodestar.sink.kairosdb.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.GZIPOutputStream;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Sample;
import lodestar.api.Sink;
import lodestar.api.Tags;
import lodestar.api.util.Json;
import lodestar.api.util.LevelFilter;
import lodestar.api.util.RateLimitedLog;
import lodestar.api.util.RunnerProperties;
import lodestar.api.util.Units;

/**
 * Writes samples to KairosDB through its REST API, {@code POST /api/v1/datapoints}: a JSON array with
 * one object per series ({@code name}, {@code tags}, {@code datapoints: [[ms, value], ...]}), with
 * optional basic authentication (PuyPuy's {@code auth}) and gzip. Only encodes and sends: the core's
 * runner batches, buffers and retries.
 */
@Component(name = KairosDbSink.PID, configurationPid = KairosDbSink.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = Sink.class)
@Designate(ocd = KairosDbSink.Config.class, factory = true)
public final class KairosDbSink implements Sink {

    static final String PID = "lodestar.sink.kairosdb";

    private static final Logger LOG = LoggerFactory.getLogger(KairosDbSink.class);

    @ObjectClassDefinition(name = "Lodestar KairosDB sink",
            description = "Writes samples to KairosDB over HTTP (/api/v1/datapoints, JSON)."
                    + " One configuration per KairosDB: conf/lodestar.sink.kairosdb-<name>.cfg.")
    public @interface Config {

        @AttributeDefinition(name = "URL", description = "KairosDB's REST base: http(s)://host:port, optionally with"
                + " a path prefix (behind a proxy); /api/v1/datapoints is appended.")
        String url() default "http://127.0.0.1:8080";

        @AttributeDefinition(name = "User name", description = "For HTTP basic authentication (KairosDB's"
                + " kairosdb.jetty.basic_auth, or a proxy). Empty: no authentication.")
        String username() default "";

        @AttributeDefinition(name = "Password", description = "For HTTP basic authentication, with the user name.",
                type = AttributeType.PASSWORD)
        String password() default "";

        @AttributeDefinition(name = "Gzip", description = "Compress request bodies (Content-Encoding: gzip),"
                + " which KairosDB accepts.")
        boolean gzip() default false;

        @AttributeDefinition(name = "Timeout", description = "Connect timeout, and how long a request may take"
                + " before it fails (a duration: 500ms, 10s).")
        String timeout() default "10s";

        @AttributeDefinition(name = "Default tags", description = "key=value tags added to every sample that lacks"
                + " the key (comma-separated or one per entry). KairosDB needs at least one tag per series."
                + " Empty: host=<this machine's short host name>.")
        String[] defaultTags() default {};

        @AttributeDefinition(name = "Batch size", description = "Samples per write at most; 0: the lodestar.core"
                + " default (1000).")
        int batchSize() default 0;

        @AttributeDefinition(name = "Flush interval", description = "Longest a sample waits for a batch to fill"
                + " (a duration); empty: the lodestar.core default (1s).")
        String flushInterval() default "";

        @AttributeDefinition(name = "Buffer memory", description = "Memory for samples waiting while KairosDB is"
                + " slow or away (a size: 64MB); empty: the lodestar.core default (64MB).")
        String bufferMemory() default "";

        @AttributeDefinition(name = "First retry delay", description = "Delay after a failed write (a duration);"
                + " empty: the lodestar.core default (500ms).")
        String retryInitial() default "";

        @AttributeDefinition(name = "Longest retry delay", description = "Upper bound of the retry delay; empty:"
                + " the lodestar.core default (30s).")
        String retryMax() default "";

        @AttributeDefinition(name = "Retry factor", description = "Each consecutive failure multiplies the delay"
                + " by this (at least 1); 0: the lodestar.core default (2).")
        double retryFactor() default 0;

        @AttributeDefinition(name = "Include", description = "Name globs to send (* within a component, ** across,"
                + " ? one character). Empty: everything.")
        String[] include() default {};

        @AttributeDefinition(name = "Exclude", description = "Name globs not to send, applied after include.")
        String[] exclude() default {};

        @AttributeDefinition(name = "Levels", description = "Levels to send (critical,error,...): a sample with a"
                + " 'level' tag is sent only if its level is listed; samples without one always are. Empty: all.")
        String[] levels() default {};
    }

    private final URI endpoint;
    private final String authorization;
    private final boolean gzip;
    private final long timeoutMillis;
    private final Tags defaultTags;
    private final LevelFilter levels;
    private volatile HttpClient client;

    private final LongAdder nonFinite = new LongAdder();
    private final LongAdder refusedRequests = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final RateLimitedLog nonFiniteLog = new RateLimitedLog(60_000, LOG::info);
    private final RateLimitedLog refusedLog = new RateLimitedLog(10_000, LOG::warn);

    @Activate
    public KairosDbSink(Config config, Map<String, Object> props) {
        URI base = baseUrl(config.url());
        String user = config.username() == null ? "" : config.username();
        String password = config.password() == null ? "" : config.password();
        if (user.isEmpty() && !password.isEmpty()) {
            throw new IllegalArgumentException("username: required when a password is set");
        }
        if (user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("username: must not contain ':' (HTTP basic authentication)");
        }
        authorization = user.isEmpty() ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        gzip = config.gzip();
        timeoutMillis = Units.positiveDurationMillis("timeout", config.timeout());
        defaultTags = defaultTags(config.defaultTags());
        levels = RunnerProperties.of(props).levels();
        String path = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        endpoint = base.resolve(path + "/api/v1/datapoints");
        client = newClient();
        LOG.info("KairosDB sink to {} (default tags {}, gzip {}, {}, {})", endpoint, defaultTags, gzip,
                authorization == null ? "no authentication" : "basic authentication as " + user, levels);
    }

    static URI baseUrl(String url) {
        String u = url == null ? "" : url.trim();
        try {
            URI uri = new URI(u);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new IllegalArgumentException("url: expected http://host:port or https://host:port, got '" + url + "'");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("url: must not have a query, fragment or user (use username/password),"
                        + " got '" + url + "'");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("url: not a valid URL, got '" + url + "' (" + e.getReason() + ")");
        }
    }

    static Tags defaultTags(String[] entries) {
        Tags t = Tags.EMPTY;
        if (entries != null) {
            for (String entry : entries) {
                for (String kv : entry == null ? new String[0] : entry.split(",")) {
                    if (kv.isBlank()) {
                        continue;
                    }
                    int eq = kv.indexOf('=');
                    String k = eq < 0 ? "" : kv.substring(0, eq).trim();
                    String v = eq < 0 ? "" : kv.substring(eq + 1).trim();
                    if (k.isEmpty() || v.isEmpty()) {
                        throw new IllegalArgumentException("defaultTags: expected key=value, got '" + kv.trim() + "'");
                    }
                    t = t.with(KairosJson.sanitizeTag(k), KairosJson.sanitizeTag(v));
                }
            }
        }
        return t.isEmpty() ? Tags.of("host", KairosJson.sanitizeTag(shortHostName())) : t;
    }

    static String shortHostName() {
        String h;
        try {
            h = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            h = System.getenv("HOSTNAME");
        }
        if (h == null || h.isBlank()) {
            return "localhost";
        }
        int dot = h.indexOf('.');
        return dot > 0 ? h.substring(0, dot) : h;
    }

    private HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(timeoutMillis)).build();
    }

    @Override
    public boolean accepts(Sample sample) {
        if (!levels.accepts(sample)) {
            return false;
        }
        if (Double.isNaN(sample.value()) || Double.isInfinite(sample.value())) {
            nonFinite(sample);
            return false;
        }
        return true;
    }

    private void nonFinite(Sample s) {
        nonFinite.increment();
        nonFiniteLog.log(() -> "KairosDB sink " + endpoint + ": leaving out samples whose value is NaN or infinite"
                + " (KairosDB's JSON cannot carry them), e.g. " + s + "; " + nonFinite.sum() + " so far");
    }

    @Override
    public void write(List<Sample> batch) throws IOException {
        // one metric object per series, its points in batch order
        Map<String, List<Sample>> series = new LinkedHashMap<>();
        int points = 0;
        for (Sample s : batch) {
            if (Double.isNaN(s.value()) || Double.isInfinite(s.value())) {
                nonFinite(s);
                continue;
            }
            series.computeIfAbsent(s.seriesKey(), k -> new ArrayList<>(2)).add(s);
            points++;
        }
        if (points == 0) {
            return;
        }
        String json = KairosJson.encode(series.values(), defaultTags);
        HttpResponse<String> r = post(json.getBytes(StandardCharsets.UTF_8));
        int status = r.statusCode();
        if (status / 100 == 2) {
            written.add(points);
            return;
        }
        if (status == 400) {
            // KairosDB stored the metrics that passed validation and lists the others' errors: a retry
            // would be refused the same way, so the batch is done
            refusedRequests.increment();
            int n = points;
            refusedLog.log(() -> "KairosDB at " + endpoint + " refused part or all of a request of " + n + " points"
                    + " (not retried): " + errors(r.body()) + "; " + refusedRequests.sum() + " such requests so far");
            return;
        }
        client = newClient();
        throw new IOException("KairosDB at " + endpoint + " answered " + status
                + (status == 401 || status == 403 ? " (check username and password)" : "") + ": " + abbreviate(r.body()));
    }

    private HttpResponse<String> post(byte[] body) throws IOException {
        HttpRequest.Builder req = HttpRequest.newBuilder(endpoint).timeout(Duration.ofMillis(timeoutMillis))
                .header("Content-Type", "application/json");
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        if (gzip) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
            try (GZIPOutputStream z = new GZIPOutputStream(out)) {
                z.write(body);
            }
            body = out.toByteArray();
            req.header("Content-Encoding", "gzip");
        }
        try {
            return client.send(req.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            client = newClient(); // a fresh connection pool for the retry
            throw new IOException("KairosDB at " + endpoint + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing to KairosDB at " + endpoint);
        }
    }

    /** The {@code errors} of a KairosDB error answer, or the body as it is. */
    private static String errors(String body) {
        try {
            Object e = Json.object(Json.parse(body)).get("errors");
            if (e instanceof List<?> l) {
                return abbreviate(String.join("; ", l.stream().map(String::valueOf).toList()));
            }
        } catch (IllegalArgumentException notJson) {
            // fall through
        }
        return abbreviate(body);
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    @Deactivate
    void deactivate() {
        LOG.info("KairosDB sink to {} stopped ({} points written, {} requests refused by KairosDB, {} NaN/infinite"
                + " left out)", endpoint, written.sum(), refusedRequests.sum(), nonFinite.sum());
    }

    long refusedRequestCount() {
        return refusedRequests.sum();
    }

    long nonFiniteCount() {
        return nonFinite.sum();
    }

    long writtenCount() {
        return written.sum();
    }

    @Override
    public String toString() {
        return "KairosDbSink[" + endpoint + "]";
    }
}
