package lodestar.sink.librato.internal;

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
import lodestar.support.config.Hosts;
import lodestar.support.http.HttpSinkClient;
import lodestar.support.log.RateLimitedLog;
import lodestar.support.secrets.Secrets;
import lodestar.support.config.Units;

/**
 * Writes samples to Librato's source-based metrics API, {@code POST /v1/metrics} (as Zibrato does):
 * counters as {@code counters}, every other kind as {@code gauges}, each with a {@code source}, in
 * requests of at most 300 measurements, authenticated with the account's user and API token. Only encodes
 * and sends: the core's runner batches, buffers, retries and applies the operator's filters ({@code levels}
 * included, Zibrato's way of choosing what reaches Librato).
 */
@Component(name = LibratoSink.PID, configurationPid = LibratoSink.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = Sink.class)
@Designate(ocd = LibratoSink.Config.class, factory = true)
public final class LibratoSink implements Sink {

    static final String PID = "lodestar.sink.librato";

    private static final Logger LOG = LoggerFactory.getLogger(LibratoSink.class);

    @ObjectClassDefinition(name = "Lodestar Librato sink",
            description = "Writes samples to Librato's metrics API (POST /v1/metrics: gauges and counters with a"
                    + " source). One configuration per account: conf/lodestar.sink.librato-<name>.cfg.")
    public @interface Config {

        @AttributeDefinition(name = "URL", description = "The API's base URL; /v1/metrics is appended.")
        String url() default "https://metrics-api.librato.com";

        @AttributeDefinition(name = "User", description = "The account's user (its e-mail address), for HTTP basic"
                + " authentication. Required.")
        String user() default "";

        @AttributeDefinition(name = "API token", description = "The account's API token (with record rights)."
                + " Required.", type = AttributeType.PASSWORD)
        String token() default "";

        @AttributeDefinition(name = "Source", description = "The source of samples that have none of the source"
                + " tags (A-Za-z0-9.:-_, at most 255). Empty: this machine's short host name.")
        String source() default "";

        @AttributeDefinition(name = "Source tags", description = "Tags whose values, in this order and joined with"
                + " '.', are a sample's source (Telegraf's template). Other tags are not sent: this API has none.")
        String[] sourceTags() default {"host"};

        @AttributeDefinition(name = "Timeout", description = "Connect timeout, and how long a request may take"
                + " before it fails (a duration: 500ms, 10s).")
        String timeout() default "10s";
    }

    private final URI endpoint;
    private final LibratoEncoder encoder;
    private final HttpSinkClient http;

    /** The batch whose first {@link #pendingSent} requests were taken before a later one failed. */
    private List<Sample> pending;
    private int pendingSent;

    private final LongAdder refused = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final RateLimitedLog refusedLog = new RateLimitedLog(10_000, LOG::warn);

    /** @param cm where the token is read: DS never sees it (see {@link Secrets}) */
    @Activate
    public LibratoSink(Config config, Map<String, Object> props, @Reference(name = "configurationAdmin") ConfigurationAdmin cm) {
        this(config, Secrets.of(cm, props));
    }

    LibratoSink(Config config, Secrets secrets) {
        URI base = HttpSinkClient.baseUrl(config.url(), "user/token");
        String user = config.user() == null ? "" : config.user().trim();
        String token = secrets.get("token").trim();
        if (user.isEmpty()) {
            throw new IllegalArgumentException("user: required (the Librato account's user, its e-mail address)");
        }
        String authorization = HttpSinkClient.basicAuthorization("user", user, token);
        if (token.isEmpty()) {
            throw new IllegalArgumentException("token: required (an API token of the account)");
        }
        String source = config.source() == null || config.source().isBlank()
                ? LibratoEncoder.sanitize(Hosts.shortName()) : config.source().trim();
        String why = LibratoEncoder.invalidSource(source);
        if (why != null) {
            throw new IllegalArgumentException("source: " + why + ", got '" + source + "'");
        }
        long timeoutMillis = Units.positiveDurationMillis("timeout", config.timeout());
        encoder = new LibratoEncoder(source, config.sourceTags(), "Librato sink " + base);
        endpoint = HttpSinkClient.endpoint(base, "/v1/metrics");
        http = new HttpSinkClient("Librato", endpoint, "application/json", timeoutMillis, false, authorization);
        LOG.info("Librato sink to {} as {} (source {}, source tags {})", endpoint, user, source,
                List.of(config.sourceTags()));
    }

    /** What Librato can store at all (finite, exponent at most 126). */
    @Override
    public boolean accepts(Sample sample) {
        return encoder.storable(sample);
    }

    @Override
    public void write(List<Sample> batch) throws IOException {
        List<LibratoEncoder.Request> requests = encoder.encode(batch);
        int start = 0;
        if (pending != null && pending.equals(batch)) {
            start = pendingSent; // the runner's retry: the first requests were taken already, don't send twice
        }
        pending = null;
        for (int i = start; i < requests.size(); i++) {
            try {
                send(requests.get(i).json(), requests.get(i).measurements());
            } catch (IOException e) {
                if (i > 0) {
                    pending = List.copyOf(batch);
                    pendingSent = i;
                }
                throw e;
            }
        }
    }

    private void send(String json, int measurements) throws IOException {
        HttpSinkClient.Response r = http.post(json.getBytes(StandardCharsets.UTF_8));
        int status = r.status();
        if (r.isSuccess()) {
            written.add(measurements);
            return;
        }
        if (status == 400 || status == 422) {
            // Librato validates a request whole and refuses it whole; the same request would be refused again
            refused.add(measurements);
            refusedLog.log(() -> "Librato at " + endpoint + " refused a request of " + measurements + " measurements"
                    + " (not retried): " + HttpSinkClient.abbreviate(r.body()) + "; " + refused.sum() + " refused so far");
            return;
        }
        http.renew();
        throw new IOException("Librato at " + endpoint + " answered " + status
                + (status == 401 || status == 403 ? " (check user and token)" : "") + ": " + HttpSinkClient.abbreviate(r.body()));
    }

    @Deactivate
    void deactivate() {
        http.close();
        LOG.info("Librato sink to {} stopped ({} measurements written, {} refused by Librato, {} unstorable values"
                + " and {} unusable names left out)", endpoint, written.sum(), refused.sum(), encoder.unstorableCount(),
                encoder.badNameCount());
    }

    long refusedCount() {
        return refused.sum();
    }

    long writtenCount() {
        return written.sum();
    }

    LibratoEncoder encoder() {
        return encoder;
    }

    @Override
    public String toString() {
        return "LibratoSink[" + endpoint + "]";
    }
}
