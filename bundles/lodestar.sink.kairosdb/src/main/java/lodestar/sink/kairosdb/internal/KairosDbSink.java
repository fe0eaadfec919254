package lodestar.sink.kairosdb.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Sample;
import lodestar.api.Sink;
import lodestar.api.Tags;
import lodestar.support.http.HttpSinkClient;
import lodestar.support.json.Json;
import lodestar.support.log.RateLimitedLog;
import lodestar.support.secrets.Secrets;
import lodestar.support.log.SkippedSamples;
import lodestar.support.config.TagsProperty;
import lodestar.support.config.Units;

/**
 * Writes samples to KairosDB through its REST API, {@code POST /api/v1/datapoints}: a JSON array with
 * one object per series ({@code name}, {@code tags}, {@code datapoints: [[ms, value], ...]}), with
 * optional basic authentication (PuyPuy's {@code auth}) and gzip. Only encodes and sends: the core's
 * runner batches, buffers and retries.
 */
@Component(name = KairosDbSink.PID, configurationPid = KairosDbSink.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = Sink.class,
        // a tag-based backend: the core adds its host tag to what this sink receives (hostTag in lodestar.core)
        property = "lodestar.sink.tags:Boolean=true")
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
    }

    private final URI endpoint;
    private final Tags defaultTags;
    private final HttpSinkClient http;

    private final SkippedSamples nonFinite;
    private final LongAdder refusedRequests = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final RateLimitedLog refusedLog = new RateLimitedLog(10_000, LOG::warn);

    /** @param cm where the password is read: DS never sees it (see {@link Secrets}) */
    @Activate
    public KairosDbSink(Config config, Map<String, Object> props, @Reference(name = "configurationAdmin") ConfigurationAdmin cm) {
        this(config, Secrets.of(cm, props));
    }

    KairosDbSink(Config config, Secrets secrets) {
        URI base = HttpSinkClient.baseUrl(config.url(), "username/password");
        String user = config.username() == null ? "" : config.username();
        String authorization = HttpSinkClient.basicAuthorization("username", user, secrets.get("password"));
        long timeoutMillis = Units.positiveDurationMillis("timeout", config.timeout());
        defaultTags = TagsProperty.parseOrHost("defaultTags", config.defaultTags(), KairosJson::sanitizeTag);
        endpoint = HttpSinkClient.endpoint(base, "/api/v1/datapoints");
        http = new HttpSinkClient("KairosDB", endpoint, "application/json", timeoutMillis, config.gzip(), authorization);
        nonFinite = SkippedSamples.nonFinite("KairosDB sink " + endpoint, "KairosDB", LOG::info);
        LOG.info("KairosDB sink to {} (default tags {}, gzip {}, {})", endpoint, defaultTags, config.gzip(),
                authorization == null ? "no authentication" : "basic authentication as " + user);
    }

    @Override
    public boolean accepts(Sample sample) {
        return !nonFinite.skipNonFinite(sample);
    }

    @Override
    public void write(List<Sample> batch) throws IOException {
        // one metric object per series, its points in batch order
        Map<String, List<Sample>> series = new LinkedHashMap<>();
        int points = 0;
        for (Sample s : batch) {
            if (nonFinite.skipNonFinite(s)) {
                continue;
            }
            series.computeIfAbsent(s.seriesKey(), k -> new ArrayList<>(2)).add(s);
            points++;
        }
        if (points == 0) {
            return;
        }
        String json = KairosJson.encode(series.values(), defaultTags);
        HttpSinkClient.Response r = http.post(json.getBytes(StandardCharsets.UTF_8));
        int status = r.status();
        if (r.isSuccess()) {
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
        http.renew();
        throw new IOException("KairosDB at " + endpoint + " answered " + status
                + (status == 401 || status == 403 ? " (check username and password)" : "") + ": "
                + HttpSinkClient.abbreviate(r.body()));
    }

    /** The {@code errors} of a KairosDB error answer, or the body as it is. */
    private static String errors(String body) {
        try {
            Object e = Json.object(Json.parse(body)).get("errors");
            if (e instanceof List<?> l) {
                return HttpSinkClient.abbreviate(String.join("; ", l.stream().map(String::valueOf).toList()));
            }
        } catch (IllegalArgumentException notJson) {
            // fall through
        }
        return HttpSinkClient.abbreviate(body);
    }

    @Deactivate
    void deactivate() {
        http.close();
        LOG.info("KairosDB sink to {} stopped ({} points written, {} requests refused by KairosDB, {} NaN/infinite"
                + " left out)", endpoint, written.sum(), refusedRequests.sum(), nonFinite.count());
    }

    long refusedRequestCount() {
        return refusedRequests.sum();
    }

    long nonFiniteCount() {
        return nonFinite.count();
    }

    long writtenCount() {
        return written.sum();
    }

    @Override
    public String toString() {
        return "KairosDbSink[" + endpoint + "]";
    }
}
