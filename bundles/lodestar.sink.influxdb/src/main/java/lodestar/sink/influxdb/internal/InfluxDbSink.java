package lodestar.sink.influxdb.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
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

import lodestar.api.Sample;
import lodestar.api.Sink;
import lodestar.support.http.HttpSinkClient;
import lodestar.support.lineprotocol.Bytes;
import lodestar.support.lineprotocol.LineProtocol;
import lodestar.support.log.RateLimitedLog;
import lodestar.support.secrets.Secrets;
import lodestar.support.log.SkippedSamples;
import lodestar.support.config.Units;

/**
 * Writes samples to InfluxDB as line protocol over HTTP: the 1.x API ({@code /write?db=}) when
 * {@code database} is set, the 2.x API ({@code /api/v2/write?org=&bucket=}) when {@code bucket} is.
 * Only encodes and sends: the core's runner batches, buffers and retries. A write throws when InfluxDB
 * did not take the batch for a reason that may pass (5xx, connection refused, timeout, authentication,
 * unknown database); points InfluxDB refuses as bad data (400, 422) are logged and counted instead,
 * since sending them again would fail forever and block everything behind them.
 */
@Component(name = InfluxDbSink.PID, configurationPid = InfluxDbSink.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = Sink.class,
        // a tag-based backend: the core adds its host tag to what this sink receives (hostTag in lodestar.core)
        property = "lodestar.sink.tags:Boolean=true")
@Designate(ocd = InfluxDbSink.Config.class, factory = true)
public final class InfluxDbSink implements Sink {

    static final String PID = "lodestar.sink.influxdb";

    private static final Logger LOG = LoggerFactory.getLogger(InfluxDbSink.class);
    /** The encode buffer is kept between requests up to this size. */
    private static final int KEEP_BUFFER_BYTES = 4 * 1024 * 1024;
    /** How much of InfluxDB's error answer goes into a log line or an exception message. */
    private static final int MAX_ERROR_CHARS = 1000;

    @ObjectClassDefinition(name = "Lodestar InfluxDB sink",
            description = "Writes samples to InfluxDB as line protocol over HTTP: InfluxDB 1.x when 'database'"
                    + " is set, InfluxDB 2.x when 'bucket' is set. One configuration per InfluxDB:"
                    + " conf/lodestar.sink.influxdb-<name>.cfg.")
    public @interface Config {

        @AttributeDefinition(name = "URL", description = "InfluxDB's base URL (http or https), without /write;"
                + " a path is kept, for InfluxDB behind a proxy (http://proxy/influx).")
        String url() default "http://127.0.0.1:8086";

        @AttributeDefinition(name = "Database (1.x)", description = "InfluxDB 1.x database to write to (POST"
                + " /write?db=). Set this or 'bucket', not both.")
        String database() default "";

        @AttributeDefinition(name = "Retention policy (1.x)", description = "InfluxDB 1.x retention policy"
                + " (rp=); empty: the database's default.")
        String retentionPolicy() default "";

        @AttributeDefinition(name = "User name (1.x)", description = "InfluxDB 1.x user, sent with the password"
                + " as HTTP basic authentication; empty: no authentication.")
        String username() default "";

        @AttributeDefinition(name = "Password (1.x)", type = AttributeType.PASSWORD,
                description = "The InfluxDB 1.x user's password.")
        String password() default "";

        @AttributeDefinition(name = "Organization (2.x)", description = "InfluxDB 2.x organization name (org=);"
                + " required by InfluxDB 2.x, ignored by 1.8's compatibility API.")
        String org() default "";

        @AttributeDefinition(name = "Bucket (2.x)", description = "InfluxDB 2.x bucket to write to (POST"
                + " /api/v2/write?bucket=). Set this or 'database', not both.")
        String bucket() default "";

        @AttributeDefinition(name = "Token (2.x)", type = AttributeType.PASSWORD,
                description = "InfluxDB 2.x API token with write access to the bucket, sent as"
                        + " 'Authorization: Token ...'.")
        String token() default "";

        @AttributeDefinition(name = "Timeout", description = "Connect timeout, and how long InfluxDB may take to"
                + " answer one request before the write fails and is retried (a duration: 500ms, 10s).")
        String timeout() default "10s";

