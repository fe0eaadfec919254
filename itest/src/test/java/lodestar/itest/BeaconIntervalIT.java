package lodestar.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import lodestar.api.SeriesStore.SeriesInfo;
import lodestar.api.TimeSeries;

/** A new {@code interval} for the system beacon, set through ConfigAdmin, takes effect while it runs. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BeaconIntervalIT extends LodestarTestSupport {

    private static final String PID = "lodestar.beacon.system";

    @Configuration
    public Option[] config() {
        return lodestar();
    }

    @Test
    public void intervalChangesLiveAndTheStoreFills() throws Exception {
        await("beacon system scheduled", () -> status("beacon", "system").isPresent());

        configure(PID, "interval", "1s");
        await("interval_ms=1000", () -> counter("beacon", "system", "interval_ms") == 1000L);
        double perSecond = runsPerSecond(4000);
        assertTrue("about one run a second at 1s, got " + perSecond + "/s", perSecond >= 0.5 && perSecond <= 1.5);

        // the store has what the beacon collected, and it is recent
        List<SeriesInfo> series = store().find("system.**");
        assertFalse("system.** series in the store", series.isEmpty());
        long now = System.currentTimeMillis();
        assertTrue("a system point from the last 5 s: " + series.get(0),
                series.stream().anyMatch(s -> now - s.lastTimestamp() < 5000));
        SeriesInfo busy = series.stream().max((a, b) -> Integer.compare(raw(a.key()).size(), raw(b.key()).size())).get();
        TimeSeries points = raw(busy.key());
        assertTrue(busy.key() + " has several points: " + points.size(), points.size() >= 2);
        // find() and query() agree (the beacon may have added a point in between)
        assertTrue("the latest point find() reported is in query(): " + busy,
                java.util.Arrays.binarySearch(points.timestamps(), busy.lastTimestamp()) >= 0);

        configure(PID, "interval", "2s");
        await("interval_ms=2000", () -> counter("beacon", "system", "interval_ms") == 2000L);
        perSecond = runsPerSecond(6000);
        assertTrue("about one run every 2 s at 2s, got " + perSecond + "/s", perSecond >= 0.25 && perSecond <= 0.75);
    }

    /** Counts the beacon's runs over {@code millis}, starting after its first run at the current interval. */
    private double runsPerSecond(long millis) throws Exception {
        long interval = counter("beacon", "system", "interval_ms");
        long initial = counter("beacon", "system", "runs");
        await("a run at the new interval", () -> counter("beacon", "system", "runs") > initial);
        long r0 = counter("beacon", "system", "runs");
        long t0 = System.nanoTime();
        Thread.sleep(millis);
        long r1 = counter("beacon", "system", "runs");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals("interval unchanged while counting", interval, counter("beacon", "system", "interval_ms"));
        return (r1 - r0) / seconds;
    }
}
