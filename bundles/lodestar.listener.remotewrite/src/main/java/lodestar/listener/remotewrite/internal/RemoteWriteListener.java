package lodestar.listener.remotewrite.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;

import lodestar.api.ComponentStatus;
import lodestar.api.Monitored;
import lodestar.api.Pipeline;
import lodestar.api.SamplesLostException;
import lodestar.support.config.InstanceNames;
import lodestar.support.config.Units;
import lodestar.support.http.server.Answers;
import lodestar.support.http.server.BodyTooLarge;
import lodestar.support.http.server.Decompress;
import lodestar.support.http.server.ListenerHttpServer;
import lodestar.support.http.server.MalformedBody;
import lodestar.support.http.server.MediaType;
import lodestar.support.http.server.RequestBody;
import lodestar.support.http.server.RequestPermits;
import lodestar.support.log.LogText;
import lodestar.support.log.RateLimitedLog;
import lodestar.support.net.ListenerHealth;
import lodestar.support.net.ListenerStatus;
import lodestar.support.net.NetLog;

/**
 * A Prometheus remote-write receiver: {@code POST /api/v1/write} on its own port (the JDK's HTTP server, not the
 * platform's Jetty: the console's port and its guard have nothing to do with a data input), remote write 1.0 and
 * 2.0, snappy. The samples go to the pipeline with {@link Pipeline#offerAll}: when a sink has no room the answer
 * is 503 and Prometheus retries the same request later, so its queue holds the data back rather than Lodestar
 * dropping it. With {@code waitForSettlement} the 204 is sent only once every sink has the samples written or on
 * disk (at-least-once: a request answered 503 after hand-over is resent, its samples may arrive twice).
 */
@Component(name = RemoteWriteListener.PID, configurationPid = RemoteWriteListener.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = Monitored.class, immediate = true)
@Designate(ocd = RemoteWriteListener.Config.class, factory = true)
public final class RemoteWriteListener implements Monitored {

    static final String PID = "lodestar.listener.remotewrite";
    static final String PATH = "/api/v1/write";
    static final String V2_PROTO = "io.prometheus.write.v2.Request";
    static final String V1_PROTO = "prometheus.WriteRequest";

    private static final Logger LOG = LoggerFactory.getLogger(RemoteWriteListener.class);

    @ObjectClassDefinition(name = "Lodestar Prometheus remote-write listener",
            description = "Receives Prometheus remote write 1.0 and 2.0 (POST /api/v1/write, snappy) on its own port;"
                    + " answers 503 when the pipeline has no room so the sender retries.")
    public @interface Config {
        @AttributeDefinition(description = "Address to listen on; 127.0.0.1 by default, 0.0.0.0 for every interface"
                + " (there is no authentication: put a proxy in front for that).")
        String bind() default "127.0.0.1";

        @AttributeDefinition(description = "TCP port, 0..65535 (0: any free port). 9201 by default, the port the"
                + " Prometheus documentation's remote-storage adapters use.")
        int port() default 9201;

        @AttributeDefinition(description = "Largest request body as sent, snappy-compressed (size: 4MB); larger"
                + " ones are answered 413 without being read.")
        String maxBodySize() default "4MB";

        @AttributeDefinition(description = "Largest body once decompressed (size: 16MB); a body that declares more is"
                + " answered 413 before anything is allocated (decompression bombs).")
        String maxDecompressedSize() default "16MB";

        @AttributeDefinition(description = "Most series in one request; more: 413. Prometheus sends at most"
                + " max_samples_per_send (2000 by default) per request.")
        int maxSeriesPerRequest() default 50_000;

        @AttributeDefinition(description = "Most samples and histograms in one request; more: 413.")
        int maxSamplesPerRequest() default 100_000;

        @AttributeDefinition(description = "Requests decoded at the same time (each holds its body in memory while"
                + " decoding); further requests wait for a thread.")
        int decodeThreads() default 2;

        @AttributeDefinition(description = "Requests handed to the pipeline and not answered yet (waiting for the"
                + " sinks to settle); beyond them requests are answered 503 at once and Prometheus retries.")
        int maxInFlight() default 64;

        @AttributeDefinition(description = "true: answer 204 only once every sink has written the samples or stored"
                + " them on disk (no loss if Lodestar stops; Prometheus's remote_timeout, 30s by default, must be"
                + " longer than settleTimeout). false: answer 204 as soon as the pipeline took them.")
        boolean waitForSettlement() default true;