        @AttributeDefinition(name = "Gzip", description = "Compress request bodies (Content-Encoding: gzip):"
                + " less network, more CPU on both sides. Worth it over a slow link, not on loopback.")
        boolean gzip() default false;

        @AttributeDefinition(name = "Measurement from", description = "How a dotted name maps to InfluxDB:"
                + " name = the whole name is the measurement, field 'value' (system.cpu.user value=1);"
                + " parent = up to the last dot is the measurement, the last component the field"
                + " (system.cpu user=1); first = the first component is the measurement, the rest the field"
                + " (system cpu.user=1). Names without a dot always use field 'value'.",
                options = {@Option(label = "name", value = "name"), @Option(label = "parent", value = "parent"),
                        @Option(label = "first", value = "first")})
        String measurementFrom() default "name";

        @AttributeDefinition(name = "Lines per request", description = "A batch is sent in requests of at most"
                + " this many lines (InfluxDB recommends 5000).")
        int maxLinesPerRequest() default 5000;
    }

    private final URI writeUri;
    private final boolean tokenAuth;
    private final int maxLines;
    private final LineProtocol encoder;
    private final HttpSinkClient http;
    private final Bytes buffer = new Bytes(256 * 1024);
    private final SkippedSamples nonFinite;
    private final LongAdder rejected = new LongAdder();
    private final RateLimitedLog rejectedLog = new RateLimitedLog(10_000, LOG::warn);

    /** @param cm where the password and token are read: DS never sees them (see {@link Secrets}) */
    @Activate
    public InfluxDbSink(Config config, Map<String, Object> props, @Reference(name = "configurationAdmin") ConfigurationAdmin cm) {
        this(config, Secrets.of(cm, props));
    }

