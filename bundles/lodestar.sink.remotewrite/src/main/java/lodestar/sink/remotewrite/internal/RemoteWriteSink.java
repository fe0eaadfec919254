package lodestar.sink.remotewrite.internal;

import java.io.IOException;
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
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import lodestar.api.Histogram;
import lodestar.api.Sample;
import lodestar.api.Sink;
import lodestar.proto.remotewrite.NativeHistograms;
import lodestar.support.config.Units;
import lodestar.support.http.HttpSinkClient;
import lodestar.support.log.RateLimitedLog;
import lodestar.support.secrets.Secrets;
import lodestar.support.snappy.Snappy;

/**
 * Writes samples to anything that takes Prometheus remote write (Prometheus with
 * {@code --web.enable-remote-write-receiver}, Mimir, Cortex, VictoriaMetrics, Thanos Receive): a snappy-compressed
 * protobuf {@code WriteRequest} (1.0) or {@code io.prometheus.write.v2.Request} (2.0) per batch. Histograms arrive
 * whole ({@link Sink#NATIVE_HISTOGRAMS}): see {@link Encoder}. Only encodes and sends: the core's runner batches,
 * buffers and retries. As the remote-write specification says, a 5xx or 429 answer is retried (the write throws), and
 * any other 4xx is not: the receiver refused the data itself (out of order, too old, bad labels), sending it again
 * would fail forever and hold back everything behind it, so it is counted, logged and dropped.
 */
@Component(name = RemoteWriteSink.PID, configurationPid = RemoteWriteSink.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = Sink.class,
        // histograms arrive whole; not a TAGGED sink: like the Prometheus sink, series keep exactly their own labels (a
        // Prometheus series relayed through Lodestar must stay the same series), lodestar.sink.tags=true in a configuration opts in
        property = "lodestar.sink.histograms:Boolean=true")
@Designate(ocd = RemoteWriteSink.Config.class, factory = true)
public final class RemoteWriteSink implements Sink {

    static final String PID = "lodestar.sink.remotewrite";

    private static final Logger LOG = LoggerFactory.getLogger(RemoteWriteSink.class);

    @ObjectClassDefinition(name = "Lodestar Prometheus remote-write sink",
            description = "Writes samples with Prometheus remote write (1.0 or 2.0, snappy) to Prometheus, Mimir,"
                    + " VictoriaMetrics, Thanos and the like. One configuration per receiver:"
                    + " conf/lodestar.sink.remotewrite-<name>.cfg.")
    public @interface Config {

        @AttributeDefinition(name = "URL", description = "The receiver's write endpoint, whole: Prometheus"
                + " http://host:9090/api/v1/write, Mimir http://host/api/v1/push, VictoriaMetrics"
                + " http://host:8428/api/v1/write, Thanos Receive http://host:19291/api/v1/receive.")
        String url() default "http://127.0.0.1:9090/api/v1/write";

        @AttributeDefinition(name = "Protocol", description = "1.0 (prometheus.WriteRequest; every receiver) or 2.0"
                + " (io.prometheus.write.v2.Request, interned strings: Prometheus 3.x with the receiver's 2.0"
                + " support, the OpenTelemetry Collector).",
                options = {@Option(label = "1.0", value = "1.0"), @Option(label = "2.0", value = "2.0")})
        String protocol() default "1.0";

        @AttributeDefinition(name = "Timeout", description = "Connect timeout, and how long the receiver may take to"
                + " answer one request before the write fails and is retried (a duration: 10s).")
        String timeout() default "10s";

        @AttributeDefinition(name = "User name", description = "HTTP basic authentication user; empty: none.")
        String username() default "";

        @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, description = "The user's password.")
        String password() default "";

        @AttributeDefinition(name = "Bearer token", type = AttributeType.PASSWORD,
                description = "Sent as 'Authorization: Bearer ...' (Grafana Cloud, Mimir behind a gateway); not"
                        + " together with a user name.")
        String bearerToken() default "";

        @AttributeDefinition(name = "Tenant", description = "X-Scope-OrgID header for multi-tenant Mimir, Cortex and"
                + " Loki-style gateways; empty: not sent.")
        String tenant() default "";

