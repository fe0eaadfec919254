package lodestar.listener.metricsd.internal;

import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import lodestar.listener.metricsd.MetricsdEncoder;
import lodestar.support.cardinality.CardinalityGuard;
import lodestar.testkit.Configs;
import lodestar.testkit.fuzz.AllocationBound;
import lodestar.testkit.fuzz.Rejections;

/**
 * Coverage-guided fuzzing of the MetricsD listener's decoding (fuzz/README.md): a datagram through the decoder and
 * the packet handler with its registry. Seeds: {@code MetricsdFuzzTestInputs/}, packets of {@link MetricsdEncoder}.
 */
class MetricsdFuzzTest {

    private static final Settings SETTINGS = Settings.from(Configs.of(MetricsdListener.Config.class, "flushInterval", "1h"));
    private static final byte[] CANARY = new MetricsdEncoder("fuzz-canary", 65507).counter("fuzz.canary", 1).packets().get(0);
    /** names, hosts and registry entries are made of the packet; the registry's tables are made before */
    private static final AllocationBound ALLOC = new AllocationBound("metricsd decoder", 256 * 1024, 200);

    private static PacketHandler handler() {
        return new PacketHandler(SETTINGS.newRegistry(new CardinalityGuard("metricsd", SETTINGS.cardinality(), m -> { })));
    }

    /**
     * The decoder throws nothing but ProtocolError; the handler applies exactly the commands decoded before it and
     * counts the packet as bad once when there was one; memory is bounded by the packet's size; a good packet
     * after it is applied.
     */
    @FuzzTest(maxDuration = "20s")
    void datagram(byte[] packet) {
        List<Command> decoded = new ArrayList<>();
        ProtocolError error = Rejections.only(ProtocolError.class,
                () -> new PacketDecoder().decode(packet, 0, packet.length, h -> { }, decoded::add));

        PacketHandler h = ALLOC.check(packet.length, MetricsdFuzzTest::handler, x -> x.handle(packet, packet.length, "fuzzer"));
        Rejections.counted("commands", 0, h.commands.sum(), decoded.size());
        Rejections.counted("bad_input", 0, h.badInput.sum(), error == null ? 0 : 1);

        h.handle(CANARY, CANARY.length, "fuzzer");
        Rejections.counted("commands of a good packet after it", decoded.size(), h.commands.sum(), 1);
        Rejections.counted("bad_input after a good packet", error == null ? 0 : 1, h.badInput.sum(), 0);
    }
}
