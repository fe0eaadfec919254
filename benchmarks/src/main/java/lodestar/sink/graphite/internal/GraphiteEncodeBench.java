package lodestar.sink.graphite.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Tags;

/**
 * The Graphite sink's hot path: encoding a batch of 1000 samples (half integral values, half
 * fractional, a tenth tagged) into plaintext or pickle bytes. Lives in the sink's package to reach
 * its package-private encoders. {@code benchmarks/run jmh GraphiteEncodeBench}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(GraphiteEncodeBench.BATCH)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GraphiteEncodeBench {

    static final int BATCH = 1000;

    @Param({"plaintext", "pickle"})
    public String protocol;

    private Encoder encoder;
    private final List<Sample> batch = new ArrayList<>();
    private final ByteBuf out = new ByteBuf(1 << 20);

    @Setup
    public void setup() {
        GraphiteNames names = new GraphiteNames("", false);
        Skipped skipped = new Skipped("bench");
        encoder = protocol.equals("pickle") ? new PickleEncoder(names, skipped) : new PlaintextEncoder(names, skipped);
        long now = System.currentTimeMillis();
        for (int i = 0; i < BATCH; i++) {
            Tags tags = i % 10 == 0 ? Tags.of("host", "web" + (i % 7)) : Tags.EMPTY;
            double v = i % 2 == 0 ? i * 1000 : i * 0.37;
            batch.add(new Sample("servers.host" + (i % 50) + ".cpu.core" + (i % 8) + ".user", tags, v, now, Kind.GAUGE));
        }
    }

    @Benchmark
    public int encode() {
        out.clear();
        return encoder.encode(batch, out);
    }
}