        @AttributeDefinition(name = "Samples per request", description = "A batch is sent in requests of at most"
                + " this many samples (Prometheus's own max_samples_per_send is 2000).")
        int maxSamplesPerRequest() default 2000;
    }

    private final HttpSinkClient http;
    private final boolean v2;
    private final int maxSamples;
    private final Encoder encoder = new Encoder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder skippedHistograms = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder samplesSent = new LongAdder();
    private final RateLimitedLog refusedLog = new RateLimitedLog(10_000, LOG::warn);

    /** @param cm where the password and bearer token are read: DS never sees them (see {@link Secrets}) */
    @Activate
    public RemoteWriteSink(Config config, Map<String, Object> props, @Reference(name = "configurationAdmin") ConfigurationAdmin cm) {
        this(config, Secrets.of(cm, props));
    }

    RemoteWriteSink(Config config, Secrets secrets) {
        var endpoint = HttpSinkClient.baseUrl(config.url(), "username/password");
        String protocol = config.protocol() == null ? "" : config.protocol().trim();
        v2 = switch (protocol) {
        case "1.0", "1", "" -> false;
        case "2.0", "2" -> true;
        default -> throw new IllegalArgumentException("protocol: 1.0 or 2.0, got '" + protocol + "'");
        };
        if (config.maxSamplesPerRequest() < 1) {
            throw new IllegalArgumentException("maxSamplesPerRequest: must be at least 1, got " + config.maxSamplesPerRequest());
        }
        maxSamples = config.maxSamplesPerRequest();
        long timeoutMillis = Units.positiveDurationMillis("timeout", config.timeout());
        String user = config.username() == null ? "" : config.username().trim();
        String token = secrets.get("bearerToken");
        token = token == null ? "" : token.trim();
        String authorization = HttpSinkClient.basicAuthorization("username", user, secrets.get("password"));
        if (!token.isEmpty()) {
            if (authorization != null) {
                throw new IllegalArgumentException("bearerToken: either a bearer token or a user name, not both");
            }
            authorization = "Bearer " + token;
        }
        Map<String, String> headers = new java.util.HashMap<>();
        headers.put("Content-Encoding", "snappy");
        headers.put("User-Agent", "Lodestar");
        headers.put("X-Prometheus-Remote-Write-Version", v2 ? "2.0.0" : "0.1.0");
        String tenant = config.tenant() == null ? "" : config.tenant().trim();
        if (!tenant.isEmpty()) {
            headers.put("X-Scope-OrgID", tenant);
        }
        http = new HttpSinkClient("remote-write receiver", endpoint,
                v2 ? "application/x-protobuf;proto=io.prometheus.write.v2.Request" : "application/x-protobuf", timeoutMillis,
                false, authorization, headers);
        LOG.info("Remote-write sink to {} (protocol {})", endpoint, v2 ? "2.0" : "1.0");
    }

    /** Everything but exponential histograms coarser than Prometheus's schema -4 (which it cannot store). */
    @Override
    public boolean accepts(Sample sample) {
        Histogram h = sample.histogram();
        if (h != null && h.layout() == Histogram.Layout.EXPONENTIAL && !NativeHistograms.writable(h)) {
            skippedHistograms.increment();
            return false;
        }
        return true;
    }

    @Override
    public void write(List<Sample> batch) throws IOException {
        for (int from = 0; from < batch.size(); from += maxSamples) {
            send(batch.subList(from, Math.min(batch.size(), from + maxSamples)));
        }
    }

    private void send(List<Sample> samples) throws IOException {
        encoder.clear();
        for (Sample s : samples) {
            encoder.add(s);
        }
        skippedHistograms.add(encoder.skipped());
        if (encoder.isEmpty()) {
            return;
        }
        byte[] body = Snappy.compress(v2 ? encoder.v2().toByteArray() : encoder.v1().toByteArray());
        encoder.clear();
        HttpSinkClient.Response r = http.post(body);
        int status = r.status();
        if (r.isSuccess()) {
            bytesSent.add(body.length);
            samplesSent.add(samples.size());
            return;
        }
        if (status / 100 == 4 && status != 429 && status != 408 && status != 401 && status != 403 && status != 404) {
            // refused as data (out of order, too old, duplicate, bad labels): never taken however often it is sent
            refused.add(samples.size());
            refusedLog.log(() -> "Remote-write receiver at " + http.endpoint() + " refused " + samples.size()
                    + " samples (HTTP " + status + "): " + HttpSinkClient.abbreviate(r.body().trim()) + "; "
                    + refused.sum() + " refused so far, not retried");
            return;
        }
        if (status / 100 == 5) {
            http.renew();
        }
        String hint = switch (status) {
        case 401, 403 -> " (check username/password or bearerToken)";
        case 404 -> " (is the URL the receiver's write endpoint? Prometheus needs --web.enable-remote-write-receiver)";
        default -> "";
        };
        throw new IOException("remote-write receiver at " + http.endpoint() + " answered HTTP " + status + hint + ": "
                + HttpSinkClient.abbreviate(r.body().trim()));
    }

    @Deactivate
    void deactivate() {
        http.close();
        LOG.info("Remote-write sink to {} stopped ({} samples sent in {} bytes, {} refused by the receiver, {} histograms"
                + " it cannot store skipped)", http.endpoint(), samplesSent.sum(), bytesSent.sum(), refused.sum(),
                skippedHistograms.sum());
    }

    long refusedSamples() {
        return refused.sum();
    }

    long bytesSent() {
        return bytesSent.sum();
    }

    long samplesSent() {
        return samplesSent.sum();
    }

    @Override
    public String toString() {
        return "RemoteWriteSink[" + http.endpoint() + (v2 ? " 2.0" : "") + "]";
    }
}
