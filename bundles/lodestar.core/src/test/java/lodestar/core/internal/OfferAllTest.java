package lodestar.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import lodestar.api.Histogram;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.api.SamplesLostException;
import lodestar.api.Tags;
import lodestar.testkit.Configs;

/** {@link PipelineComponent#offerAll}: admission by room, settlement when written or on disk, losses reported. */
class OfferAllTest {

    @TempDir
    Path spool;

    private PipelineComponent pipeline;

    private PipelineComponent pipeline(Map<String, Object> config) {
        Map<String, Object> c = new HashMap<>(Map.of("flushInterval", "10ms", "selfInterval", "0", "bufferDisk", "0",
                "retryInitial", "10ms", "retryMax", "20ms", "spoolDirectory", spool.toString(), "shutdownTimeout", "200ms"));
        c.putAll(config);
        pipeline = new PipelineComponent(Configs.of(PipelineComponent.Config.class, c), null);
        return pipeline;
    }

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.deactivate();
        }
    }

    private static Map<String, Object> props(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static List<Sample> samples(String prefix, int n) {
        List<Sample> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(Sample.of(prefix + i, Tags.EMPTY, i, 1000 + i, Kind.GAUGE));
        }
        return l;
    }

    private static CompletableFuture<Void> taken(Optional<CompletionStage<Void>> o) {
        assertTrue(o.isPresent(), "the pipeline had room");
        return o.get().toCompletableFuture();
    }

    @Test
    void aSinkWithoutDiskSettlesOnlyWhenTheBackendHasTheSamples() throws Exception {
        PipelineComponent p = pipeline(Map.of());
        RecordingSink sink = new RecordingSink();
        sink.down = true;
        p.addSink(sink, props("component.name", "lodestar.sink.test", "bufferMemory", "1000B"));
        CompletableFuture<Void> first = taken(p.offerAll(samples("a", 3)));
        SinkRunnerTest.await(() -> sink.attempts >= 3, 3000);
        assertFalse(first.isDone(), "not settled while the backend is down and nothing is on disk");
        // 10 samples fit the memory buffer (1000B); the failed batch waits outside it for its retry
        assertTrue(p.offerAll(samples("b", 11)).isEmpty(), "more than the buffer holds is refused whole");
        CompletableFuture<Void> second = taken(p.offerAll(samples("c", 10)));
        assertTrue(p.offerAll(samples("d", 1)).isEmpty(), "a full buffer refuses");
        assertEquals(0, sink.taken().stream().filter(s -> s.name().startsWith("b") || s.name().startsWith("d")).count());
        sink.down = false;
        first.get(5, TimeUnit.SECONDS);
        second.get(5, TimeUnit.SECONDS);
        assertEquals(13, sink.taken().size(), "what was refused never went anywhere: " + sink.taken());
    }

    @Test
    void aSinkWithADiskBufferSettlesOnceTheSamplesAreOnDisk() throws Exception {
        PipelineComponent p = pipeline(Map.of());
        RecordingSink sink = new RecordingSink();
        sink.down = true;
        p.addSink(sink, props("component.name", "lodestar.sink.test", "bufferDisk", "1MB"));
        CompletableFuture<Void> f = taken(p.offerAll(samples("a", 5)));
        f.get(5, TimeUnit.SECONDS);
        assertTrue(sink.taken().isEmpty(), "settled by the disk buffer, not by the backend");
        CompletableFuture<Void> g = taken(p.offerAll(samples("b", 5)));
        g.get(5, TimeUnit.SECONDS);
        sink.down = false;
        SinkRunnerTest.await(() -> sink.taken().size() == 10, 5000);
        assertEquals(10, sink.taken().size());
    }

    @Test
    void samplesDroppedUnderOtherProducersLoadAreReportedLost() throws Exception {
        PipelineComponent p = pipeline(Map.of());
        RecordingSink sink = new RecordingSink();
        sink.down = true;
        p.addSink(sink, props("component.name", "lodestar.sink.test", "bufferMemory", "1000B", "batchSize", "1"));
        CompletableFuture<Void> f = taken(p.offerAll(samples("a", 5)));
        // a fire-and-forget producer overflows the buffer: the oldest, ours included, make room
        p.emitAll(samples("flood", 30));
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        SamplesLostException lost = assertInstanceOf(SamplesLostException.class, e.getCause());
        assertEquals("test", lost.sink());
        assertTrue(lost.lost() >= 4 && lost.lost() <= 5, "the ones still in the buffer: " + lost.lost());
    }

    @Test
    void everySinkMustHaveRoomAndEveryOneMustSettle() throws Exception {
        PipelineComponent p = pipeline(Map.of());
        RecordingSink fast = new RecordingSink();
        RecordingSink slow = new RecordingSink();
        slow.down = true;
        p.addSink(fast, props("component.name", "lodestar.sink.fast"));
        p.addSink(slow, props("component.name", "lodestar.sink.slow", "bufferMemory", "1000B"));
        CompletableFuture<Void> f = taken(p.offerAll(samples("a", 8)));
        SinkRunnerTest.await(() -> fast.taken().size() == 8, 3000);
        Thread.sleep(100);
        assertFalse(f.isDone(), "one sink has them, the other not yet");
        taken(p.offerAll(samples("b", 10)));
        assertTrue(p.offerAll(samples("c", 1)).isEmpty(), "the slow sink is full, so nobody gets the batch");
        SinkRunnerTest.await(() -> fast.taken().size() == 18, 3000);
        Thread.sleep(100);
        assertEquals(18, fast.taken().size(), "the fast sink did not get the refused batch either");
        slow.down = false;
        f.get(5, TimeUnit.SECONDS);
    }

    @Test
    void histogramsReachNativeSinksWholeAndTheOthersFlattened() throws Exception {
        PipelineComponent p = pipeline(Map.of());
        RecordingSink whole = new RecordingSink();
        RecordingSink flat = new RecordingSink();
        p.addSink(whole, props("component.name", "lodestar.sink.otlp", "lodestar.sink.histograms", Boolean.TRUE));
        p.addSink(flat, props("component.name", "lodestar.sink.graphite"));
        Histogram h = Histogram.explicit(Histogram.Temporality.DELTA, 0, 3, 6, Double.NaN, Double.NaN, new double[] { 1 },
                new long[] { 1, 2 });
        List<Sample> batch = List.of(Sample.histogram("lat", Tags.EMPTY, h, 7), Sample.gauge("g", 1));
        taken(p.offerAll(batch)).get(5, TimeUnit.SECONDS);
        assertEquals(batch, whole.taken());
        assertEquals(List.of("lat.count", "lat.sum", "lat.bucket;le=1", "lat.bucket;le=+Inf", "g"),
                flat.taken().stream().map(Sample::seriesKey).toList());
        p.emitAll(batch);
        SinkRunnerTest.await(() -> flat.taken().size() == 10, 3000);
        assertEquals(4, whole.taken().size());
        assertEquals(10, flat.taken().size());
    }
}
