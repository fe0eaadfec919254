package lodestar.listener.zeromq.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;

import com.code_intelligence.jazzer.junit.FuzzTest;

import lodestar.testkit.CapturingPipeline;
import lodestar.testkit.Configs;
import lodestar.testkit.fuzz.AllocationBound;
import lodestar.testkit.fuzz.Rejections;

/**
 * Coverage-guided fuzzing of the ZeroMQ listener's frames (fuzz/README.md): a message as the broker's receiver
 * hands it to {@link ZeromqListener#handle}. One listener (on a free loopback port, never sent to) serves every
 * input. Seeds: {@code ZeromqFuzzTestInputs/}, Zibrato's message shapes.
 */
class ZeromqFuzzTest {

    private static final CapturingPipeline PIPELINE = new CapturingPipeline();
    private static final ZeromqListener LISTENER = new ZeromqListener(
            Configs.of(ZeromqListener.Config.class, "port", 0, "flushInterval", "1h"), PIPELINE,
            Map.of("service.pid", "lodestar.listener.zeromq~fuzz"));
    private static final byte[] CANARY = "info|Gauge|fuzz_canary_q7|42||s".getBytes(StandardCharsets.UTF_8);
    /** the message as a String, split into fields; a series when it is new */
    private static final AllocationBound ALLOC = new AllocationBound("zeromq message parser", 256 * 1024, 64);

    @AfterAll
    static void close() {
        LISTENER.deactivate();
    }

    private static long badInput() {
        return LISTENER.status().counters().get("bad_input");
    }

    /**
     * The parser throws nothing but Malformed (the listener's catch-all for anything else is a safety net, not a
     * design); the listener counts a bad message exactly once and a good one never; memory is bounded by the
     * message's size; a good gauge after it comes out.
     */
    @FuzzTest(maxDuration = "20s")
    void message(byte[] m) {
        Measurement.Malformed refused = Rejections.only(Measurement.Malformed.class,
                () -> ALLOC.run(m.length, () -> Measurement.parse(m)));
        long before = badInput();
        LISTENER.handle(m);
        Rejections.counted("bad_input", before, badInput(), refused == null ? 0 : 1);

        PIPELINE.samples.clear();
        LISTENER.handle(CANARY);
        Rejections.check(PIPELINE.samples.size() == 1 && PIPELINE.samples.get(0).name().equals("fuzz_canary_q7")
                && PIPELINE.samples.get(0).value() == 42, "the good gauge after it came out as " + PIPELINE.samples);
        PIPELINE.samples.clear();
    }
}
