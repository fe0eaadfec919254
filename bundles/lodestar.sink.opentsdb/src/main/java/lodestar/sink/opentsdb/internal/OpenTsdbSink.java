package lodestar.sink.opentsdb.internal;

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
 * Writes samples to OpenTSDB 2.x through its HTTP API, {@code POST /api/put?details}: a JSON array of
 * data points. Only encodes and sends: the core's runner batches, buffers and retries. Points OpenTSDB
 * refuses one by one (the {@code details} answer) are logged and counted, not retried: they would be
 * refused again. A 5xx answer, a refused connection or a timeout makes {@link #write} throw.
 */
@Component(name = OpenTsdbSink.PID, configurationPid = OpenTsdbSink.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = Sink.class)
@Designate(ocd = OpenTsdbSink.Config.class, factory = true)
public final class OpenTsdbSink implements Sink {

    static final String PID = "lodestar.sink.opentsdb";

    private static final Logger LOG = LoggerFactory.getLogger(OpenTsdbSink.class);

    @ObjectClassDefinition(name = "Lodestar OpenTSDB sink",
            description = "Writes samples to OpenTSDB 2.x over HTTP (/api/put?details, JSON)."
                    + " One configuration per OpenTSDB: conf/lodestar.sink.opentsdb-<name>.cfg.")
    public @interface Config {

        @AttributeDefinition(name = "URL", description = "OpenTSDB's HTTP API base: http(s)://host:port, optionally"
                + " with a path prefix (behind a proxy); /api/put is appended.")
        String url() default "http://127.0.0.1:4242";

        @AttributeDefinition(name = "Gzip", description = "Compress request bodies (Content-Encoding: gzip).")
        boolean gzip() default false;

        @AttributeDefinition(name = "Timeout", description = "Connect timeout, and how long a request may take"
                + " before it fails (a duration: 500ms, 10s).")
        String timeout() default "10s";

        @AttributeDefinition(name = "Default tags", description = "key=value tags added to every sample that lacks"
                + " the key (comma-separated or one per entry). OpenTSDB needs at least one tag per point."
                + " Empty: host=<this machine's short host name>.")
        String[] defaultTags() default {};

        @AttributeDefinition(name = "Details", description = "true: ask for /api/put?details and log each refused"
                + " point with OpenTSDB's reason. false: /api/put?summary, only the counts.")
        boolean details() default true;

        @AttributeDefinition(name = "Batch size", description = "Samples per write at most; 0: the lodestar.core"
                + " default (1000). OpenTSDB advises keeping requests to a few thousand points.")
        int batchSize() default 0;

        @AttributeDefinition(name = "Flush interval", description = "Longest a sample waits for a batch to fill"
                + " (a duration); empty: the lodestar.core default (1s).")
        String flushInterval() default "";

        @AttributeDefinition(name = "Buffer memory", description = "Memory for samples waiting while OpenTSDB is"
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
    private final boolean gzip;
    private final boolean details;
    private final long timeoutMillis;
    private final Tags defaultTags;
    private final LevelFilter levels;
    private volatile HttpClient client;

    private final LongAdder nonFinite = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final RateLimitedLog nonFiniteLog = new RateLimitedLog(60_000, LOG::info);
    private final RateLimitedLog refusedLog = new RateLimitedLog(10_000, LOG::warn);

    @Activate
    public OpenTsdbSink(Config config, Map<String, Object> props) {
        URI base = baseUrl(config.url());
        gzip = config.gzip();
        details = config.details();
        timeoutMillis = Units.positiveDurationMillis("timeout", config.timeout());
        defaultTags = defaultTags(config.defaultTags());
        RunnerProperties runner = RunnerProperties.of(props);
        levels = runner.levels();
        String path = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        endpoint = base.resolve(path + "/api/put?" + (details ? "details" : "summary"));
        client = newClient();
        LOG.info("OpenTSDB sink to {} (default tags {}, gzip {}, {})", endpoint, defaultTags, gzip, levels);
    }

    /** Parses and checks {@code url}: http or https with a host. */
    static URI baseUrl(String url) {
        String u = url == null ? "" : url.trim();
        try {
            URI uri = new URI(u);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new IllegalArgumentException("url: expected http://host:port or https://host:port, got '" + url + "'");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("url: must not have a query or fragment, got '" + url + "'");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("url: not a valid URL, got '" + url + "' (" + e.getReason() + ")");
        }
    }

    /** {@code defaultTags} as tags, sanitized; empty gives host=&lt;short host name&gt;. */
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
                    t = t.with(OpenTsdbNames.sanitize(k), OpenTsdbNames.sanitize(v));
                }
            }
        }
        return t.isEmpty() ? Tags.of("host", OpenTsdbNames.sanitize(shortHostName())) : t;
    }

    static String shortHostName() {
        String h = null;
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
        nonFiniteLog.log(() -> "OpenTSDB sink " + endpoint + ": leaving out samples whose value is NaN or infinite"
                + " (OpenTSDB cannot store them), e.g. " + s + "; " + nonFinite.sum() + " so far");
    }

    @Override
    public void write(List<Sample> batch) throws IOException {
        StringBuilder json = new StringBuilder(batch.size() * 96 + 2).append('[');
        int points = 0;
        for (Sample s : batch) {
            if (Double.isNaN(s.value()) || Double.isInfinite(s.value())) {
                nonFinite(s);
                continue;
            }
            if (points++ > 0) {
                json.append(',');
            }
            OpenTsdbNames.appendPoint(json, s, defaultTags);
        }
        if (points == 0) {
            return;
        }
        json.append(']');
        HttpResponse<String> response = post(json.toString().getBytes(StandardCharsets.UTF_8));
        handle(response, points);
    }

    private HttpResponse<String> post(byte[] body) throws IOException {
        HttpRequest.Builder req = HttpRequest.newBuilder(endpoint).timeout(Duration.ofMillis(timeoutMillis))
                .header("Content-Type", "application/json");
        if (gzip) {
            body = gzip(body);
            req.header("Content-Encoding", "gzip");
        }
        try {
            return client.send(req.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            client = newClient(); // a fresh connection pool for the retry
            throw new IOException("OpenTSDB at " + endpoint + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing to OpenTSDB at " + endpoint);
        }
    }

    static byte[] gzip(byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(body);
        }
        return out.toByteArray();
    }

    /**
     * 2xx: taken (with details, the counts say so). 400 with a details or summary answer: the points it
     * lists failed and the rest were stored, so the batch is done; 400 without one: OpenTSDB refused the
     * whole request (it could not parse it), which a retry would not change. Anything else (401, 403,
     * 404, 413, 429, 5xx): not taken, thrown for the runner to retry.
     */
    private void handle(HttpResponse<String> r, int points) throws IOException {
        int status = r.statusCode();
        if (status / 100 == 2 || status == 400) {
            Map<String, Object> answer = answer(r.body());
            if (answer != null && answer.get("failed") instanceof Long failed && answer.get("success") instanceof Long success) {
                written.add(success);
                if (failed > 0) {
                    refused(failed, points, answer.get("errors"));
                }
                return;
            }
            if (status / 100 == 2) {
                written.add(points);
                return;
            }
            refused(points, points, null);
            refusedLog.log(() -> "OpenTSDB at " + endpoint + " refused a whole request of " + points + " points: "
                    + abbreviate(r.body()));
            return;
        }
        client = newClient();
        throw new IOException("OpenTSDB at " + endpoint + " answered " + status + ": " + abbreviate(r.body()));
    }

    private void refused(long failed, int points, Object errors) {
        refused.add(failed);
        if (errors instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> first) {
            refusedLog.log(() -> "OpenTSDB at " + endpoint + " refused " + failed + " of " + points + " points (not"
                    + " retried), e.g. '" + first.get("error") + "' for " + abbreviate(String.valueOf(first.get("datapoint")))
                    + "; " + refused.sum() + " refused so far");
        } else if (errors != null || !details) {
            refusedLog.log(() -> "OpenTSDB at " + endpoint + " refused " + failed + " of " + points + " points (not"
                    + " retried; details=true says why); " + refused.sum() + " refused so far");
        }
    }

    private static Map<String, Object> answer(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return Json.parse(body) instanceof Map<?, ?> m ? Json.object(m) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    @Deactivate
    void deactivate() {
        LOG.info("OpenTSDB sink to {} stopped ({} points written, {} refused by OpenTSDB, {} NaN/infinite left out)",
                endpoint, written.sum(), refused.sum(), nonFinite.sum());
    }

    /** Points OpenTSDB refused (details or summary answer, or a refused request). */
    long refusedCount() {
        return refused.sum();
    }

    /** Samples left out because their value was NaN or infinite. */
    long nonFiniteCount() {
        return nonFinite.sum();
    }

    /** Points OpenTSDB reported stored. */
    long writtenCount() {
        return written.sum();
    }

    @Override
    public String toString() {
        return "OpenTsdbSink[" + endpoint + "]";
    }
}
