package lodestar.sink.otlp.internal;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import lodestar.api.Sample;
import lodestar.api.Sink;
import lodestar.support.config.Units;
import lodestar.support.http.HttpSinkClient;
import lodestar.support.log.LogText;
import lodestar.support.log.RateLimitedLog;
import lodestar.support.secrets.Secrets;
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

/**
 * Writes samples to any OTLP/HTTP receiver (an OpenTelemetry Collector, Prometheus 3's OTLP endpoint, Mimir,
 * another Lodestar) as protobuf {@code ExportMetricsServiceRequest}s, histograms whole. Only encodes and sends:
 * the core's runner batches, buffers and retries. A write throws when the receiver did not take the batch for a
 * reason that may pass (5xx, 429, connection refused, timeout, authentication); a request the receiver refuses as
 * bad (400 and other 4xx) is logged and counted instead, since sending it again would fail forever.
 */
@Component(name = OtlpSink.PID, configurationPid = OtlpSink.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = Sink.class,
        // histograms go out whole; a tag-based backend: the core adds its host tag
        property = {"lodestar.sink.histograms:Boolean=true", "lodestar.sink.tags:Boolean=true"})
@Designate(ocd = OtlpSink.Config.class, factory = true)
public final class OtlpSink implements Sink {

    static final String PID = "lodestar.sink.otlp";
    private static final Logger LOG = LoggerFactory.getLogger(OtlpSink.class);

    @ObjectClassDefinition(name = "Lodestar OTLP sink",
            description = "Writes samples to an OTLP/HTTP receiver (protobuf), histograms whole. One configuration per"
                    + " receiver: conf/lodestar.sink.otlp-<name>.cfg.")
    public @interface Config {
        @AttributeDefinition(description = "The receiver's metrics endpoint (http or https); a URL without a path gets"
                + " /v1/metrics, as OTEL_EXPORTER_OTLP_ENDPOINT does.")
        String url() default "http://127.0.0.1:4318/v1/metrics";

        @AttributeDefinition(description = "More request headers, each 'Name=value' (an API key header). Shown in the"
                + " console: put a secret in 'authorization' instead.")
        String[] headers() default {};

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "The Authorization header's value"
                + " ('Bearer <token>', 'Basic ...'); empty: none.")
        String authorization() default "";

        @AttributeDefinition(description = "Connect timeout, and how long the receiver may take to answer one request"
                + " before the write fails and is retried (a duration: 10s).")
        String timeout() default "10s";

        @AttributeDefinition(description = "Compress request bodies (Content-Encoding: gzip).")
        boolean gzip() default false;

        @AttributeDefinition(description = "cumulative: delta samples (StatsD counts, OTLP delta sums and histograms)"
                + " are added up per series into running totals, as Prometheus-like receivers want; delta: they are sent"
                + " as delta. Cumulative series are sent cumulative either way.",
                options = {@org.osgi.service.metatype.annotations.Option(label = "cumulative", value = "cumulative"),
                        @org.osgi.service.metatype.annotations.Option(label = "delta", value = "delta")})
        String temporality() default "cumulative";

        @AttributeDefinition(description = "Resource attributes of everything sent, each 'key=value'.")
        String[] resourceAttributes() default {"service.name=lodestar"};

        @AttributeDefinition(description = "Tags that become resource attributes instead of data point attributes,"
                + " each 'tag' or 'tag=attribute' (host=host.name renames the core's host tag).")
        String[] resourceFromTags() default {"host=host.name"};