        @AttributeDefinition(description = "With waitForSettlement, how long to wait (duration: 20s); a request not"
                + " settled by then is answered 503 and Prometheus resends it (its samples may then arrive twice).")
        String settleTimeout() default "20s";

        @AttributeDefinition(description = "Most metric families whose type (counter, gauge, ...) from Prometheus's"
                + " metadata is remembered.")
        int maxMetadata() default 100_000;
    }

    private final String name;
    private final Pipeline pipeline;
    private final Decoder decoder;
    private final int maxBody;
    private final int maxDecompressed;
    private final boolean waitForSettlement;
    private final long settleTimeoutMillis;
    private final ListenerHttpServer server;
    /** Sends the answers of settled requests: not behind the requests waiting to be decoded. */
    private final ExecutorService responder;
    /** Requests handed to the pipeline and not answered yet ({@code maxInFlight}). */
    private final RequestPermits inFlight;
    private final ListenerHealth health;

    private final LongAdder requests = new LongAdder();
    private final LongAdder samples = new LongAdder();
    private final LongAdder histograms = new LongAdder();
    private final LongAdder badRequests = new LongAdder();
    private final LongAdder tooLarge = new LongAdder();
    private final LongAdder invalidSeries = new LongAdder();
    private final LongAdder staleMarkers = new LongAdder();
    private final LongAdder exemplars = new LongAdder();
    private final LongAdder pipelineFull = new LongAdder();
    private final LongAdder overloaded = new LongAdder();
    private final LongAdder lost = new LongAdder();
    private final LongAdder settleTimeouts = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final RateLimitedLog badLog = new RateLimitedLog(10_000, LOG::warn);
    private final RateLimitedLog fullLog = new RateLimitedLog(60_000, LOG::warn);

