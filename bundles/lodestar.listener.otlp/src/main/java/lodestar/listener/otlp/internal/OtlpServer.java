package lodestar.listener.otlp.internal;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import lodestar.api.Pipeline;
import lodestar.api.Sample;
import lodestar.api.SamplesLostException;
import lodestar.support.http.server.Answers;
import lodestar.support.http.server.BodyTooLarge;
import lodestar.support.http.server.Decompress;
import lodestar.support.http.server.ListenerHttpServer;
import lodestar.support.http.server.MalformedBody;
import lodestar.support.http.server.MediaType;
import lodestar.support.http.server.RequestBody;
import lodestar.support.http.server.RequestPermits;
import lodestar.support.json.Json;
import lodestar.support.log.LogText;
import lodestar.support.log.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP/HTTP server: {@code POST /v1/metrics} on a {@link ListenerHttpServer}, its own port and threads (not
 * the platform's Jetty: an OTLP endpoint must have its own port, and its own bounds on what it takes). Statuses as
 * the OTLP/HTTP spec gives them: 200 (with a partial success when points were refused), 400 for a body that cannot
 * be decoded (not retried by senders), 413 too large, 415 another content type or encoding, 404/405, and 503 with
 * {@code Retry-After} when the pipeline has no room or too many requests are being decoded (senders retry 503).
 * Error answers carry a {@code google.rpc.Status} in the request's encoding.
 */
final class OtlpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OtlpServer.class);
    static final String PATH = "/v1/metrics";
    static final String PROTOBUF = "application/x-protobuf";
    static final String JSON = "application/json";
    /** google.rpc.Code values for the Status body. */
    private static final int INVALID_ARGUMENT = 3;
    private static final int RESOURCE_EXHAUSTED = 8;
    private static final int UNAVAILABLE = 14;
    private static final int UNIMPLEMENTED = 12;

    /** Counters, shared across servers of one listener (a new socket keeps them). */
    static final class Counters {
        final LongAdder requests = new LongAdder();
        final LongAdder samples = new LongAdder();
        final LongAdder badInput = new LongAdder();
        final LongAdder tooLarge = new LongAdder();
        final LongAdder unsupported = new LongAdder();
        final LongAdder notFound = new LongAdder();
        final LongAdder busy = new LongAdder();
        final LongAdder pipelineFull = new LongAdder();
        final LongAdder rejectedPoints = new LongAdder();
        final LongAdder lost = new LongAdder();
        final LongAdder ackTimeouts = new LongAdder();
        final LongAdder bytes = new LongAdder();
    }

    private final ListenerHttpServer http;
    private final Pipeline pipeline;
    private final Counters counters;
    private final RateLimitedLog badLog;
    private final RateLimitedLog busyLog;
    private final java.util.function.Consumer<String> lastError;
    private volatile Settings settings;
    private volatile OtlpToSamples mapper;
    private volatile RequestPermits permits;

    /** @throws IllegalArgumentException {@code port: cannot listen on ...} */
    OtlpServer(String name, Settings s, Pipeline pipeline, Counters counters, java.util.function.Consumer<String> lastError) {
        this.pipeline = pipeline;
        this.counters = counters;
        this.lastError = lastError;
        this.badLog = new RateLimitedLog(10_000, LOG::warn);
        this.busyLog = new RateLimitedLog(30_000, LOG::warn);
        apply(s);
        // a few more threads than decoding permits, so that requests over the limit get their 503 at once
        http = ListenerHttpServer.start(s.socket().bind(), s.socket().port(), s.maxConcurrentRequests() + SPARE_THREADS,
                "lodestar-otlp-" + name, this::handle);
    }

    /**
     * Threads beyond the decoding permits. The JDK server reads a request's line and headers on a pool thread, so a
     * client that sends them slowly holds one: spare threads keep quick 503s (and other clients) going meanwhile,
     * until the request time limit ends the slow ones.
     */
    static final int SPARE_THREADS = 8;

    /** New settings for what arrives from now on (same socket). */
    void apply(Settings s) {
        RequestPermits old = permits;
        if (old == null || old.limit() != s.maxConcurrentRequests()) {
            permits = new RequestPermits(s.maxConcurrentRequests());
        }
        mapper = new OtlpToSamples(s.resourceTags(), s.scopeTags());
        settings = s;
    }

    int port() {
        return http.port();
    }

    private void handle(HttpExchange ex) {
        boolean json = false;
        try (ex) {
            counters.requests.increment();
            String path = ex.getRequestURI().getPath();
            if (!PATH.equals(path)) {
                counters.notFound.increment();
                error(ex, 404, UNIMPLEMENTED, "only POST " + PATH + " is served here", false);
                return;
            }
            if (!"POST".equals(ex.getRequestMethod())) {
                counters.notFound.increment();
                ex.getResponseHeaders().set("Allow", "POST");
                error(ex, 405, UNIMPLEMENTED, "only POST " + PATH + " is served here", false);
                return;
            }
            String type = MediaType.of(ex.getRequestHeaders().getFirst("Content-Type"));
            json = JSON.equals(type);
            if (!json && !PROTOBUF.equals(type)) {
                counters.unsupported.increment();
                bad(ex, "unsupported Content-Type '" + LogText.of(String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"))) + "'");
                error(ex, 415, INVALID_ARGUMENT, "Content-Type must be " + PROTOBUF + " or " + JSON, false);
                return;
            }
            String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
            boolean gzip = encoding != null && encoding.trim().equalsIgnoreCase("gzip");
            if (encoding != null && !gzip && !encoding.trim().equalsIgnoreCase("identity") && !encoding.isBlank()) {
                counters.unsupported.increment();
                bad(ex, "unsupported Content-Encoding '" + LogText.of(encoding) + "'");
                error(ex, 415, INVALID_ARGUMENT, "Content-Encoding must be gzip or none", json);
                return;
            }
            RequestPermits p = permits;
            if (!p.tryAcquire()) {
                counters.busy.increment();
                busyLog.log(() -> "OTLP listener: more than " + settings.maxConcurrentRequests()
                        + " requests at once; answering 503 (senders retry). Raise maxConcurrentRequests if this lasts");
                Answers.retryAfter(ex, 1);
                error(ex, 503, UNAVAILABLE, "too many requests at once; retry later", json);
                return;
            }
            try {
                export(ex, json, gzip);
            } finally {
                p.release();
            }
        } catch (IOException e) {
            // the client went away mid-request or mid-answer: nothing to tell it
            LOG.debug("OTLP request from {} failed: {}", ex.getRemoteAddress(), e.toString());
        } catch (RuntimeException | OutOfMemoryError e) {
            // a bug the input found: this request is lost, the server goes on
            counters.badInput.increment();
            String m = "OTLP listener failed on a request from " + ex.getRemoteAddress() + ": " + LogText.of(e.toString());
            lastError.accept(m);
            badLog.log(() -> m);
        }
    }

    private void export(HttpExchange ex, boolean json, boolean gzip) throws IOException {
        Settings s = settings;
        byte[] body;
        try {
            body = RequestBody.read(ex, s.maxBodySize());
            counters.bytes.add(body.length);
            if (gzip) {
                body = Decompress.gzip(body, s.maxDecompressedSize());
            }
        } catch (BodyTooLarge e) {
            counters.tooLarge.increment();
            bad(ex, e.getMessage());
            ex.getResponseHeaders().set("Connection", "close");
            error(ex, 413, RESOURCE_EXHAUSTED, e.getMessage(), json);
            return;
        } catch (MalformedBody e) {
            counters.badInput.increment();
            bad(ex, e.getMessage());
            error(ex, 400, INVALID_ARGUMENT, e.getMessage(), json);
            return;
        }
        ExportMetricsServiceRequest request;
        try {
            request = json ? OtlpJson.request(new String(body, StandardCharsets.UTF_8)) : ExportMetricsServiceRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            counters.badInput.increment();
            String why = (json ? "bad OTLP/JSON body: " : "bad OTLP protobuf body: ") + LogText.of(String.valueOf(e.getMessage()));
            bad(ex, why);
            error(ex, 400, INVALID_ARGUMENT, why, json);
            return;
        }
        body = null; // the decoded request replaces it: let it go before the samples are built
        long points = OtlpToSamples.dataPoints(request);
        if (points > s.maxDataPoints()) {
            counters.tooLarge.increment();
            String why = points + " data points in one request, more than maxDataPoints (" + s.maxDataPoints() + ")";
            bad(ex, why);
            error(ex, 413, RESOURCE_EXHAUSTED, why, json);
            return;
        }
        OtlpToSamples.Result r = mapper.map(request, System.currentTimeMillis());
        if (r.rejected() > 0) {
            counters.rejectedPoints.add(r.rejected());
            bad(ex, r.rejected() + " data points refused: " + r.error());
        }
        List<Sample> samples = r.samples();
        if (!samples.isEmpty()) {
            Optional<CompletionStage<Void>> taken = pipeline.offerAll(samples);
            if (taken.isEmpty()) {
                counters.pipelineFull.increment();
                busyLog.log(() -> "OTLP listener: a sink's buffer is full; answering 503 so that senders retry later");
                Answers.retryAfter(ex, 5);
                error(ex, 503, UNAVAILABLE, "Lodestar's buffers are full; retry later", json);
                return;
            }
            if (s.ackTimeoutMillis() > 0 && !settled(taken.get(), s.ackTimeoutMillis(), ex, json)) {
                return;
            }
            counters.samples.add(samples.size());
        }
        ok(ex, r.rejected(), r.error(), json);
    }

    /** Waits for every sink to have the samples; answers 503 and returns false when they do not in time. */
    private boolean settled(CompletionStage<Void> stage, long timeoutMillis, HttpExchange ex, boolean json) throws IOException {
        try {
            stage.toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error(ex, 503, UNAVAILABLE, "shutting down", json);
            return false;
        } catch (ExecutionException e) {
            counters.lost.increment();
            String why = e.getCause() instanceof SamplesLostException ? "a sink dropped some of these samples"
                    : "a sink failed: " + LogText.of(String.valueOf(e.getCause()));
            lastError.accept("OTLP listener: " + why);
            Answers.retryAfter(ex, 5);
            error(ex, 503, UNAVAILABLE, why + "; retry", json);
            return false;
        } catch (TimeoutException e) {
            counters.ackTimeouts.increment();
            Answers.retryAfter(ex, 5);
            error(ex, 503, UNAVAILABLE, "not yet stored by every sink after " + timeoutMillis + " ms; retry", json);
            return false;
        }
    }

    private void bad(HttpExchange ex, String why) {
        String m = "OTLP request from " + ex.getRemoteAddress() + " refused: " + why;
        lastError.accept(LogText.line(m));
        badLog.log(() -> m);
    }

    private static void ok(HttpExchange ex, long rejected, String error, boolean json) throws IOException {
        byte[] body;
        if (json) {
            StringBuilder b = new StringBuilder("{");
            if (rejected > 0) {
                b.append("\"partialSuccess\":{\"rejectedDataPoints\":\"").append(rejected).append("\",\"errorMessage\":");
                Json.string(b, error).append('}');
            }
            body = b.append('}').toString().getBytes(StandardCharsets.UTF_8);
        } else {
            ExportMetricsServiceResponse.Builder r = ExportMetricsServiceResponse.newBuilder();
            if (rejected > 0) {
                r.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder().setRejectedDataPoints(rejected).setErrorMessage(error));
            }
            body = r.build().toByteArray();
        }
        send(ex, 200, json, body);
    }

    /** An error answer: a google.rpc.Status (code, message) in the request's encoding. */
    private static void error(HttpExchange ex, int status, int code, String message, boolean json) throws IOException {
        byte[] body;
        if (json) {
            StringBuilder b = new StringBuilder("{\"code\":").append(code).append(",\"message\":");
            body = Json.string(b, message).append('}').toString().getBytes(StandardCharsets.UTF_8);
        } else {
            ByteArrayOutputStream out = new ByteArrayOutputStream(message.length() + 16);
            CodedOutputStream c = CodedOutputStream.newInstance(out);
            c.writeInt32(1, code);
            c.writeString(2, message);
            c.flush();
            body = out.toByteArray();
        }
        send(ex, status, json, body);
    }

    private static void send(HttpExchange ex, int status, boolean json, byte[] body) throws IOException {
        // the rest of a refused body is drained first, so that the sender sees this status rather than a reset
        Answers.send(ex, status, json ? JSON : PROTOBUF, body);
    }

    @Override
    public void close() {
        http.close();
    }
}