        @AttributeDefinition(description = "With temporality=cumulative: most series whose running totals are kept;"
                + " beyond it the least recently written series starts again (a reset, with a new start time).")
        int maxSeries() default 100000;
    }

    private final HttpSinkClient http;
    private final SamplesToOtlp encoder;
    private final LongAdder rejectedPoints = new LongAdder();
    private final LongAdder refusedRequests = new LongAdder();
    private final RateLimitedLog rejectedLog = new RateLimitedLog(10_000, LOG::warn);

    @Activate
    public OtlpSink(Config config, Map<String, Object> props, @Reference(name = "configurationAdmin") ConfigurationAdmin cm) {
        this(config, Secrets.of(cm, props));
    }

    OtlpSink(Config config, Secrets secrets) {
        URI url = HttpSinkClient.baseUrl(config.url(), null);
        if (url.getRawPath() == null || url.getRawPath().isEmpty() || url.getRawPath().equals("/")) {
            url = HttpSinkClient.endpoint(url, "/v1/metrics");
        }
        long timeout = Units.positiveDurationMillis("timeout", config.timeout());
        SamplesToOtlp.Temporality temporality = SamplesToOtlp.Temporality.parse(config.temporality());
        if (config.maxSeries() < 1) {
            throw new IllegalArgumentException("maxSeries: must be at least 1, got " + config.maxSeries());
        }
        Map<String, String> headers = pairs("headers", config.headers(), false);
        Map<String, String> resource = pairs("resourceAttributes", config.resourceAttributes(), false);
        Map<String, String> fromTags = pairs("resourceFromTags", config.resourceFromTags(), true);
        String authorization = secrets.get("authorization");
        try {
            http = new HttpSinkClient("OTLP receiver", url, "application/x-protobuf", timeout, config.gzip(),
                    authorization == null || authorization.isBlank() ? null : authorization.trim(), headers);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("headers: " + e.getMessage(), e);
        }
        encoder = new SamplesToOtlp(temporality, resource, fromTags, config.maxSeries(), version());
        LOG.info("OTLP sink to {} ({}{})", url, temporality.name().toLowerCase(java.util.Locale.ROOT), config.gzip() ? ", gzip" : "");
    }

    private static String version() {
        Package p = OtlpSink.class.getPackage();
        return p != null && p.getImplementationVersion() != null ? p.getImplementationVersion() : "";
    }

    /**
     * {@code key=value} entries (for {@code keyOnly}, a bare {@code key} means {@code key=key}).
     *
     * @throws IllegalArgumentException starting with the property
     */
    static Map<String, String> pairs(String property, String[] entries, boolean keyOnly) {
        Map<String, String> out = new LinkedHashMap<>();
        if (entries == null) {
            return out;
        }
        for (String raw : entries) {
            for (String e : keyOnly ? raw.split(",") : new String[] {raw}) {
                String t = e.trim();
                if (t.isEmpty()) {
                    continue;
                }
                int eq = t.indexOf('=');
                if (eq < 0 && keyOnly) {
                    out.put(t, t);
                    continue;
                }
                if (eq <= 0) {
                    throw new IllegalArgumentException(property + ": '" + LogText.of(t) + "' must be key=value");
                }
                out.put(t.substring(0, eq).trim(), t.substring(eq + 1).trim());
            }
        }
        return out;
    }

    @Override
    public void write(List<Sample> batch) throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        ExportMetricsServiceRequest request = encoder.encode(batch);
        byte[] body = request.toByteArray();
        HttpSinkClient.Response r = http.post(body);
        int status = r.status();
        if (r.isSuccess()) {
            encoder.commit();
            partialSuccess(r, batch.size());
            return;
        }
        if (status == 413 && batch.size() > 1) {
            // too large for the receiver: halve until it fits rather than retry forever
            int half = batch.size() / 2;
            write(batch.subList(0, half));
            write(batch.subList(half, batch.size()));
            return;
        }
        if (status / 100 == 4 && status != 401 && status != 403 && status != 404 && status != 408 && status != 429) {
            // bad data (OTLP: 400 and other 4xx are not retryable): the same request would be refused forever.
            // Its running totals count as sent: the receiver will never have them, and a retry cannot help.
            encoder.commit();
            refusedRequests.increment();
            rejectedPoints.add(batch.size());
            rejectedLog.log(() -> "OTLP receiver at " + http.endpoint() + " refused a request of " + batch.size()
                    + " samples (HTTP " + status + "): " + LogText.of(HttpSinkClient.abbreviate(r.body())) + "; "
                    + rejectedPoints.sum() + " samples refused so far");
            return;
        }
        if (status / 100 == 5) {
            http.renew();
        }
        String hint = switch (status) {
            case 401, 403 -> " (check authorization and headers)";
            case 404 -> " (is the URL the receiver's metrics endpoint, /v1/metrics?)";
            default -> "";
        };
        throw new IOException("OTLP receiver at " + http.endpoint() + " answered HTTP " + status + hint + ": "
                + LogText.of(HttpSinkClient.abbreviate(r.body())));
    }

    /** A 200 may still say some points were refused (OTLP partial success): logged and counted, not retried. */
    private void partialSuccess(HttpSinkClient.Response r, int sent) {
        if (r.body().isEmpty()) {
            return;
        }
        try {
            // the client reads the answer as UTF-8 text; protobuf bytes survive that only when they are ASCII, which
            // a small answer (counts and an English message) is; a garbled one is only not reported
            ExportMetricsServiceResponse answer = ExportMetricsServiceResponse.parseFrom(r.body().getBytes(StandardCharsets.UTF_8));
            long n = answer.getPartialSuccess().getRejectedDataPoints();
            if (n > 0 || !answer.getPartialSuccess().getErrorMessage().isEmpty()) {
                rejectedPoints.add(n);
                rejectedLog.log(() -> "OTLP receiver at " + http.endpoint() + " refused " + n + " of " + sent + " points: "
                        + LogText.of(answer.getPartialSuccess().getErrorMessage()));
            }
        } catch (IOException e) {
            // not an OTLP answer (a proxy's page): the request was taken all the same
        }
    }

    /** Points the receiver refused, since start. */
    long rejectedPoints() {
        return rejectedPoints.sum();
    }

    /** Series whose running totals are kept. */
    int series() {
        return encoder.series();
    }

    @Deactivate
    void deactivate() {
        http.close();
    }
}
