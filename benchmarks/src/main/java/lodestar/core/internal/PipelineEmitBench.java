package lodestar.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.Sink;
import lodestar.api.Tags;
import lodestar.testkit.Configs;

/**
 * The producer's side of the pipeline: {@code emitAll} of a batch of 1000 samples through the
 * processors (none, or one renaming processor), the global tags and the hand-off to N sinks' buffers.
 * The sinks discard, so what is measured is the pipeline, not a backend.
 * {@code benchmarks/run jmh PipelineEmitBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(PipelineEmitBench.BATCH)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PipelineEmitBench {

    static final int BATCH = 1000;

    @Param({"1", "3"})
    public int sinks;

    @Param({"false", "true"})
    public boolean processorAndTags;

    private PipelineComponent pipeline;
    private final List<Sample> batch = new ArrayList<>();

    @Setup(Level.Trial)
    public void setup() {
        pipeline = new PipelineComponent(Configs.of(PipelineComponent.Config.class, Map.of("selfInterval", "0", "bufferDisk", "0",
                "globalTags", processorAndTags ? new String[] {"dc=par1"} : new String[0])), null);
        for (int i = 0; i < sinks; i++) {
            Sink discard = b -> { };
            pipeline.addSink(discard, Map.of("component.name", "lodestar.sink.discard" + i, "batchSize", 5000, "bufferMemory", "512MB"));
        }
        if (processorAndTags) {
            pipeline.addProcessor(s -> s.withName("p." + s.name()), Map.of("service.id", 1L));
        }
        long now = System.currentTimeMillis();
        for (int i = 0; i < BATCH; i++) {
            batch.add(new Sample("servers.host" + (i % 50) + ".metric" + i, Tags.EMPTY, i, now, Kind.GAUGE));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pipeline.deactivate();
    }

    @Benchmark
    public void emitAll() {
        pipeline.emitAll(batch);
    }
}
