package lodestar.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import lodestar.api.Kind;
import lodestar.api.Pipeline;
import lodestar.api.Sample;
import lodestar.api.Tags;
import lodestar.api.TimeSeries;

/**
 * Restarts: stopping and starting the Graphite sink's bundle while samples flow costs the store nothing;
 * the store itself keeps its history across a restart of its bundle.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SinkRestartIT extends LodestarTestSupport {

    private static final int SAMPLES = 2000;

    @Configuration
    public Option[] config() {
        return lodestar();
    }

    @Test
    public void storeKeepsEverySampleWhileTheGraphiteBundleRestarts() throws Exception {
        try (CarbonServer carbon = CarbonServer.plaintext()) {
            Pipeline pipeline = pipeline();
            await("sink store running", () -> status("sink", "store").isPresent());
            configureFactory("lodestar.sink.graphite", "flow", "host", "127.0.0.1", "port", carbon.port(),
                    "flushInterval", "100ms", "include", new String[] {"itest.**"});
            await("sink graphite-flow running", () -> status("sink", "graphite-flow").isPresent());
            Bundle graphite = installed("lodestar.sink.graphite").orElseThrow();

            long base = System.currentTimeMillis() - 10_000; // distinct past timestamps, 1 ms apart
            CountDownLatch started = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicInteger emitted = new AtomicInteger();
            Thread producer = new Thread(() -> {
                try {
                    started.countDown();
                    long t0 = System.nanoTime();
                    for (int i = 1; i <= SAMPLES; i++) {
                        pipeline.emit(new Sample("itest.flow", Tags.EMPTY, i, base + i, Kind.GAUGE));
                        emitted.set(i);
                        // about 1 ms apart: ~2 s in all
                        long due = t0 + TimeUnit.MILLISECONDS.toNanos(i);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "itest-flow");
            producer.start();
            started.await();

            Thread.sleep(500);
            int atStop = emitted.get();
            graphite.stop();
            assertTrue("graphite sink gone from the pipeline", status("sink", "graphite-flow").isEmpty());
            Thread.sleep(400);
            graphite.start();
            await("graphite-flow back", () -> status("sink", "graphite-flow").isPresent());
            int atStart = emitted.get();
            assertTrue("stopped and started mid-flow: at " + atStop + " and " + atStart + " of " + SAMPLES,
                    atStop > 0 && atStart < SAMPLES);

            producer.join(30_000);
            assertTrue("producer finished", !producer.isAlive());
            assertEquals("producer failed", null, failure.get());

            await("all " + SAMPLES + " itest.flow points in the store", () -> raw("itest.flow").size() >= SAMPLES);
            TimeSeries flow = raw("itest.flow");
            assertEquals("count", SAMPLES, flow.size());
            for (int i = 0; i < SAMPLES; i++) {
                assertEquals("timestamp #" + i, base + i + 1, flow.timestamps()[i]);
                assertEquals("value #" + i, i + 1, flow.values()[i], 0.0);
            }
            assertEquals("store dropped nothing", 0L, counter("sink", "store", "dropped"));
            assertTrue("the graphite sink got part of the flow", !carbon.lines("itest.flow ").isEmpty());
        }
    }

    @Test
    public void storeKeepsItsHistoryAcrossARestartOfItsBundle() throws Exception {
        long base = System.currentTimeMillis() - 60_000;
        java.util.List<Sample> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            batch.add(new Sample("itest.persist", Tags.of("run", "1"), i * 0.5, base + i * 100L, Kind.GAUGE));
        }
        pipeline().emitAll(batch);
        await("100 itest.persist points stored", () -> raw("itest.persist;run=1").size() == 100);
        TimeSeries before = raw("itest.persist;run=1");

        Bundle store = installed("lodestar.store").orElseThrow();
        store.stop();
        assertEquals("no SeriesStore while stopped", null, context().getServiceReference(lodestar.api.SeriesStore.class));
        store.start();
        await("sink store back", () -> status("sink", "store").isPresent());

        TimeSeries after = raw("itest.persist;run=1");
        assertEquals(before.size(), after.size());
        org.junit.Assert.assertArrayEquals(before.timestamps(), after.timestamps());
        org.junit.Assert.assertArrayEquals(before.values(), after.values(), 0.0);
        assertEquals("the tags survive too", "1", store().find("itest.persist").get(0).tags().get("run"));
    }
}
