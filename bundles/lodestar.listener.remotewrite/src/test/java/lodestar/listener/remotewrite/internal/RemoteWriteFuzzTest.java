package lodestar.listener.remotewrite.internal;

import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;

import lodestar.api.Sample;
import lodestar.proto.prompb.Remote;
import lodestar.testkit.fuzz.AllocationBound;
import lodestar.testkit.fuzz.Rejections;

/**
 * Coverage-guided fuzzing of the remote-write decoder (fuzz/README.md): a request body as it is once snappy has
 * been undone (the snappy decoder has its own target, SnappyFuzzTest), remote write 1.0 and 2.0. Seeds:
 * {@code RemoteWriteFuzzTestInputs/}.
 */
class RemoteWriteFuzzTest {

    /** protobuf objects are bigger than their encoding: a 2-byte series entry makes an object of ~100 bytes */
    private static final AllocationBound ALLOC = new AllocationBound("remote-write decoder", 256 * 1024, 500);
    private static final byte[] CANARY = Remote.WriteRequest.newBuilder()
            .addTimeseries(Requests.series("fuzz_canary_q7", 42, 1_700_000_000_000L, "job", "fuzz")).build().toByteArray();

    private static Decoder decoder() {
        return new Decoder(10_000, 100_000, 1_000);
    }

    @FuzzTest(maxDuration = "20s")
    void v1(byte[] body) {
        check(body, false);
    }

    @FuzzTest(maxDuration = "20s")
    void v2(byte[] body) {
        check(body, true);
    }

    /**
     * Decoding throws nothing but its two refusals (not protobuf, too many series or samples); memory bounded by the body's size; and a good request after it, on the same
     * decoder (which remembers metric families), still comes out.
     */
    private static void check(byte[] body, boolean v2) {
        Decoder.Result[] r = {null};
        Decoder d = decoder();
        Rejections.anyOf(() -> ALLOC.check(body.length, RemoteWriteFuzzTest::decoder,
                x -> r[0] = (v2 ? x.decodeV2(body) : x.decodeV1(body))), InvalidProtocolBufferException.class, Decoder.TooManyException.class);
        Rejections.anyOf(() -> { Decoder.Result ignored = v2 ? d.decodeV2(body) : d.decodeV1(body); },
                InvalidProtocolBufferException.class, Decoder.TooManyException.class);
        Decoder.Result c;
        try {
            c = d.decodeV1(CANARY);
        } catch (InvalidProtocolBufferException | Decoder.TooManyException e) {
            throw new AssertionError("the good request after it was refused: " + e.getMessage(), e);
        }
        List<Sample> canary = c.samples.stream().filter(s -> s.name().equals("fuzz_canary_q7")).toList();
        Rejections.check(canary.size() == 1 && canary.get(0).value() == 42, "the good request after it came out as " + c.samples);
    }
}