    @Activate
    public RemoteWriteListener(Config config, @Reference(name = "pipeline") Pipeline pipeline, Map<String, Object> props) {
        this.name = InstanceNames.of("remotewrite", props);
        this.pipeline = pipeline;
        int port = Units.port("port", config.port());
        this.maxBody = intSize("maxBodySize", config.maxBodySize());
        this.maxDecompressed = intSize("maxDecompressedSize", config.maxDecompressedSize());
        positive("maxSeriesPerRequest", config.maxSeriesPerRequest());
        positive("maxSamplesPerRequest", config.maxSamplesPerRequest());
        positive("decodeThreads", config.decodeThreads());
        positive("maxInFlight", config.maxInFlight());
        positive("maxMetadata", config.maxMetadata());
        this.waitForSettlement = config.waitForSettlement();
        this.settleTimeoutMillis = Units.positiveDurationMillis("settleTimeout", config.settleTimeout());
        this.decoder = new Decoder(config.maxSeriesPerRequest(), config.maxSamplesPerRequest(), config.maxMetadata());
        this.inFlight = new RequestPermits(config.maxInFlight());
        this.health = new ListenerHealth(NetLog.of(LOG::info, LOG::warn, LOG::error));
        this.responder = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lodestar-remotewrite-" + name + "-answers");
            t.setDaemon(true);
            return t;
        });
        try {
            // decodeThreads threads: requests beyond them wait in the server's queue for one
            server = ListenerHttpServer.start(config.bind(), port, config.decodeThreads(), "lodestar-remotewrite-" + name,
                    this::handle);
        } catch (IllegalArgumentException e) {
            responder.shutdownNow();
            throw e;
        }
        LOG.info("Remote-write listener {} on http://{}:{}{} (settlement {})", name, config.bind(), port(), PATH,
                waitForSettlement ? "awaited, " + Units.formatDuration(settleTimeoutMillis) : "not awaited");
    }

    private static int intSize(String property, String value) {
        long bytes = Units.bytes(property, value);
        if (bytes < 1 || bytes > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException(property + ": must be between 1B and 2GB, got " + value);
        }
        return (int) bytes;
    }

    private static void positive(String property, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(property + ": must be at least 1, got " + v);
        }
    }

    /** The port it listens on (the configured one, or the one chosen for port 0). */
    public int port() {
        return server.port();
    }

    /** Public for the remote-write sink's round-trip test, which runs this listener as its receiver. */
    @Deactivate
    public void deactivate() {
        server.close();
        responder.shutdownNow();
        LOG.info("Remote-write listener {} stopped: {} requests, {} samples, {} histograms", name, requests.sum(),
                samples.sum(), histograms.sum());
    }

    private void handle(HttpExchange ex) {
        try {
            serve(ex);
        } catch (IOException e) {
            // the sender went away mid-request: nothing to answer
            ex.close();
        } catch (RuntimeException e) {
            badRequests.increment();
            badLog.log(() -> LogText.line("Remote-write listener " + name + ": request failed: " + e));
            respond(ex, 500, false, "internal error\n", 0, 0);
        }
    }

    private void serve(HttpExchange ex) throws IOException {
        if (!PATH.equals(ex.getRequestURI().getPath())) {
            badRequests.increment();
            respond(ex, 404, false, "remote write is served at " + PATH + "\n", 0, 0);
            return;
        }
        if (!"POST".equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().set("Allow", "POST");
            badRequests.increment();
            respond(ex, 405, false, "POST only\n", 0, 0);
            return;
        }
        requests.increment();
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        Boolean v2 = version(contentType);
        if (v2 == null) {
            bad(ex, 415, false, "unsupported Content-Type " + LogText.of(String.valueOf(contentType))
                    + " (application/x-protobuf, optionally ;proto=" + V1_PROTO + " or ;proto=" + V2_PROTO + ")");
            return;
        }
        String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
        if (encoding == null || !encoding.trim().equalsIgnoreCase("snappy")) {
            bad(ex, 415, v2, "Content-Encoding must be snappy, got " + LogText.of(String.valueOf(encoding)));
            return;
        }
        byte[] raw;
        try {
            // the compressed body is held by no local of this method: it can go while the request is decoded
            raw = Decompress.snappy(countedBytes(RequestBody.read(ex, maxBody)), maxDecompressed);
        } catch (BodyTooLarge e) {
            tooLarge.increment();
            bad(ex, 413, v2, e.getMessage());
            return;
        } catch (MalformedBody e) {
            bad(ex, 400, v2, e.getMessage());
            return;
        }
        Decoder.Result r;
        try {
            r = v2 ? decoder.decodeV2(raw) : decoder.decodeV1(raw);
        } catch (InvalidProtocolBufferException e) {
            bad(ex, 400, v2, "not a " + (v2 ? V2_PROTO : V1_PROTO) + ": " + e.getMessage());
            return;
        } catch (Decoder.TooManyException e) {
            tooLarge.increment();
            bad(ex, 413, v2, e.getMessage());
            return;
        } catch (RuntimeException e) {
            // input this decoder did not foresee: a 400 (dropped by the sender), not a 500 it would resend forever
            bad(ex, 400, v2, "could not decode the request: " + e);
            return;
        }
        raw = null;
        staleMarkers.add(r.staleMarkers);
        exemplars.add(r.exemplars);
        if (r.samples.isEmpty()) {
            finish(ex, r, v2);
            return;
        }
        if (!inFlight.tryAcquire()) {
            overloaded.increment();
            fullLog.log(() -> "Remote-write listener " + name + ": " + inFlight.inUse() + " requests waiting for the sinks"
                    + " (maxInFlight); answering 503, the sender retries");
            respond(ex, 503, v2, "too many requests in flight; retry\n", 0, 0);
            return;
        }
        CompletionStage<Void> stage;
        try {
            stage = pipeline.offerAll(r.samples).orElse(null);
        } catch (RuntimeException e) {
            release();
            throw e;
        }
        if (stage == null) {
            release();
            pipelineFull.increment();
            fullLog.log(() -> "Remote-write listener " + name + ": a sink's buffer is full; answering 503, the sender retries");
            respond(ex, 503, v2, "a sink's buffer is full; retry later\n", 0, 0);
            return;
        }
        if (!waitForSettlement) {
            release();
            counted(r);
            finish(ex, r, v2);
            return;
        }
        CompletableFuture<Void> settled = stage.toCompletableFuture().orTimeout(settleTimeoutMillis, TimeUnit.MILLISECONDS);
        // answered on the listener's own threads: the stage completes on a sink's runner thread, which must never
        // wait for a slow client
        settled.whenCompleteAsync((ok, failure) -> {
            release();
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause == null) {
                counted(r);
                finish(ex, r, v2);
            } else if (cause instanceof TimeoutException) {
                settleTimeouts.increment();
                fullLog.log(() -> "Remote-write listener " + name + ": a sink did not take " + r.samples.size()
                        + " samples within settleTimeout; answering 503, the sender resends (the samples may arrive twice)");
                respond(ex, 503, v2, "not settled within " + Units.formatDuration(settleTimeoutMillis) + "; retry\n", 0, 0);
            } else if (cause instanceof SamplesLostException) {
                lost.increment();
                fullLog.log(() -> "Remote-write listener " + name + ": a sink dropped samples of a request (" + cause.getMessage()
                        + "); answering 503, the sender resends");
                respond(ex, 503, v2, "a sink dropped samples; retry\n", 0, 0);
            } else {
                respond(ex, 500, v2, "internal error\n", 0, 0);
            }
        }, responder);
    }

    private byte[] countedBytes(byte[] body) {
        bytesIn.add(body.length);
        return body;
    }

    private void release() {
        inFlight.release();
    }

    private void counted(Decoder.Result r) {
        samples.add(r.floats);
        histograms.add(r.histograms);
    }

    /** 204, or 400 when some series were invalid (the valid ones are kept: Prometheus does not resend a 4xx). */
    private void finish(HttpExchange ex, Decoder.Result r, boolean v2) {
        if (r.invalidSeries > 0) {
            invalidSeries.add(r.invalidSeries);
            badRequests.increment();
            String problem = r.invalidSeries + " invalid series skipped, such as one with " + r.firstProblem;
            badLog.log(() -> LogText.line("Remote-write listener " + name + " from " + ex.getRemoteAddress() + ": " + problem));
            respond(ex, 400, v2, problem + "\n", r.floats, r.histograms);
        } else {
            respond(ex, 204, v2, null, r.floats, r.histograms);
        }
    }

    private void bad(HttpExchange ex, int status, boolean v2, String problem) {
        badRequests.increment();
        badLog.log(() -> LogText.line("Remote-write listener " + name + " from " + ex.getRemoteAddress() + ": " + status + " "
                + problem));
        respond(ex, status, v2, problem + "\n", 0, 0);
    }

    /**
     * Sends the answer, after draining what is left of the request (Prometheus must see a refusal: a request it never
     * saw refused is retried forever), and closes the exchange.
     */
    private static void respond(HttpExchange ex, int status, boolean v2, String text, int floats, int hist) {
        try {
            if (v2) {
                ex.getResponseHeaders().set("X-Prometheus-Remote-Write-Samples-Written", Integer.toString(floats));
                ex.getResponseHeaders().set("X-Prometheus-Remote-Write-Histograms-Written", Integer.toString(hist));
                ex.getResponseHeaders().set("X-Prometheus-Remote-Write-Exemplars-Written", "0");
            }
            if (status == 503) {
                Answers.retryAfter(ex, 1);
            }
            if (text == null || status == 204) {
                Answers.send(ex, status, null, new byte[0]);
            } else {
                Answers.send(ex, status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the sender is gone
        } finally {
            ex.close();
        }
    }

    /**
     * Which protocol the Content-Type names: false for 1.0 ({@code application/x-protobuf}, with no proto or
     * {@code proto=prometheus.WriteRequest}), true for 2.0, null for anything else.
     */
    static Boolean version(String contentType) {
        if (!"application/x-protobuf".equals(MediaType.of(contentType))) {
            return null;
        }
        String proto = MediaType.parameter(contentType, "proto");
        if (proto == null || proto.equals(V1_PROTO)) {
            return false;
        }
        return proto.equals(V2_PROTO) ? Boolean.TRUE : null;
    }

    @Override
    public ComponentStatus status() {
        return new ListenerStatus(name, health).packets(requests.sum()).samples(samples.sum() + histograms.sum())
                .badInput(badRequests.sum()).port(port())
                .counter("histograms", histograms.sum())
                .counter("bytes", bytesIn.sum())
                .counter("too_large", tooLarge.sum())
                .counter("invalid_series", invalidSeries.sum())
                .counter("stale_markers", staleMarkers.sum())
                .counter("exemplars_ignored", exemplars.sum())
                .counter("pipeline_full", pipelineFull.sum())
                .counter("overloaded", overloaded.sum())
                .counter("lost", lost.sum())
                .counter("settle_timeouts", settleTimeouts.sum())
                .gauge("in_flight", inFlight.inUse())
                .gauge("metric_families", decoder.knownFamilies())
                .build();
    }

    @Override
    public String toString() {
        return "RemoteWriteListener[" + name + " :" + port() + "]";
    }
}
