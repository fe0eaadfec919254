package lodestar.instrument.internal;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import com.codahale.metrics.MetricRegistry;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import lodestar.instrument.Counter;
import lodestar.instrument.Timer;

/**
 * The recording hot path of lodestar.instrument against Micrometer's and Dropwizard Metrics' equivalents, in one
 * run: a counter increment, a timer record of a measured duration, and a timing with a try-with-resources context.
 * Micrometer on its SimpleMeterRegistry (cumulative; the StatsD registry sends one line per call instead), Dropwizard
 * on a MetricRegistry (Timer: exponentially decaying reservoir). Lodestar's Engine runs its real sender thread with
 * a transport that discards, so the queue is drained as in an application (the queue never fills: checked at
 * tear-down, a full queue would make offer cheaper). {@code benchmarks/run jmh InstrumentBench -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class InstrumentBench {

    /** Takes everything, sends nothing: the sender thread's cost without a socket. */
    static final class Discard implements Transport {
        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public boolean counter(Instrument i, long n, long epochSeconds) {
            return true;
        }

        @Override
        public boolean timer(Instrument i, long nanos, long epochSeconds) {
            return true;
        }

        @Override
        public boolean gauge(Instrument i, double value, long epochSeconds) {
            return true;
        }

        @Override
        public void close() {
        }
    }

    Engine engine;
    Counter lodestarCounter;
    Timer lodestarTimer;
    SimpleMeterRegistry micrometer;
    io.micrometer.core.instrument.Counter micrometerCounter;
    io.micrometer.core.instrument.Timer micrometerTimer;
    MetricRegistry dropwizard;
    com.codahale.metrics.Counter dropwizardCounter;
    com.codahale.metrics.Timer dropwizardTimer;
    long duration = 12_345;

    @Setup(Level.Trial)
    public void setup() {
        engine = new Engine(new Discard(), "bench-sender", 1 << 20, 1, 1000);
        lodestarCounter = engine.counter("info", "orders", null);
        lodestarTimer = engine.timer("debug", "checkout", "shop");
        micrometer = new SimpleMeterRegistry();
        micrometerCounter = micrometer.counter("orders", "level", "info");
        micrometerTimer = micrometer.timer("checkout", "level", "debug", "source", "shop");
        dropwizard = new MetricRegistry();
        dropwizardCounter = dropwizard.counter("orders");
        dropwizardTimer = dropwizard.timer("checkout");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
        if (engine.dropped() > 0) {
            System.out.println("WARNING: the queue filled, " + engine.dropped() + " durations dropped: offer was measured on a full queue");
        }
    }

    @Benchmark
    public void counterLodestar() {
        lodestarCounter.increment();
    }

    @Benchmark
    public void counterMicrometer() {
        micrometerCounter.increment();
    }

    @Benchmark
    public void counterDropwizard() {
        dropwizardCounter.inc();
    }

    @Benchmark
    public void timerRecordLodestar() {
        lodestarTimer.record(duration, TimeUnit.NANOSECONDS);
    }

    @Benchmark
    public void timerRecordMicrometer() {
        micrometerTimer.record(duration, TimeUnit.NANOSECONDS);
    }

    @Benchmark
    public void timerRecordDropwizard() {
        dropwizardTimer.update(duration, TimeUnit.NANOSECONDS);
    }

    @Benchmark
    public void timerContextLodestar() {
        try (Timer.Context t = lodestarTimer.time()) {
            duration++;
        }
    }

    @Benchmark
    public void timerContextMicrometer() {
        io.micrometer.core.instrument.Timer.Sample s = io.micrometer.core.instrument.Timer.start();
        duration++;
        s.stop(micrometerTimer);
    }

    @Benchmark
    public void timerContextDropwizard() {
        try (com.codahale.metrics.Timer.Context t = dropwizardTimer.time()) {
            duration++;
        }
    }
}