    InfluxDbSink(Config config, Secrets secrets) {
        URI base = HttpSinkClient.baseUrl(config.url(), null);
        String database = trim(config.database());
        String bucket = trim(config.bucket());
        String username = trim(config.username());
        String password = secrets.get("password");
        String token = trim(secrets.get("token"));
        String org = trim(config.org());
        String rp = trim(config.retentionPolicy());
        if (!database.isEmpty() && !bucket.isEmpty()) {
            throw new IllegalArgumentException("database: set either database (InfluxDB 1.x) or bucket"
                    + " (InfluxDB 2.x), not both");
        }
        if (database.isEmpty() && bucket.isEmpty()) {
            throw new IllegalArgumentException("database: required for InfluxDB 1.x (or set bucket for InfluxDB 2.x)");
        }
        boolean v2 = !bucket.isEmpty();
        StringBuilder target = new StringBuilder();
        String authorization;
        if (v2) {
            if (!username.isEmpty() || !password.isEmpty() || !rp.isEmpty()) {
                throw new IllegalArgumentException((!rp.isEmpty() ? "retentionPolicy" : !username.isEmpty()
                        ? "username" : "password") + ": only for InfluxDB 1.x (database); with bucket use org and token");
            }
            target.append("/api/v2/write?");
            if (!org.isEmpty()) {
                target.append("org=").append(enc(org)).append('&');
            }
            target.append("bucket=").append(enc(bucket)).append("&precision=ms");
            authorization = token.isEmpty() ? null : "Token " + token;
        } else {
            if (!token.isEmpty() || !org.isEmpty()) {
                throw new IllegalArgumentException((!token.isEmpty() ? "token" : "org")
                        + ": only for InfluxDB 2.x (bucket); with database use username and password");
            }
            target.append("/write?db=").append(enc(database));
            if (!rp.isEmpty()) {
                target.append("&rp=").append(enc(rp));
            }
            target.append("&precision=ms");
            authorization = HttpSinkClient.basicAuthorization("username", username, password);
        }
        tokenAuth = v2;
        writeUri = HttpSinkClient.endpoint(base, target.toString());
        long timeoutMillis = Units.positiveDurationMillis("timeout", config.timeout());
        if (config.maxLinesPerRequest() < 1) {
            throw new IllegalArgumentException("maxLinesPerRequest: must be at least 1, got " + config.maxLinesPerRequest());
        }
        maxLines = config.maxLinesPerRequest();
        encoder = new LineProtocol(LineProtocol.MeasurementFrom.parse(config.measurementFrom()));

        http = new HttpSinkClient("InfluxDB", writeUri, "text/plain; charset=utf-8", timeoutMillis, config.gzip(),
                authorization);
        nonFinite = SkippedSamples.nonFinite("InfluxDB sink " + writeUri, "InfluxDB", LOG::info);
        LOG.info("InfluxDB sink to {} ({} API, measurement from {}{})", writeUri, v2 ? "2.x" : "1.x",
                config.measurementFrom().trim().toLowerCase(Locale.ROOT), config.gzip() ? ", gzip" : "");
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public boolean accepts(Sample sample) {
        return !nonFinite.skipNonFinite(sample); // refused before buffering: costs no memory
    }

    @Override
    public void write(List<Sample> batch) throws IOException {
        try {
            for (int from = 0; from < batch.size(); from += maxLines) {
                send(batch.subList(from, Math.min(batch.size(), from + maxLines)));
            }
        } finally {
            if (buffer.array().length > KEEP_BUFFER_BYTES) {
                buffer.clearAndTrim(KEEP_BUFFER_BYTES);
            }
        }
    }

    /** One request with these samples (fewer lines when some are NaN or infinite). */
    private void send(List<Sample> samples) throws IOException {
        buffer.clear();
        int lines = 0;
        for (Sample s : samples) {
            if (encoder.append(s, buffer)) {
                lines++;
            } else {
                nonFinite.skip(s);
            }
        }
        if (lines == 0) {
            return;
        }
        HttpSinkClient.Response response = http.post(buffer.array(), 0, buffer.length());
        int status = response.status();
        if (response.isSuccess()) {
            return;
        }
        String error = InfluxErrors.message(response.body());
        if (status == 413 && samples.size() > 1) {
            // too large for InfluxDB's max-body-size: halve until it fits, rather than retry forever
            int half = samples.size() / 2;
            send(samples.subList(0, half));
            send(samples.subList(half, samples.size()));
            return;
        }
        if (status == 400 || status == 413 || status == 422) {
            // bad data: the same request would be refused again, forever; count it and go on
            long n = InfluxErrors.rejectedPoints(error, lines);
            rejected.add(n);
            String first = firstLine();
            int sent = lines;
            rejectedLog.log(() -> "InfluxDB at " + writeUri + " refused " + n + " of " + sent + " points (HTTP "
                    + status + "): " + abbreviate(error)
                    + (error.contains("unable to parse '") ? "" : "; the request began with: " + first)
                    + "; " + rejected.sum() + " points refused so far");
            return;
        }
        String hint = switch (status) {
            case 401, 403 -> " (check " + (tokenAuth ? "token" : "username and password") + ")";
            case 404 -> " (does the database or bucket exist?)";
            default -> "";
        };
        throw new IOException("InfluxDB at " + writeUri + " answered HTTP " + status + hint + ": " + abbreviate(error));
    }

    private String firstLine() {
        String all = buffer.toString();
        int nl = all.indexOf('\n');
        return abbreviate(nl < 0 ? all : all.substring(0, nl));
    }

    private static String abbreviate(String s) {
        return HttpSinkClient.abbreviate(s, MAX_ERROR_CHARS);
    }

    @Deactivate
    void deactivate() {
        http.close(); // Java 21+: stops the client's selector thread now
        LOG.info("InfluxDB sink to {} stopped ({} NaN/infinite skipped, {} points refused by InfluxDB)", writeUri,
                nonFinite.count(), rejected.sum());
    }

    /** Samples left out because their value was NaN or infinite. */
    long skippedNonFinite() {
        return nonFinite.count();
    }

    /** Points InfluxDB refused as bad data (400, 422), as far as its answers tell. */
    long rejectedPoints() {
        return rejected.sum();
    }

    URI writeUri() {
        return writeUri;
    }

    @Override
    public String toString() {
        return "InfluxDbSink[" + writeUri + "]";
    }
}
