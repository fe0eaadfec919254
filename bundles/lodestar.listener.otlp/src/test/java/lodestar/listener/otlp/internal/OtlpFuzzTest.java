package lodestar.listener.otlp.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import lodestar.api.Sample;
import lodestar.support.http.server.BodyTooLarge;
import lodestar.support.http.server.Decompress;
import lodestar.support.http.server.MalformedBody;
import lodestar.testkit.fuzz.AllocationBound;
import lodestar.testkit.fuzz.Rejections;

/**
 * Coverage-guided fuzzing of the OTLP listener's decoding (fuzz/README.md): a body as it arrives, protobuf or
 * OTLP/JSON, through the mapping to samples, and the gzip inflation before it
 * (lodestar.support.http.server.Decompress, as this listener calls it). Seeds: {@code OtlpFuzzTestInputs/}.
 */
class OtlpFuzzTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final int GUNZIP_LIMIT = 64 * 1024;
    private static final OtlpToSamples MAPPER = new OtlpToSamples(Set.of("service.name"), Set.of("otel.scope.name"));
    /** protobuf objects and samples are bigger than their encoding */
    private static final AllocationBound ALLOC = new AllocationBound("otlp decoder", 256 * 1024, 500);
    /** inflating stops at the limit, whatever the body says: at most a few times the limit, whatever its size */
    private static final AllocationBound GUNZIP = new AllocationBound("otlp gunzip", 256 * 1024 + 8L * GUNZIP_LIMIT, 8);

    /** A request of one gauge point: appended to a protobuf body, it is merged into the body's request. */
    static final ExportMetricsServiceRequest CANARY = ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(ResourceMetrics.newBuilder().addScopeMetrics(ScopeMetrics.newBuilder()
                    .addMetrics(Metric.newBuilder().setName("fuzz_canary_q7").setGauge(Gauge.newBuilder()
                            .addDataPoints(NumberDataPoint.newBuilder().setAsDouble(42).setTimeUnixNano(NOW * 1_000_000)))))).build();

    /**
     * A protobuf body: parsed or InvalidProtocolBufferException; mapping never throws and accounts for every data
     * point (a sample, refused, or skipped as "no recorded value"); memory bounded by the body's size; and the
     * points of a good request merged into the same body (protobuf concatenation) still come out.
     */
    @FuzzTest(maxDuration = "20s")
    void protobuf(byte[] body) {
        ExportMetricsServiceRequest[] req = {null};
        InvalidProtocolBufferException e = Rejections.only(InvalidProtocolBufferException.class,
                () -> ALLOC.run(body.length, () -> req[0] = ExportMetricsServiceRequest.parseFrom(body)));
        if (e != null) {
            return;
        }
        map(req[0], body.length);

        byte[] canary = CANARY.toByteArray();
        byte[] both = Arrays.copyOf(body, body.length + canary.length);
        System.arraycopy(canary, 0, both, body.length, canary.length);
        ExportMetricsServiceRequest merged;
        try {
            merged = ExportMetricsServiceRequest.parseFrom(both);
        } catch (InvalidProtocolBufferException x) {
            throw new AssertionError("a good request appended to a good one does not parse", x);
        }
        List<Sample> c = MAPPER.map(merged, NOW).samples().stream().filter(s -> s.name().equals("fuzz_canary_q7")).toList();
        long before = MAPPER.map(req[0], NOW).samples().stream().filter(s -> s.name().equals("fuzz_canary_q7")).count();
        Rejections.check(c.size() == before + 1 && c.get(c.size() - 1).value() == 42,
                "the good point beside the body's came out as " + c);
    }

    /** An OTLP/JSON body: parsed or IllegalArgumentException (saying where), then mapped as a protobuf one. */
    @FuzzTest(maxDuration = "20s")
    void json(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        ExportMetricsServiceRequest[] req = {null};
        IllegalArgumentException e = Rejections.only(IllegalArgumentException.class,
                () -> ALLOC.run(body.length, () -> req[0] = OtlpJson.request(text)));
        if (e == null) {
            map(req[0], body.length);
        }
    }

    /** A gzip body: inflated or refused (not gzip, truncated, over the limit), never past the limit in memory. */
    @FuzzTest(maxDuration = "20s")
    void gzip(byte[] body) {
        byte[][] out = {null};
        Exception e = Rejections.anyOf(() -> GUNZIP.run(body.length, () -> out[0] = Decompress.gzip(body, GUNZIP_LIMIT)),
                // what OtlpServer answers 400 or 413 to
                MalformedBody.class, BodyTooLarge.class);
        if (e == null) {
            Rejections.check(out[0].length <= GUNZIP_LIMIT, "inflated to " + out[0].length + " bytes, past the limit");
        }
    }

    /** Mapping never throws and accounts for every point; its memory is bounded by the body's size. */
    private static void map(ExportMetricsServiceRequest request, int bodyLength) {
        long points = OtlpToSamples.dataPoints(request);
        OtlpToSamples.Result[] r = {null};
        ALLOC.run(bodyLength, () -> r[0] = MAPPER.map(request, NOW));
        Rejections.check(r[0].rejected() + r[0].skipped() <= points && r[0].samples().size() <= points,
                points + " points mapped to " + r[0].samples().size() + " samples, " + r[0].rejected() + " refused, "
                        + r[0].skipped() + " skipped");
        Rejections.check(r[0].rejected() == 0 || !r[0].error().isEmpty(), "points refused without a reason");
    }
}
