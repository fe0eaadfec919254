package lodestar.listener.otlp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lodestar.api.Histogram;
import lodestar.api.Kind;
import lodestar.api.Sample;
import lodestar.testkit.CapturingPipeline;
import lodestar.testkit.Configs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OpenTelemetry's own Java SDK (1.68, the JDK HTTP sender) exporting to the listener: every instrument kind, both
 * encodings, gzip, both temporalities, and the values Lodestar gets equal what the SDK was given.
 */
class OpenTelemetrySdkTest {

    private final CapturingPipeline pipeline = new CapturingPipeline();
    private OtlpListener listener;
    private List<Sample> snapshot = List.of();

    @BeforeEach
    void start() {
        listener = new OtlpListener(Configs.of(OtlpListener.Config.class, "port", 0), pipeline, Map.of());
    }

    @AfterEach
    void stop() {
        listener.deactivate();
    }

    private SdkMeterProvider provider(String compression, boolean delta) {
        var exporter = OtlpHttpMetricExporter.builder()
                .setEndpoint("http://127.0.0.1:" + listener.port() + "/v1/metrics")
                .setCompression(compression)
                .setAggregationTemporalitySelector(delta ? AggregationTemporalitySelector.deltaPreferred()
                        : AggregationTemporalitySelector.alwaysCumulative());
        return SdkMeterProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "checkout",
                        AttributeKey.stringKey("host.name"), "h1"))))
                .registerView(InstrumentSelector.builder().setName("app.size").build(),
                        View.builder().setAggregation(Aggregation.base2ExponentialBucketHistogram(160, 20)).build())
                .registerMetricReader(PeriodicMetricReader.builder(exporter.build()).setInterval(Duration.ofHours(1)).build())
                .build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip"})
    void cumulativeInstrumentsArriveWithTheValuesTheSdkRecorded(String compression) throws Exception {
        try (SdkMeterProvider provider = provider(compression, false)) {
            Meter meter = provider.get("shop");
            Attributes a = Attributes.of(AttributeKey.stringKey("route"), "/pay");
            var counter = meter.counterBuilder("app.requests").build();
            counter.add(3, a);
            counter.add(4, a);
            var upDown = meter.upDownCounterBuilder("app.queue").build();
            upDown.add(5);
            upDown.add(-2);
            meter.gaugeBuilder("app.temperature").build().set(21.5, a);
            var latency = meter.histogramBuilder("app.latency").build();
            for (double v : new double[] {3, 7, 120, 5000}) {
                latency.record(v, a);
            }
            var size = meter.histogramBuilder("app.size").build();
            for (double v : new double[] {1, 2, 4, 1000}) {
                size.record(v);
            }
            CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
            assertTrue(flushed.isSuccess(), "the SDK's export failed");
            snapshot = List.copyOf(pipeline.samples); // closing the provider exports once more
        }

        Sample requests = one("app.requests");
        assertEquals(Kind.COUNTER, requests.kind());
        assertEquals(7, requests.value());
        assertEquals("/pay", requests.tags().get("route"));
        assertEquals("checkout", requests.tags().get("service.name"));
        assertEquals(null, requests.tags().get("host.name"), "only the resource attributes configured become tags");

        Sample queue = one("app.queue");
        assertEquals(Kind.GAUGE, queue.kind(), "a cumulative non-monotonic sum is a level");
        assertEquals(3, queue.value());

        Sample temperature = one("app.temperature");
        assertEquals(Kind.GAUGE, temperature.kind());
        assertEquals(21.5, temperature.value());

        Histogram latency = one("app.latency").histogram();
        assertNotNull(latency);
        assertEquals(Histogram.Layout.EXPLICIT, latency.layout());
        assertEquals(Histogram.Temporality.CUMULATIVE, latency.temporality());
        assertEquals(4, latency.count());
        assertEquals(5130, latency.sum());
        assertEquals(3, latency.min());
        assertEquals(5000, latency.max());
        // the SDK's default bounds
        assertArrayEquals(new double[] {0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000}, latency.bounds());
        assertArrayEquals(new long[] {0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0}, latency.bucketCounts());

        Histogram size = one("app.size").histogram();
        assertEquals(Histogram.Layout.EXPONENTIAL, size.layout());
        assertEquals(4, size.count());
        assertEquals(1007, size.sum());
        assertEquals(1, size.min());
        assertEquals(1000, size.max());
        // 1..1000 spans 81 buckets at scale 3 and 161 at scale 4: the SDK (160 buckets at most) settles on 3
        assertEquals(3, size.scale());
        long[] counts = size.positiveCounts();
        assertEquals(4, java.util.Arrays.stream(counts).sum());
        for (double v : new double[] {1, 2, 4, 1000}) {
            int index = (int) Math.ceil(Math.log(v) / Math.log(2) * 8) - 1; // exact for powers of two
            assertEquals(1, counts[index - size.positiveOffset()], "bucket of " + v);
            assertTrue(v <= Histogram.upperBound(3, index) && v > Histogram.upperBound(3, index - 1), "bounds of bucket " + index);
        }
        assertEquals(0, size.zeroCount());
    }

    @Test
    void deltaSumsBecomeDeltaSamples() throws Exception {
        try (SdkMeterProvider provider = provider("gzip", true)) {
            Meter meter = provider.get("shop");
            var counter = meter.counterBuilder("app.sent").build();
            counter.add(10);
            counter.add(5);
            var latency = meter.histogramBuilder("app.latency").setExplicitBucketBoundariesAdvice(List.of(1.0, 10.0)).build();
            latency.record(0.5);
            latency.record(20);
            assertTrue(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess());
            pipeline.samples.clear();
            counter.add(2);
            assertTrue(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess());
            snapshot = List.copyOf(pipeline.samples);
        }
        Sample sent = one("app.sent");
        assertEquals(Kind.DELTA, sent.kind());
        assertEquals(2, sent.value(), "only what was added since the last export");
        assertTrue(snapshot.stream().noneMatch(s -> s.name().equals("app.latency")), "no observation, no delta point");
    }

    private Sample one(String name) {
        List<Sample> l = snapshot.stream().filter(s -> s.name().equals(name)).toList();
        assertEquals(1, l.size(), name + ": " + snapshot);
        return l.get(0);
    }
}
