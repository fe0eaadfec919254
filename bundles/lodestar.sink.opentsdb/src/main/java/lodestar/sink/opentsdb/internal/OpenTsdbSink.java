package lodestar.sink.opentsdb.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
 * Writes samples to OpenTSDB 2.x through its HTTP API, {@code POST /api/put?details}: a JSON array of
 * data points. Only encodes and sends: the core's runner batches, buffers and retries. Points OpenTSDB
 * refuses one by one (the {@code details} answer) are logged and counted, not retried: they would be
 * refused again. A 5xx answer, a refused connection or a timeout makes {@link #write} throw.
 */
@Component(name = OpenTsdbSink.PID, configurationPid = OpenTsdbSink.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = Sink.class,
        // a tag-based backend: the core adds its host tag to what this sink receives (hostTag in lodestar.core)
        property = "lodestar.sink.tags:Boolean=true")
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

        @AttributeDefinition(name = "User name", description = "For HTTP basic authentication (PuyPuy's [TSDB]"
                + " user; OpenTSDB behind an authenticating proxy). Empty: no authentication.")
        String username() default "";

        @AttributeDefinition(name = "Password", description = "For HTTP basic authentication, with the user name"
                + " (PuyPuy's [TSDB] pass).", type = AttributeType.PASSWORD)
        String password() default "";

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
    }

    private final URI endpoint;
    private final boolean details;
    private final Tags defaultTags;
    private final HttpSinkClient http;

    private final SkippedSamples nonFinite;
    private final LongAdder refused = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final RateLimitedLog refusedLog = new RateLimitedLog(10_000, LOG::warn);

    /** @param cm where the password is read: DS never sees it (see {@link Secrets}) */
    @Activate
    public OpenTsdbSink(Config config, Map<String, Object> props, @Reference(name = "configurationAdmin") ConfigurationAdmin cm) {
        this(config, Secrets.of(cm, props));
    }

    OpenTsdbSink(Config config, Secrets secrets) {
        URI base = HttpSinkClient.baseUrl(config.url(), "username/password");
        String user = config.username() == null ? "" : config.username();
        String authorization = HttpSinkClient.basicAuthorization("username", user, secrets.get("password"));
        details = config.details();
        long timeoutMillis = Units.positiveDurationMillis("timeout", config.timeout());
        defaultTags = TagsProperty.parseOrHost("defaultTags", config.defaultTags(), OpenTsdbNames::sanitize);
        endpoint = HttpSinkClient.endpoint(base, "/api/put?" + (details ? "details" : "summary"));
        http = new HttpSinkClient("OpenTSDB", endpoint, "application/json", timeoutMillis, config.gzip(), authorization);
        nonFinite = SkippedSamples.nonFinite("OpenTSDB sink " + endpoint, "OpenTSDB", LOG::info);
        LOG.info("OpenTSDB sink to {} (default tags {}, gzip {}, {})", endpoint, defaultTags, config.gzip(),
                authorization == null ? "no authentication" : "basic authentication as " + user);
    }

    @Override
    public boolean accepts(Sample sample) {
        return !nonFinite.skipNonFinite(sample);
    }

    @Override
    public void write(List<Sample> batch) throws IOException {
        StringBuilder json = new StringBuilder(batch.size() * 96 + 2).append('[');
        int points = 0;
        for (Sample s : batch) {
            if (nonFinite.skipNonFinite(s)) {
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
        handle(http.post(json.toString().getBytes(StandardCharsets.UTF_8)), points);
    }

    /**
     * 2xx: taken (with details, the counts say so). 400 with a details or summary answer: the points it
     * lists failed and the rest were stored, so the batch is done; 400 without one: OpenTSDB refused the
     * whole request (it could not parse it), which a retry would not change. Anything else (401, 403,
     * 404, 413, 429, 5xx): not taken, thrown for the runner to retry.
     */
    private void handle(HttpSinkClient.Response r, int points) throws IOException {
        int status = r.status();
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
                    + HttpSinkClient.abbreviate(r.body()));
            return;
        }
        http.renew();
        throw new IOException("OpenTSDB at " + endpoint + " answered " + status
                + (status == 401 || status == 403 ? " (check username and password)" : "") + ": " + HttpSinkClient.abbreviate(r.body()));
    }

    private void refused(long failed, int points, Object errors) {
        refused.add(failed);
        if (errors instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> first) {
            refusedLog.log(() -> "OpenTSDB at " + endpoint + " refused " + failed + " of " + points + " points (not"
                    + " retried), e.g. '" + first.get("error") + "' for " + HttpSinkClient.abbreviate(String.valueOf(first.get("datapoint")))
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

    @Deactivate
    void deactivate() {
        http.close();
        LOG.info("OpenTSDB sink to {} stopped ({} points written, {} refused by OpenTSDB, {} NaN/infinite left out)",
                endpoint, written.sum(), refused.sum(), nonFinite.count());
    }

    /** Points OpenTSDB refused (details or summary answer, or a refused request). */
    long refusedCount() {
        return refused.sum();
    }

    /** Samples left out because their value was NaN or infinite. */
    long nonFiniteCount() {
        return nonFinite.count();
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
