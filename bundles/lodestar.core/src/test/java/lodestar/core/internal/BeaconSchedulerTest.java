package lodestar.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import lodestar.api.Beacon;

/** A beacon its component stops and starts again with the same schedule is not news; one that goes is. */
class BeaconSchedulerTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final BeaconScheduler scheduler = new BeaconScheduler(timer, 2, 10_000, samples -> { });

    @AfterEach
    void close() {
        timer.shutdownNow();
    }

    private static Beacon beacon() {
        return emitter -> emitter.gauge("x", 1);
    }

    @Test
    void restartedWithTheSameScheduleSaysNothing() {
        // SCR re-creating the system beacon when its configuration file arrives: a new object, same name
        scheduler.put(beacon(), Map.of("name", "system", "interval", "10s"));
        scheduler.remove(scheduler.runners().get(0).beacon());
        scheduler.put(beacon(), Map.of("name", "system", "interval", "10s"));
        assertEquals(0, scheduler.removalsPending());
        assertEquals(List.of("system"), scheduler.runners().stream().map(BeaconRunner::name).toList());
        scheduler.stop();
        assertEquals(0, scheduler.removalsSaid(), "neither removed nor scheduled again");
    }

    @Test
    void backWithAnotherScheduleOrGoneIsSaid() {
        scheduler.put(beacon(), Map.of("name", "system", "interval", "10s"));
        scheduler.remove(scheduler.runners().get(0).beacon());
        scheduler.put(beacon(), Map.of("name", "system", "interval", "1s"));
        assertEquals(1, scheduler.removalsSaid(), "removed, then scheduled every 1s");
        scheduler.put(beacon(), Map.of("name", "jvm"));
        scheduler.remove(scheduler.runners().stream().filter(r -> r.name().equals("jvm")).findFirst().orElseThrow().beacon());
        assertEquals(1, scheduler.removalsPending());
        scheduler.stop();
        assertEquals(2, scheduler.removalsSaid(), "a beacon that went is said at the latest when the core stops");
    }
}
